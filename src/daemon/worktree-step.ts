// Issue 14 in the daemon: an attempt's worktree made before it starts, and once the evidence gate has
// judged it, its work committed and either merged into the project's branch (one merge at a time),
// left on its branch (AURA_MERGE=branch), or kept on its branch when unverified. The decisions are
// core/isolation.ts; the git is src/git/. Every step is journaled.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { isolationFor, wantsWorktree } from '../core/isolation.js';
import { executorFor } from '../executors/types.js';
import { commitLeftovers } from '../git/commit.js';
import { integrate, mergeBranches } from '../git/integrate.js';
import { shortStat } from '../git/parse.js';
import { branchExists, ignoreAuraDir, repoFacts, unmergedWork } from '../git/repo.js';
import { must, probe, read } from '../git/run.js';
import { addWorktree, removeWorktree } from '../git/worktree.js';
import type { Attempt, MergeRecord, TaskState, WorktreeRef } from '../store/schema.js';
import type { CycleCtx } from './cycle-ctx.js';

function once(x: CycleCtx, msg: string, task?: string): void {
  if (x.git.said.has(msg)) return;
  x.git.said.add(msg);
  x.book.record({ kind: 'decision', ...(task ? { task } : {}), msg });
  x.log(msg);
}

function journal(x: CycleCtx, t: TaskState, step: string, msg: string, data: Record<string, unknown> = {}): void {
  x.book.record({ kind: 'attempt', task: t.id, msg, data: { git: step, ...data } });
}

/** The worktree for attempt n of t, or null when it runs in the project's own tree (as before issue 14). */
export async function prepareWorktree(x: CycleCtx, t: TaskState, n: number, shell: boolean): Promise<WorktreeRef | null> {
  const mode = x.config.AURA_WORKTREES;
  const isolate = t.extra.isolate;
  if (!wantsWorktree({ mode, isolate, shell })) return null;
  const repo = await repoFacts(x.layout.project);
  const d = isolationFor({ mode, isolate, shell, remote: executorFor(t, x.config) === 'slurm', repo: repo.facts });
  if (!d.worktree) {
    if (d.notice) once(x, d.notice);
    return null;
  }
  const top = repo.top!;
  if (!x.git.said.has('exclude') && (await ignoreAuraDir(top, x.layout.project))) {
    once(x, `.aura/ was not ignored by git; added it to ${top}/.git/info/exclude (local to this clone, never committed) so aura's worktrees stay out of your git status`);
  }
  x.git.said.add('exclude');
  const made = await addWorktree(x.git.lock, {
    top,
    project: x.layout.project,
    path: path.join(x.layout.root, 'worktrees', t.id, String(n)),
    taskId: t.id,
    attempt: n,
    target: d.branch,
    copy: x.config.AURA_WORKTREE_COPY.split(','),
    link: x.config.AURA_WORKTREE_LINK.split(','),
    pool: poolDir(x),
  });
  const extras = [made.reused ? 'a parked worktree reused' : '', made.copied.length ? `copied ${made.copied.join(', ')}` : '', made.linked.length ? `linked ${made.linked.join(', ')}` : ''].filter(Boolean).join('; ');
  journal(x, t, 'create', `worktree for attempt ${n}: ${made.path} on branch ${made.branch} from ${d.branch} at ${made.base.slice(0, 10)}${extras ? ` (${extras})` : ''}`, {
    path: made.path,
    branch: made.branch,
    base: made.base,
  });
  if (x.config.AURA_MERGE === 'branch') await bringInDependencies(x, t, made.path);
  for (const k of made.kept) journal(x, t, 'keep', `branch ${k} (an earlier try of attempt ${n}) holds work not in ${d.branch}; kept`);
  const rel = path.relative(top, x.layout.project);
  return { path: made.path, workDir: made.workDir, branch: made.branch, target: d.branch, base: made.base, linked: made.linked.map((l) => (rel ? path.join(rel, l) : l)) };
}

/** AURA_MERGE=branch: the dependencies' verified work is on their branches, not in the target; merged in here. */
async function bringInDependencies(x: CycleCtx, t: TaskState, dir: string): Promise<void> {
  const branches = t.needs
    .map((id) => x.book.state.tasks[id])
    .map((d) => (d?.status === 'done' ? [...d.attempts].reverse().find((a) => a.merge?.result === 'branch')?.worktree?.branch : undefined))
    .filter((b): b is string => !!b);
  if (!branches.length) return;
  const r = await mergeBranches(dir, branches);
  if (r.merged.length) journal(x, t, 'create', `merged its dependencies' verified branches into its worktree: ${r.merged.join(', ')}`);
  if (r.conflicted.length) journal(x, t, 'conflict', `its dependencies' branches ${r.conflicted.join(', ')} conflict with each other or ${dir}; the worker starts without them`);
}

/** Where the gate judges an attempt: its worktree, or the project once the worktree is gone (merged before a crash). */
export function judgeDir(x: CycleCtx, a: Attempt | null): string {
  const w = a?.worktree;
  return w && existsSync(w.workDir) ? w.workDir : x.layout.project;
}

async function topOf(x: CycleCtx): Promise<string> {
  return read(x.layout.project, ['rev-parse', '--show-toplevel']);
}

/** Where worktrees wait, clean, for the next attempt (git/pool.ts); as many as workers may run at once. */
function poolDir(x: CycleCtx): string {
  return path.join(x.layout.root, 'worktrees', '.idle');
}

