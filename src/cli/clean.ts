// `aura clean-workspaces`: frees disk taken by old attempt directories (.aura/workspace/tasks/*/attempt-*).
// Also aura's git worktrees (clean-worktrees.ts). A dry run unless --yes. Never touches a task's latest attempt (its evidence and logs live there), an
// attempt still running, or the current attempt of a running or verifying task.
import type { Dirent } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { bytes as fmtBytes, duration } from '../progress/format.js';
import type { Layout } from '../store/layout.js';
import type { RunState } from '../store/schema.js';
import type { CleanJson, WorkspaceDirJson } from '../summaries/json.js';
import { AuraError, errnoCode } from '../util/errors.js';

import { DEFAULT_AGE_DAYS } from './ops-defaults.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CleanOptions {
  dir?: string;
  age?: string;
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
}

interface Found {
  task: string;
  attempt: number;
  path: string;
}

/** attempt-<n> directories under workspace/tasks/<task>/. */
export async function listAttemptDirs(layout: Layout): Promise<Found[]> {
  const tasksDir = path.join(layout.workspaceDir, 'tasks');
  const out: Found[] = [];
  let tasks: Dirent[];
  try {
    tasks = await fsp.readdir(tasksDir, { withFileTypes: true });
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return [];
    throw err;
  }
  for (const t of tasks) {
    if (!t.isDirectory()) continue;
    let entries: Dirent[];
    try {
      entries = await fsp.readdir(path.join(tasksDir, t.name), { withFileTypes: true });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      throw err;
    }
    for (const e of entries) {
      const m = /^attempt-(\d+)$/.exec(e.name);
      if (m && e.isDirectory()) out.push({ task: t.name, attempt: Number(m[1]), path: path.join(tasksDir, t.name, e.name) });
    }
  }
  return out.sort((a, b) => a.task.localeCompare(b.task) || a.attempt - b.attempt);
}

/** Attempt directories that must stay, each with why. */
export function protectedDirs(layout: Layout, state: RunState, found: readonly Found[]): Map<string, string> {
  const keep = new Map<string, string>();
  for (const t of Object.values(state.tasks)) {
    const last = t.attempts[t.attempts.length - 1];
    if (last) keep.set(path.join(layout.root, last.dir), `the latest attempt of ${t.id}`);
    for (const a of t.attempts) {
      const p = path.join(layout.root, a.dir);
      if (a.endedAt === null) keep.set(p, `attempt ${a.n} of ${t.id} is running`);
      else if ((t.status === 'running' || t.status === 'verifying') && a === last) keep.set(p, `the current attempt of ${t.id} (${t.status})`);
    }
  }
  // On disk: the highest attempt per task directory (a new attempt may exist before state.json says so).
  const highest = new Map<string, Found>();
  for (const f of found) if ((highest.get(f.task)?.attempt ?? -1) < f.attempt) highest.set(f.task, f);
  for (const f of highest.values()) if (!keep.has(f.path)) keep.set(f.path, `the newest attempt directory of ${f.task}`);
  return keep;
}

/** Total size of the files in a tree and the newest mtime of anything in it (symlinks not followed). */
export async function measure(dir: string): Promise<{ bytes: number; newestMs: number }> {
  const st = await fsp.lstat(dir);
  let bytes = st.isDirectory() ? 0 : st.size;
  let newestMs = st.mtimeMs;
  if (st.isDirectory()) {
    for (const e of await fsp.readdir(dir)) {
      try {
        const m = await measure(path.join(dir, e));
        bytes += m.bytes;
        newestMs = Math.max(newestMs, m.newestMs);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }
    }
  }
  return { bytes, newestMs };
}

