import os from 'node:os';
import { loadConfig } from '../config/load.js';
import { renderConfig } from '../config/show.js';
import { findProject } from './project.js';

export async function configCommand(o: { dir?: string; json?: boolean }): Promise<number> {
  const project = findProject(o.dir);
  const { config, sources, warnings } = loadConfig({ projectDir: project, env: process.env, homeDir: os.homedir(), flags: {} });
  for (const w of warnings) process.stderr.write(`aura: warning: ${w}\n`);
  process.stdout.write(renderConfig(config, sources, { json: !!o.json }) + '\n');
  return 0;
}
