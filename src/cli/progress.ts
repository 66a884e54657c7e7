import { readFile } from 'node:fs/promises';
import { layoutFor } from '../store/layout.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { findProject } from './project.js';

export async function progressCommand(o: { dir?: string }): Promise<number> {
  const project = findProject(o.dir);
  const file = layoutFor(project).progressFile;
  try {
    process.stdout.write(await readFile(file, 'utf8'));
    return 0;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') throw new AuraError('NO_DAEMON', `no progress report yet in ${project} (${file} does not exist)`, 'start a run with `aura <task-file>`');
    throw err;
  }
}
