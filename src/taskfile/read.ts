// Reading the task file from disk, refusing anything that is not a small UTF-8 text file with a
// message that names the file and says what to do. The size is checked before reading and the read
// itself is bounded, so a huge (or growing) file is never loaded whole.
import { createHash } from 'node:crypto';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { AuraError, errnoCode } from '../util/errors.js';
import { normaliseText } from './scan.js';

export const MAX_TASK_FILE_BYTES = 1024 * 1024;

export interface TaskFileText {
  /** Decoded text: BOM stripped, line ends normalised to LF. */
  text: string;
  /** sha256 hex of the raw bytes as on disk. */
  hash: string;
  bytes: number;
  /** The file's identity when it was read (inode, size, times): the daemon's cheap "did it move?" check. */
  stamp: { ino: number; size: number; mtimeMs: number; ctimeMs: number };
}

const DIRECTORY_HINT = 'pass the path of the Markdown file itself, e.g. task.md inside it';
const UTF8_HINT = 'save it as UTF-8 (most editors: Save with Encoding → UTF-8)';
const MARKDOWN_HINT = 'the task file is Markdown: a first line like `# Train the model`, then a checklist of tasks';

function bad(file: string, what: string, hint: string): AuraError {
  return new AuraError('BAD_TASK_FILE', `task file ${file} ${what}`, hint);
}

export async function readTaskFile(absPath: string): Promise<TaskFileText> {
  const info = await statOrExplain(absPath);
  if (info.isDirectory()) throw bad(absPath, 'is a directory', DIRECTORY_HINT);
  // A FIFO or device would block or never end; only plain files are read.
  if (!info.isFile()) throw bad(absPath, 'is not a regular file', 'pass the path of a plain Markdown file');
  if (info.size > MAX_TASK_FILE_BYTES) throw tooLarge(absPath, info.size);

  const raw = await readBounded(absPath);
  if (raw.length > MAX_TASK_FILE_BYTES) throw tooLarge(absPath, raw.length);
  if (raw.length === 0) throw bad(absPath, 'is empty', MARKDOWN_HINT);

  const utf16 = utf16Bom(raw);
  if (utf16 !== null) throw bad(absPath, `is ${utf16} encoded`, UTF8_HINT);
  const nul = raw.indexOf(0);
  if (nul !== -1) {
    const hint = 'point aura at the Markdown task file, not a binary file';
    throw bad(absPath, `looks binary (a NUL byte at offset ${nul})`, hint);
  }
  const text = decodeUtf8(absPath, raw);
  if (text.trim() === '') throw bad(absPath, 'contains only whitespace', MARKDOWN_HINT);
  return {
    text: normaliseText(text),
    hash: createHash('sha256').update(raw).digest('hex'),
    bytes: raw.length,
    // Taken before the read: a save racing it moves the file's stamp again, so it is seen later.
    stamp: { ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs },
  };
}

async function statOrExplain(file: string): Promise<Stats> {
  try {
    return await stat(file);
  } catch (err) {
    throw explainFsError(file, err);
  }
}

/** Reads at most MAX_TASK_FILE_BYTES + 1 bytes: enough to tell "too large" if the file grew since stat. */
async function readBounded(file: string): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw explainFsError(file, err);
  }
  try {
    const buf = Buffer.alloc(MAX_TASK_FILE_BYTES + 1);
    let filled = 0;
    while (filled < buf.length) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } catch (err) {
    throw explainFsError(file, err);
  } finally {
    await handle.close();
  }
}

function explainFsError(file: string, err: unknown): unknown {
  switch (errnoCode(err)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return bad(file, 'does not exist', 'create it (a first line like `# Train the model`) or pass the right path');
    case 'EACCES':
    case 'EPERM':
      return bad(file, 'cannot be read (permission denied)', `give yourself read access, e.g. chmod u+r ${file}`);
    case 'EISDIR':
      return bad(file, 'is a directory', DIRECTORY_HINT);
    case 'ELOOP':
      return bad(file, 'is a symbolic link loop', 'point aura at the real file');
    default:
      // Anything else (EIO, EMFILE...) is not the file's fault as such; keep the original error.
      return err;
  }
}

function tooLarge(file: string, size: number): AuraError {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  // Just over the limit, MiB would read "1.0 MiB; the limit is 1.0 MiB".
  const shown = size >= MAX_TASK_FILE_BYTES * 2 ? mib(size) : `${size} bytes`;
  return bad(
    file,
    `is too large (${shown}; the limit is ${mib(MAX_TASK_FILE_BYTES)})`,
    'keep the task file to the goal and the task list; move data and long notes into other files it mentions',
  );
}

function utf16Bom(raw: Buffer): string | null {
  if (raw.length >= 2 && raw[0] === 0xff && raw[1] === 0xfe) return 'UTF-16LE';
  if (raw.length >= 2 && raw[0] === 0xfe && raw[1] === 0xff) return 'UTF-16BE';
  return null;
}

function decodeUtf8(file: string, raw: Buffer): string {
  try {
    // ignoreBOM: keep a BOM in the text so normaliseText is the one place that strips it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw bad(
      file,
      `is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(raw)})`,
      UTF8_HINT,
    );
  }
}

/** Byte offset of the first invalid UTF-8 sequence (the decoder only says "invalid"). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
