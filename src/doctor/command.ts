// `aura doctor`: runs every check and reports it; exit 1 when any check fails.
import os from 'node:os';
import { findProject } from '../cli/project.js';
import { exitCodeOf } from './checks.js';
import { runChecks } from './probes.js';
import { renderText, toJson } from './report.js';

export interface DoctorOptions {
  json?: boolean;
  dir?: string;
}

export async function doctorCommand(o: DoctorOptions): Promise<number> {
  const project = findProject(o.dir);
  const checks = await runChecks({ projectDir: project, env: process.env, homeDir: os.homedir(), cwd: process.cwd() });
  process.stdout.write((o.json ? JSON.stringify(toJson(checks, project), null, 2) : renderText(checks, project)) + '\n');
  return exitCodeOf(checks);
}