function pool(x: CycleCtx): { dir: string; max: number } {
  return { dir: poolDir(x), max: x.config.AURA_MAX_CONCURRENT_TASKS };
}

async function commitWork(x: CycleCtx, t: TaskState, a: Attempt, top: string, verified: boolean): Promise<void> {
  const w = a.worktree!;
  if (!existsSync(w.path)) return;
  const msg = `aura: ${t.id} attempt ${a.n}${verified ? '' : ' (not verified)'}: ${t.title}`.slice(0, 200);
  // The run's task file is the person's: a worker's edit of its copy is not carried back.
  const taskFile = path.relative(top, path.resolve(x.layout.project, x.taskFile));
  const keepOut = taskFile.startsWith('..') || path.isAbsolute(taskFile) ? [] : [taskFile];
  const sha = await commitLeftovers(w.path, `${msg}\n\nCommitted by aura from what the worker left uncommitted in its worktree.`, w.linked, keepOut);
  if (sha) journal(x, t, 'commit', `committed what attempt ${a.n} left uncommitted on ${w.branch} (${sha.slice(0, 10)})`, { commit: sha });
}

async function stat(top: string, from: string, to: string): Promise<string | null> {
  return shortStat((await probe(top, ['diff', '--shortstat', from, to])).stdout);
}

export type MergeStep = { merge: MergeRecord } | { wait: string };

/** A verified attempt's work into the project's branch (or left on its branch). */
export async function mergeVerified(x: CycleCtx, t: TaskState, a: Attempt): Promise<MergeStep> {
  const w = a.worktree!;
  const top = await topOf(x);
  const at = x.clock.now().toISOString();
  await commitWork(x, t, a, top, true);
  if (x.config.AURA_MERGE === 'branch') {
    const tip = await read(top, ['rev-parse', `refs/heads/${w.branch}`]);
    const s = await stat(top, w.base, tip);
    await removeWorktree(x.git.lock, top, w, w.target, pool(x));
    const message = `verified; left on branch ${w.branch} for review (AURA_MERGE=branch)${s ? `: ${s}` : ''}`;
    journal(x, t, 'branch', `attempt ${a.n} ${message}`, { branch: w.branch, tip });
    return { merge: { result: 'branch', how: null, tip, stat: s, files: [], message, at } };
  }
  const r = await integrate(x.git.lock, { top, worktree: w.path, branch: w.branch, target: w.target, base: w.base });
  if (r.kind === 'wait') return { wait: r.message };
  if (r.kind === 'conflict') {
    await removeWorktree(x.git.lock, top, w, w.target, pool(x));
    journal(x, t, 'conflict', `attempt ${a.n}: ${r.message}; branch ${w.branch} kept`, { branch: w.branch, files: r.files });
    return { merge: { result: 'conflict', how: null, tip: null, stat: null, files: r.files, message: r.message, at } };
  }
  const message = r.how === 'already' ? `already in ${w.target}` : `merged into ${w.target} (${r.how})${r.stat ? `: ${r.stat}` : ''}`;
  journal(x, t, 'merge', `attempt ${a.n}'s branch ${w.branch} ${message}`, { branch: w.branch, tip: r.tip, how: r.how });
  const gone = await removeWorktree(x.git.lock, top, w, w.target, pool(x));
  journal(x, t, 'cleanup', `${gone.parked ? 'parked worktree' : 'removed worktree'} ${w.path}${gone.branchDeleted ? ` and branch ${w.branch} (all its work is in ${w.target})` : ''}`);
  return { merge: { result: 'merged', how: r.how, tip: r.tip, stat: r.stat, files: [], message, at } };
}

/** An attempt that did not pass: its work committed on its branch, which is kept; the worktree goes. */
export async function keepUnverified(x: CycleCtx, t: TaskState, a: Attempt): Promise<void> {
  const w = a.worktree;
  if (!w || !existsSync(w.path)) return;
  try {
    const top = await topOf(x);
    await commitWork(x, t, a, top, false);
    const gone = await removeWorktree(x.git.lock, top, w, w.target, pool(x));
    journal(x, t, 'cleanup', `attempt ${a.n} not verified: ${gone.parked ? 'parked' : 'removed'} its worktree; ${gone.branchDeleted ? `its branch ${w.branch} held no work and was deleted` : `its work is kept on branch ${w.branch}`}; ${w.target} untouched`);
  } catch (err) {
    // Nothing is removed when something failed: the worktree stays for a person (or clean-workspaces).
    x.log(`${t.id}: could not settle attempt ${a.n}'s worktree ${w.path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Before judging again after a restart: an attempt whose worktree is gone but whose branch holds work
 * not yet in the target gets its worktree back (the work is on the branch); one whose branch is gone
 * or merged is judged in the project, where its work now is.
 */
export async function restoreWorktree(x: CycleCtx, t: TaskState, a: Attempt): Promise<void> {
  const w = a.worktree!;
  if (existsSync(w.path)) return;
  const top = await topOf(x);
  if (!(await branchExists(top, w.branch)) || !(await unmergedWork(top, w.target, w.branch))) return;
  await x.git.lock.run(() => must(top, ['worktree', 'add', w.path, w.branch]));
  journal(x, t, 'create', `worktree ${w.path} was gone; made it again from branch ${w.branch}, which holds attempt ${a.n}'s work`);
}
