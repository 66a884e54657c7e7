// Crash-safe file replacement: a reader (or the next boot after kill -9 / power loss) sees either the
// old content or the new, never a mix. Our own instead of the write-file-atomic package because that
// one does not fsync the directory (the rename itself can be lost), and the state store needs the
// temp-file step on its own to keep the previous generation (see store/state-store.ts).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from './errors.js';

export interface WriteOptions {
  mode?: number;
}

// Filesystems where a directory cannot be fsynced say so with these; the rename is then as durable
// as that filesystem makes it and there is nothing more we can do.
const DIR_FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP']);

let counter = 0;

/** `<file>.tmp-<pid>-<counter>`, in the target's directory so the rename never crosses filesystems. */
export function tempPathFor(file: string): string {
  counter += 1;
  return `${file}.tmp-${process.pid}-${counter}`;
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has(errnoCode(err) ?? '')) throw err;
  } finally {
    await fh.close();
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    if (!DIR_FSYNC_UNSUPPORTED.has(errnoCode(err) ?? '')) throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `data` to a fresh temp file next to `file` and fsyncs it; returns the temp path. The caller
 * renames it into place (and must remove it on failure: see removeTemp).
 */
export async function writeTemp(file: string, data: string | Buffer, opts: WriteOptions = {}): Promise<string> {
  return withTemp(file, opts, (fh) => fh.writeFile(data));
}

/**
 * writeTemp for a text made in pieces, each encoded and written as it comes (a 15 MB snapshot is
 * then never one large string and one large buffer, garbage only a full GC frees). Returns the temp
 * path and the bytes written.
 */
export async function writeTempPieces(file: string, pieces: Iterable<string>, opts: WriteOptions = {}): Promise<{ tmp: string; bytes: number }> {
  let bytes = 0;
  const tmp = await withTemp(file, opts, async (fh) => {
    for (const piece of pieces) {
      const b = Buffer.from(piece, 'utf8');
      for (let off = 0; off < b.length; ) off += (await fh.write(b, off, b.length - off)).bytesWritten;
      bytes += b.length;
    }
  });
  return { tmp, bytes };
}

async function withTemp(file: string, opts: WriteOptions, write: (fh: fsp.FileHandle) => Promise<void>): Promise<string> {
  const tmp = tempPathFor(file);
  try {
    const fh = await fsp.open(tmp, 'wx', opts.mode ?? 0o644);
    try {
      await write(fh);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await removeTemp(tmp, err);
    throw err;
  }
  return tmp;
}

export function writeTempSync(file: string, data: string | Buffer, opts: WriteOptions = {}): string {
  const tmp = tempPathFor(file);
  try {
    const fd = fs.openSync(tmp, 'wx', opts.mode ?? 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    removeTempSync(tmp, err);
    throw err;
  }
  return tmp;
}

/**
 * Cleanup after a failed write. A temp file that is already gone is fine; any other failure to remove
 * it is reported together with the original error rather than hiding either.
 */
export async function removeTemp(tmp: string, cause: unknown): Promise<void> {
  try {
    await fsp.unlink(tmp);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw new AggregateError([cause, err], `could not remove temp file ${tmp} after a failed write`);
  }
}

export function removeTempSync(tmp: string, cause: unknown): void {
  try {
    fs.unlinkSync(tmp);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw new AggregateError([cause, err], `could not remove temp file ${tmp} after a failed write`);
  }
}

export async function writeFileAtomic(file: string, data: string | Buffer, opts: WriteOptions = {}): Promise<void> {
  const tmp = await writeTemp(file, data, opts);
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await removeTemp(tmp, err);
    throw err;
  }
  await fsyncDir(path.dirname(file));
}

export function writeFileAtomicSync(file: string, data: string | Buffer, opts: WriteOptions = {}): void {
  const tmp = writeTempSync(file, data, opts);
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    removeTempSync(tmp, err);
    throw err;
  }
  fsyncDirSync(path.dirname(file));
}
