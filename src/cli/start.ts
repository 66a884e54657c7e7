// `aura <task-file>` / `aura start <task-file>`: validate everything first (a bad task file or a bad
// setting exits 2 having written nothing), then run the daemon in the foreground.
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { assertSameTaskFile, Daemon } from '../daemon/daemon.js';
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
    debug: out.debug,
    console: out,
    version: packageVersion(),
  });
  return daemon.run(text);
}
