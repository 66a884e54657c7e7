// Which project a command acts on: --dir, else the nearest directory upwards that has .aura/state
// (like git finds .git), else the current directory.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findProject(dirFlag: string | undefined, cwd = process.cwd()): string {
  if (dirFlag) return path.resolve(cwd, dirFlag);
  let d = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(d, '.aura', 'state')) || existsSync(path.join(d, '.aura', 'run'))) return d;
    const up = path.dirname(d);
    if (up === d) return path.resolve(cwd);
    d = up;
  }
}
