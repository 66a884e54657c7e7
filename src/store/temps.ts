// Temp files aura writes on the way to an atomic replace (`<file>.tmp-<pid>-<n>`, util/atomic.ts) are
// left behind when a daemon is killed between the write and the rename. The next daemon, holding the
// lock, removes every one not its own, wherever aura writes that way: state/ (state.json,
// progress.md, the journal's repairs), summaries/, memory/ (and its reviews), logs/. Attempt
// directories are left alone: a re-adopted worker's runner may still be writing there.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';
import type { Layout } from './layout.js';

const TEMP = /\.tmp-(\d+)(?:-\d+)?$/;

/** Removes stale temp files; returns the paths removed. */
export async function removeStaleTemps(layout: Layout, ownPid = process.pid): Promise<string[]> {
  const dirs = [layout.stateDir, path.join(layout.root, 'summaries'), layout.memoryDir, path.join(layout.memoryDir, 'reviews'), layout.logsDir];
  const removed: string[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR') continue;
      throw err;
    }
    for (const name of names) {
      const m = TEMP.exec(name);
      if (!m || Number(m[1]) === ownPid) continue;
      const file = path.join(dir, name);
      try {
        await fsp.unlink(file);
        removed.push(file);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT' && errnoCode(err) !== 'EISDIR') throw err;
      }
    }
  }
  return removed;
}
