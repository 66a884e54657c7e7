// The per-boot token that authorises changes: random, written 0600 next to the daemon lock, removed
// when the daemon stops. It is printed on the daemon's terminal and read by `aura dashboard`; it is
// never part of a page or a response.
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

export const TOKEN_FILE = 'http.token';
/** Written by `aura dashboard --open` (0600): forwards the browser to the link with the token. */
export const OPEN_PAGE = 'http-open.html';

export function tokenFileFor(runDir: string): string {
  return path.join(runDir, TOKEN_FILE);
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the token with mode 0600 from the first byte (a temp file, then rename: never world-readable, never half-written). */
export async function writeToken(file: string, token: string): Promise<void> {
  const tmp = `${file}.new-${process.pid}`;
  await unlinkIfPresent(tmp);
  await writeFile(tmp, `${token}\n`, { flag: 'wx', mode: 0o600 });
  await rename(tmp, file);
}

/** Removes the token and the page `aura dashboard --open` forwards through (it carries the token). */
export async function removeToken(file: string, token: string): Promise<void> {
  // Only our own: a newer daemon may already have written its token there.
  try {
    if ((await readFile(file, 'utf8')).trim() !== token) return;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return;
    throw err;
  }
  await unlinkIfPresent(file);
  await unlinkIfPresent(path.join(path.dirname(file), OPEN_PAGE));
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}
