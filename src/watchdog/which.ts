// Finding an executable on PATH without spawning a shell: to tell "nvidia-smi is not installed"
// (GPU checks off, one notice) from "nvidia-smi failed this time" (GPU unknown for one poll).
import fs from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

const NOT_USABLE = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'ELOOP', 'EPERM']);

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (env.PATH ?? '').split(':')) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch (err) {
    // Not there, not executable, or a PATH entry that is not a directory: try the next one.
    if (NOT_USABLE.has(errnoCode(err) ?? '')) return false;
    throw err;
  }
}
