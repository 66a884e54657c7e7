// read_file: a slice of one regular file inside the project, as text. Confined by resolveInProject;
// the file is stat'ed before it is opened (a FIFO opened for reading would block until a writer came),
// and opened with O_NOFOLLOW | O_NONBLOCK and re-checked, in case it was swapped in between.
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { z } from 'zod';
import { errnoCode } from '../../util/errors.js';
import { quote, resolveInProject } from '../confine.js';
import { type ToolOutcome, defineTool } from './types.js';

export const DEFAULT_READ_CAP_BYTES = 64 * 1024;

const input = z.strictObject({
  path: z
    .string()
    .describe('Project-relative, no "..".'),
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Default 0.'),
  max_bytes: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Default and most: 64 KiB.'),
});

function fail(text: string): ToolOutcome {
  return { kind: 'answer', isError: true, text: `read_file: ${text}` };
}

/** What a non-regular file is, in words. */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a regular file';
}

const MAGIC: Array<[string, number[]]> = [
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['zip archive', [0x50, 0x4b, 0x03, 0x04]],
  ['gzip data', [0x1f, 0x8b]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
];

/** A one-line description of binary content: its likely type and first bytes, never the bytes themselves. */
export function describeBinary(buf: Buffer, offset: number): string {
  const type = offset === 0 ? MAGIC.find(([, m]) => m.every((b, i) => buf[i] === b))?.[0] : undefined;
  const head = [...buf.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${type ?? 'binary data'} (not UTF-8 text; first bytes ${head}); read_file returns text only`;
}

/** Bytes of `buf` to drop at the start (continuation bytes: the offset fell inside a character). */
function leadingPartial(buf: Buffer): number {
  let i = 0;
  while (i < 3 && i < buf.length && ((buf[i] ?? 0) & 0xc0) === 0x80) i++;
  return i;
}

/** Length of `buf` cut back to the last whole UTF-8 character (the cap fell inside one). */
function wholeCharsEnd(buf: Buffer): number {
  for (let back = 1; back <= Math.min(4, buf.length); back++) {
    const b = buf[buf.length - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(buf: Buffer): string | null {
  if (buf.includes(0)) return null;
  try {
    return utf8.decode(buf);
  } catch {
    // fatal decoding throws exactly when the bytes are not UTF-8: that is the answer, not a failure
    return null;
  }
}

export const readFile = defineTool({
  name: 'read_file',
  description:
    'Read a project text file; long files come in slices (the header gives the next offset). ' +
    'Not readable: .aura, .git, .env*, keys, credentials.',
  input,
  async run(args, env): Promise<ToolOutcome> {
    const r = await resolveInProject(env.project, args.path);
    if (!r.ok) return fail(r.message);
    const shown = quote(args.path);
    let st: Stats;
    try {
      st = await lstat(r.abs);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return fail(`${shown} does not exist; use list_directory to see what is there`);
      return fail(`${shown} cannot be read (${code ?? String(err)})`);
    }
    if (st.isDirectory()) return fail(`${shown} is a directory; use list_directory for directories`);
    if (!st.isFile()) return fail(`${shown} is ${kindOf(st)}, not a regular file; read_file reads regular files only`);

    const offset = args.offset ?? 0;
    const want = Math.min(args.max_bytes ?? env.readCapBytes, env.readCapBytes);
    let buf: Buffer;
    let size: number;
    try {
      const fh = await open(r.abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const now = await fh.stat();
        if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) return fail(`${shown} changed while being opened; try again`);
        size = now.size;
        if (offset > size) return fail(`offset ${offset} is past the end of ${shown} (${size} bytes)`);
        buf = Buffer.alloc(Math.min(want, size - offset));
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        buf = buf.subarray(0, bytesRead);
      } finally {
        await fh.close();
      }
    } catch (err) {
      return fail(`${shown} cannot be read (${errnoCode(err) ?? String(err)})`);
    }

    if (size === 0) return { kind: 'answer', text: `[${r.rel}: 0 bytes (empty file)]` };
    const skip = offset > 0 ? leadingPartial(buf) : 0;
    const more = offset + buf.length < size;
    const end = more ? wholeCharsEnd(buf) : buf.length;
    if (more && end <= skip) return fail(`max_bytes ${want} is too small to hold a whole character at offset ${offset}; ask for at least 4`);
    const slice = buf.subarray(skip, end);
    const text = decodeText(slice);
    if (text === null) return { kind: 'answer', text: `[${r.rel}: ${size} bytes] ${describeBinary(buf, offset)}` };
    return { kind: 'answer', text: `${header(r.rel, size, offset + skip, offset + end)}\n${text}` };
  },
});

/** `from` and `to` are a half-open byte range; the header shows it inclusively, as people read ranges. */
export function header(rel: string, size: number, from: number, to: number): string {
  if (from === 0 && to === size) return `[${rel}: ${size} bytes]`;
  if (from === to) return `[${rel}: ${size} bytes; nothing from offset ${from} (the end)]`;
  const range = `showing bytes ${from}-${to - 1}`;
  if (to === size) return `[${rel}: ${size} bytes; ${range} (the end)]`;
  return `[${rel}: ${size} bytes; ${range}; … ${size - to} more bytes; call again with offset ${to}]`;
}
