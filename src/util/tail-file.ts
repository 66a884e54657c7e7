import { open } from 'node:fs/promises';
import { errnoCode } from './errors.js';

/** The last `bytes` of a file as UTF-8 ('' when it does not exist); never reads a big file whole. */
export async function readFileTail(file: string, bytes = 64 * 1024): Promise<string> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return '';
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, bytes);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
