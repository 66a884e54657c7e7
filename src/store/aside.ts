// Keeping damaged files instead of deleting them: a corrupt state.json or a torn journal tail is
// moved (or copied) to a timestamped sibling so a person can still look at it.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir } from '../util/atomic.js';
import { errnoCode } from '../util/errors.js';

/** Milliseconds since the epoch; injected so tests (and file names) are deterministic. */
export type Now = () => number;

/** ISO time usable in a file name (no colons). */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/:/g, '-');
}

/** `base`, or `base-1`, `base-2`, ... whichever does not exist yet. */
export async function uniqueSibling(base: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? base : `${base}-${i}`;
    try {
      await fsp.lstat(candidate);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') return candidate;
      throw err;
    }
  }
}

/**
 * Renames `file` to `<file>.<label>-<timestamp>` and makes the rename durable; returns the new path.
 * Only the lock holder writes under .aura/state, so checking for a free name first is not racy.
 */
export async function moveAside(file: string, label: string, now: Now): Promise<string> {
  const target = await uniqueSibling(`${file}.${label}-${fileStamp(now())}`);
  await fsp.rename(file, target);
  await fsyncDir(path.dirname(file));
  return target;
}
