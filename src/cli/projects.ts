// `aura projects [<dir>]`: every aura project under a directory (those with .aura/state/state.json),
// each with its task file, goal, overall state and task counts. Read-only.
import type { Dirent } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { layoutFor } from '../store/layout.js';
import type { ProjectJson, ProjectsJson } from '../summaries/json.js';
import { AuraError, errnoCode } from '../util/errors.js';

import { MAX_DEPTH } from './ops-defaults.js';

const SKIP = new Set(['node_modules', '.git', '.aura']);

export interface ProjectsOptions {
  json?: boolean;
  dir?: string;
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** Directories under `root` (itself included, depth ≤ maxDepth, no symlinks followed) that hold .aura/state/state.json. */
export async function findProjectDirs(root: string, maxDepth = MAX_DEPTH): Promise<string[]> {
  const found: string[] = [];
  let level = [path.resolve(root)];
  for (let depth = 0; depth <= maxDepth && level.length; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (await isFile(path.join(dir, '.aura', 'state', 'state.json'))) found.push(dir);
      if (depth === maxDepth) continue;
      let entries: Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (err) {
        const code = errnoCode(err);
        if (code === 'EACCES' || code === 'EPERM' || code === 'ENOENT' || code === 'ENOTDIR') continue;
        throw err;
      }
      for (const e of entries) if (e.isDirectory() && !SKIP.has(e.name)) next.push(path.join(dir, e.name));
    }
    level = next.sort();
  }
  return found.sort();
}

export async function describeProject(dir: string, now = new Date()): Promise<ProjectJson> {
  const layout = layoutFor(dir);
  const { readLock } = await import('../store/lock-read.js');
  let lock: Awaited<ReturnType<typeof readLock>> = null;
  try {
    lock = await readLock(layout);
  } catch {
    lock = null;
  }
  const alive = !!lock?.alive;
  const base = { path: layout.project, daemon: { pid: alive ? lock!.info.pid : null, alive } };
  try {
    const [{ readStateReadOnly }, { countByStatus, overallOfState }] = await Promise.all([import('../store/state-store.js'), import('../progress/overall.js')]);
    const { state } = await readStateReadOnly(layout);
    if (!state) throw new Error('no state');
    const counts = countByStatus(state);
    const mode = alive ? 'running' : state.doneAt ? 'done' : 'stopped';
    const overall = overallOfState(state, counts, { pid: base.daemon.pid, mode, nextWakeAt: null, startedAt: null }, now).state;
    return { ...base, taskFile: state.taskFile, goal: state.goal, overall, counts, updatedAt: state.updatedAt, doneAt: state.doneAt, error: null };
  } catch (err) {
    return {
      ...base,
      taskFile: lock?.info.taskFile ?? null,
      goal: null,
      overall: 'unreadable',
      counts: {},
      updatedAt: null,
      doneAt: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

export async function projectsCommand(dir: string | undefined, o: ProjectsOptions): Promise<number> {
  if (dir !== undefined && o.dir !== undefined && path.resolve(dir) !== path.resolve(o.dir)) {
    throw new AuraError('BAD_USAGE', `two directories given (${dir} and --dir ${o.dir}): give one`);
  }
  const root = path.resolve(dir ?? o.dir ?? '.');
  let st;
  try {
    st = await fsp.stat(root);
  } catch {
    st = null;
  }
  if (!st?.isDirectory()) throw new AuraError('BAD_USAGE', `${root} is not a directory`);
  const dirs = await findProjectDirs(root);
  const projects: ProjectJson[] = [];
  for (const d of dirs) projects.push(await describeProject(d));
  if (o.json) {
    const out: ProjectsJson = { root, projects };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  if (projects.length === 0) {
    process.stdout.write(`no aura projects under ${root} (looked ${MAX_DEPTH} levels down)\n`);
    return 0;
  }
  for (const p of projects) {
    const rel = path.relative(root, p.path) || '.';
    const counts = Object.entries(p.counts)
      .filter(([, n]) => n > 0)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ');
    const daemon = p.daemon.alive ? `daemon ${p.daemon.pid}` : 'no daemon';
    process.stdout.write(`${rel}\n    ${p.overall.padEnd(8)}  ${daemon}  ${counts || (p.error ? `(${p.error})` : 'no tasks')}\n`);
    if (p.goal !== null) process.stdout.write(`    goal: ${p.goal}\n`);
    if (p.taskFile) process.stdout.write(`    task file: ${path.relative(root, p.taskFile) || p.taskFile}\n`);
  }
  return 0;
}
