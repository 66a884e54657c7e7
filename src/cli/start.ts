// `aura <task-file>` / `aura start <task-file>`: validate everything first (a bad task file or a bad
// setting exits 2 having written nothing), then run the daemon in the foreground.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { Daemon } from '../daemon/daemon.js';
import type { RunState } from '../store/schema.js';
import { layoutFor } from '../store/layout.js';
import { readStateReadOnly } from '../store/state-store.js';
import { parseTaskFile } from '../taskfile/parse.js';
import { readTaskFile } from '../taskfile/read.js';
import { AuraError } from '../util/errors.js';
import { DaemonConsole } from './console.js';
import { packageVersion } from './version.js';

export interface StartOptions {
  exitWhenDone?: boolean;
  once?: boolean;
  interval?: string;
  maxConcurrent?: string;
  backend?: string;
  planner?: string;
  set?: string[];
  leaveWorkers?: boolean;
  project?: string;
  quiet?: boolean;
  verbose?: boolean;
  /** `--http` alone: true; `--http 8080`: the port. */
  http?: boolean | string;
}

export function flagOverrides(o: StartOptions): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const kv of o.set ?? []) {
    const i = kv.indexOf('=');
    // Like `aura setup --set`: a malformed pair is bad input, not a silently ignored setting.
    if (i <= 0) throw new AuraError('BAD_USAGE', `--set takes KEY=VALUE, not ${JSON.stringify(kv)}`, 'e.g. --set AURA_MAX_ATTEMPTS=5');
    flags[kv.slice(0, i)] = kv.slice(i + 1);
  }
  if (o.interval !== undefined) flags.AURA_CYCLE_INTERVAL = o.interval;
  if (o.maxConcurrent !== undefined) flags.AURA_MAX_CONCURRENT_TASKS = o.maxConcurrent;
  if (o.backend !== undefined) flags.AURA_LAYER2_BACKEND = o.backend;
  if (o.planner !== undefined) flags.AURA_PLANNER = o.planner;
  if (o.leaveWorkers) flags.AURA_LEAVE_WORKERS_ON_EXIT = 'true';
  if (typeof o.http === 'string') flags.AURA_HTTP_PORT = o.http;
  return flags;
}

export async function startCommand(file: string, o: StartOptions): Promise<number> {
  const taskFile = path.resolve(file);
  const projectDir = o.project ? path.resolve(o.project) : path.dirname(taskFile);
  checkPlacement(file, taskFile, projectDir);
  const out = new DaemonConsole(o.quiet ? 'quiet' : o.verbose ? 'verbose' : 'normal');
  const loaded = loadConfig({ projectDir, env: process.env, homeDir: os.homedir(), flags: flagOverrides(o) });
  const { warnings } = loaded;
  // A bare --http serves on AURA_HTTP_PORT when some source sets it, else on any free port.
  const config = o.http === true && loaded.config.AURA_HTTP_PORT === undefined ? { ...loaded.config, AURA_HTTP_PORT: 0 } : loaded.config;
  for (const w of warnings) process.stderr.write(`aura: warning: ${w}\n`);
  const text = await readTaskFile(taskFile);
  parseTaskFile(text.text, { file }); // validate before touching .aura; messages name the file as given
  const layout = layoutFor(projectDir);
  const existing = await readStateReadOnly(layout);
  assertSameTaskFile(existing.state, taskFile, projectDir);

  const daemon = new Daemon({
    taskFile,
    projectDir,
    config,
    env: process.env,
    once: !!o.once,
    exitWhenDone: !!o.exitWhenDone,
    leaveWorkers: config.AURA_LEAVE_WORKERS_ON_EXIT,
    log: out.log,
    warn: out.warn,
    debug: out.debug,
    console: out,
    version: packageVersion(),
  });
  return daemon.run(text);
}

/** Problems with where aura was asked to run, said plainly before anything is read or written. */
function checkPlacement(given: string, taskFile: string, projectDir: string): void {
  // Node sees a path with bytes that are not UTF-8 as a string with U+FFFD in it, which then names
  // no file at all: "does not exist" would send the person looking for the wrong problem.
  if (taskFile.includes('\uFFFD') && !existsSync(taskFile)) {
    throw new AuraError(
      'BAD_USAGE',
      `the path ${JSON.stringify(taskFile)} contains a name that is not valid UTF-8 (shown as \uFFFD), which Node.js cannot open by name`,
      'rename that directory (or file) to a UTF-8 name, e.g. with `convmv` or `mv`, then run aura again',
    );
  }
  const inside = projectDir.split(path.sep).includes('.aura');
  if (inside) {
    throw new AuraError(
      'BAD_USAGE',
      `${given} is inside an .aura directory (aura's own state); running there would make ${path.join(projectDir, '.aura')}`,
      "keep the task file in the project itself (e.g. next to the .aura directory), or point --project at the project",
    );
  }
}

export function assertSameTaskFile(state: RunState | null, taskFile: string, projectDir: string): void {
  if (state && state.taskFile !== taskFile) {
    throw new AuraError(
      'BAD_USAGE',
      `${projectDir}/.aura belongs to ${state.taskFile}, not ${taskFile}`,
      `run aura on ${state.taskFile}, or give this task file its own directory (or --project <dir>)`,
    );
  }
}