export async function cleanCommand(o: CleanOptions): Promise<number> {
  if (o.dryRun && o.yes) throw new AuraError('BAD_USAGE', '--dry-run and --yes contradict each other: give one');
  const ageDays = o.age === undefined ? DEFAULT_AGE_DAYS : Number(o.age);
  if (!Number.isFinite(ageDays) || ageDays < 0) throw new AuraError('BAD_USAGE', `--age ${o.age}: expected a number of days (0 or more)`);
  const dryRun = !o.yes;
  const { loadState } = await import('./summaries.js');
  const { project, layout, state } = await loadState(o.dir);
  const now = Date.now();

  const found = await listAttemptDirs(layout);
  const keep = protectedDirs(layout, state, found);
  const candidates: WorkspaceDirJson[] = [];
  const kept: CleanJson['kept'] = [];
  const errors: string[] = [];
  for (const f of found) {
    let m;
    try {
      m = await measure(f.path);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') continue;
      errors.push(`${f.path}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (now - m.newestMs < ageDays * DAY_MS) continue;
    const entry: WorkspaceDirJson = { task: f.task, attempt: f.attempt, path: f.path, mtime: new Date(m.newestMs).toISOString(), bytes: m.bytes };
    const why = keep.get(f.path);
    if (why) kept.push({ ...entry, why });
    else candidates.push(entry);
  }

  const deleted: string[] = [];
  let freed = 0;
  if (!dryRun && candidates.length) {
    // The daemon may have moved on while we measured: look at the state once more just before deleting.
    const again = await loadState(layout.project).catch(() => null);
    const keepNow = again ? protectedDirs(layout, again.state, await listAttemptDirs(layout)) : keep;
    for (const c of candidates) {
      if (keepNow.has(c.path)) continue;
      try {
        await fsp.rm(c.path, { recursive: true });
        deleted.push(c.path);
        freed += c.bytes;
      } catch (err) {
        errors.push(`${c.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  const total = dryRun ? candidates.reduce((n, c) => n + c.bytes, 0) : freed;
  const { cleanWorktrees, worktreeLines } = await import('./clean-worktrees.js');
  const { errors: wtErrors, ...worktrees } = await cleanWorktrees(layout, async () => (await loadState(layout.project)).state, ageDays * DAY_MS, dryRun, now);
  errors.push(...wtErrors);

  if (o.json) {
    const out: CleanJson = { project, dryRun, ageDays, candidates, kept, deleted, bytes: total, errors, worktrees };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return errors.length ? 1 : 0;
  }
  const rel = (p: string) => path.relative(project, p);
  const w = Math.max(0, ...[...candidates, ...kept].map((c) => rel(c.path).length));
  const line = (c: WorkspaceDirJson) => `${rel(c.path).padEnd(w)}  ${duration(now - Date.parse(c.mtime)).padStart(7)} old  ${fmtBytes(c.bytes).padStart(9)}`;
  if (candidates.length === 0) process.stdout.write(`no attempt directories older than ${ageDays} days to clean in ${project}\n`);
  else {
    process.stdout.write(`${dryRun ? 'would delete' : 'deleting'} attempt directories older than ${ageDays} days:\n`);
    for (const c of candidates) process.stdout.write(`  ${line(c)}${!dryRun && !deleted.includes(c.path) ? '  (kept: see below)' : ''}\n`);
  }
  if (kept.length) {
    process.stdout.write('kept although old:\n');
    for (const k of kept) process.stdout.write(`  ${line(k)}  (${k.why})\n`);
  }
  for (const l of worktreeLines(worktrees, project, dryRun)) process.stdout.write(`${l}\n`);
  for (const e of errors) process.stderr.write(`aura: could not clean ${e}\n`);
  if (candidates.length) {
    process.stdout.write(
      dryRun
        ? `dry run: would free ${fmtBytes(total)} from ${candidates.length} director${candidates.length === 1 ? 'y' : 'ies'}; run again with --yes to delete\n`
        : `freed ${fmtBytes(total)}: deleted ${deleted.length} director${deleted.length === 1 ? 'y' : 'ies'}\n`,
    );
  }
  return errors.length ? 1 : 0;
}
