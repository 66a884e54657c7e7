// `aura init [task-file]`: a task file from templates/task.md, `.aura/` appended to the .gitignore of
// a git project, then the doctor's checks for the configured worker. Nothing the user wrote is lost:
// an existing task file is replaced only with --force (and kept beside it as .bak), and a .gitignore
// is only ever appended to.
import { constants, existsSync, statSync } from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { exitCodeOf } from '../doctor/checks.js';
import { runChecks } from '../doctor/probes.js';
import { checkLines } from '../doctor/report.js';
import { checksForWorker } from '../doctor/select.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { gitignoreAddition, ignoresAura } from './gitignore.js';

export interface InitOptions {
  force?: boolean;
  /** false with --no-check. */
  check?: boolean;
}

export interface InitIo {
  out: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
}

// The template ships with aura (two levels above this module in src/ and in dist/), not with the project.
export const TASK_TEMPLATE_PATH = fileURLToPath(new URL('../../templates/task.md', import.meta.url));

const WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a part of the path is not a directory',
  ENOENT: 'a directory on the way does not exist and cannot be made',
};

/** A failed write, named and explained: which file, why, what to do. */
function cannotWrite(display: string, err: unknown, done: string): AuraError {
  const code = errnoCode(err);
  const why = code && WHY[code] ? `${WHY[code]} (${code})` : err instanceof Error ? err.message : String(err);
  return new AuraError('BAD_USAGE', `cannot write ${display}: ${why}${done}`, 'run aura init in a directory you can write to, or fix its permissions');
}

/** The nearest directory at or above `dir` holding a .git (a directory, or a file in worktrees and submodules). */
export function gitRootOf(dir: string): string | null {
  let d = path.resolve(dir);
  for (;;) {
    if (existsSync(path.join(d, '.git'))) return d;
    const up = path.dirname(d);
    if (up === d) return null;
    d = up;
  }
}

/** The first of file.bak, file.bak.1, … that does not exist yet, written without replacing anything. */
async function keepCopy(file: string): Promise<string> {
  for (let i = 0; ; i++) {
    const bak = i === 0 ? `${file}.bak` : `${file}.bak.${i}`;
    try {
      await fsp.copyFile(file, bak, constants.COPYFILE_EXCL);
      return bak;
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
    }
  }
}

function configFor(projectDir: string, io: InitIo): Config | null {
  try {
    return loadConfig({ projectDir, env: io.env, homeDir: io.homeDir, flags: {} }).config;
  } catch (err) {
    // The config check below explains an invalid setting; init itself does not need the config.
    if (err instanceof AuraError && err.code === 'BAD_CONFIG') return null;
    throw err;
  }
}

async function writeTaskFile(file: string, display: string, force: boolean): Promise<string | null> {
  let kept: string | null = null;
  const st = statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory()) {
    throw new AuraError('BAD_USAGE', `${display} is a directory`, `name a file, e.g. aura init ${path.join(display, 'task.md')}`);
  }
  if (st && !force) {
    throw new AuraError(
      'BAD_USAGE',
      `${display} already exists; aura init never replaces a file without --force`,
      `edit it, choose another name (aura init other.md), or run aura init ${display} --force (the old file is kept as ${display}.bak)`,
    );
  }
  const template = await fsp.readFile(TASK_TEMPLATE_PATH, 'utf8').catch((err: unknown) => {
    throw new AuraError('INTERNAL', `cannot read the task template ${TASK_TEMPLATE_PATH}: ${(err as Error).message}`, 'the aura install looks incomplete; reinstall it');
  });
  try {
    if (st) kept = await keepCopy(file);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    // 'wx' even without --force racing: a file that appeared meanwhile is not replaced either.
    await fsp.writeFile(file, template, { flag: st ? 'w' : 'wx' });
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') throw new AuraError('BAD_USAGE', `${display} already exists; aura init never replaces a file without --force`, `run aura init ${display} --force to replace it`);
    throw cannotWrite(display, err, kept ? `; the old file is kept as ${kept}` : '; nothing was written');
  }
  return kept;
}

/** Appends `.aura/` to the git project's .gitignore when needed; says what it did. */
async function ignoreAura(projectDir: string, cwd: string, taskDisplay: string): Promise<string> {
  const root = gitRootOf(projectDir);
  if (root === null) return 'not a git repository, so no .gitignore was touched (add .aura/ to it if you put the project under git)';
  const file = path.join(root, '.gitignore');
  const display = path.relative(cwd, file) || file;
  let existing: string | null = null;
  try {
    existing = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw cannotWrite(display, err, `; ${taskDisplay} was written`);
  }
  if (existing !== null && ignoresAura(existing)) return `${display} already ignores .aura/`;
  try {
    await fsp.appendFile(file, gitignoreAddition(existing));
  } catch (err) {
    throw cannotWrite(display, err, `; ${taskDisplay} was written`);
  }
  return `${existing === null ? 'created' : 'appended to'} ${display}: .aura/ (aura's state, logs and worker output stay out of git)`;
}

export async function initCommand(fileArg: string | undefined, o: InitOptions, io: InitIo = defaultIo()): Promise<number> {
  const display = fileArg ?? 'task.md';
  const file = path.resolve(io.cwd, display);
  const projectDir = path.dirname(file);
  const say = (line = '') => io.out.write(`${line}\n`);

  const kept = await writeTaskFile(file, display, !!o.force);
  say(`wrote ${display}${kept ? ` (the old one is kept as ${path.relative(io.cwd, kept) || kept})` : ''}: a goal, context and two example tasks, with comments saying what each part does`);
  say(await ignoreAura(projectDir, io.cwd, display));

  let code = 0;
  if (o.check !== false) {
    const config = configFor(projectDir, io);
    const ids = new Set(checksForWorker(config));
    const checks = await runChecks({ projectDir, env: io.env, homeDir: io.homeDir, cwd: io.cwd }, (id) => ids.has(id));
    say('');
    say(`checks for the ${config?.AURA_LAYER2_BACKEND ?? 'configured'} worker (aura doctor runs them all):`);
    for (const line of checkLines(checks)) say(line);
    code = exitCodeOf(checks);
  }
  const rel = path.relative(io.cwd, file) || display;
  say('');
  say('next:');
  say(`  1. edit ${rel}: your goal, what a newcomer needs to know, your tasks`);
  say(`  2. aura ${rel} --set AURA_RUN_BUDGET_USD=5      run it, with a spend cap (or set one in .env)`);
  say('  3. aura status   ·   aura logs <task> -f --events      from another shell, to watch');
  return code;
}

function defaultIo(): InitIo {
  return { out: process.stdout, env: process.env, cwd: process.cwd(), homeDir: os.homedir() };
}
