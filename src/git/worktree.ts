// An attempt's git worktree: made from a commit on a branch of its own, set up with the gitignored
// files the project lists (copied) and its heavy directories (linked), and removed again. Adding
// and removing go through the repository's GitLock: `git worktree add` races on .git/config.lock.
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attemptBranch } from '../core/isolation.js';
import { isOutside } from '../util/inside.js';
import type { GitLock } from './lock.js';
import { lines, parseWorktreeList, type WorktreeEntry } from './parse.js';
import { branchExists, unmergedWork } from './repo.js';
import { change, must, read } from './run.js';
import { idleWorktrees, park, reuseIdle } from './pool.js';
import { commitLeftovers } from './commit.js';

export interface NewWorktree {
  top: string;
  /** The project directory (the repository's top level or a directory inside it). */
  project: string;
  path: string;
  taskId: string;
  attempt: number;
  target: string;
  /** Gitignored files to copy in and directories to link, relative to the project. */
  copy: readonly string[];
  link: readonly string[];
  /** Where parked worktrees wait for reuse (pool.ts); none: always a fresh checkout. */
  pool?: string;
}

export interface MadeWorktree {
  path: string;
  workDir: string;
  branch: string;
  base: string;
  copied: string[];
  linked: string[];
  /** Branches of earlier tries under the same name that held work and were kept. */
  kept: string[];
  /** Made from a parked worktree rather than a fresh checkout. */
  reused: boolean;
}

export async function addWorktree(lock: GitLock, w: NewWorktree): Promise<MadeWorktree> {
  return lock.run(async () => {
    const base = await read(w.top, ['rev-parse', '--verify', `refs/heads/${w.target}^{commit}`]);
    // A crash between `worktree add` and the attempt's record leaves one behind under this name:
    // gone it goes when it holds nothing, else it is kept and this attempt takes the next name.
    if (existsSync(w.path)) {
      // Its worker never started (the attempt had no record yet); still, nothing in it is thrown away.
      await commitLeftovers(w.path, 'aura: what an unrecorded try of this attempt left', w.link.map((l) => path.join(path.relative(w.top, w.project), l))).catch(() => null);
      await change(w.top, ['worktree', 'remove', '--force', w.path]);
    }
    await must(w.top, ['worktree', 'prune']);
    const kept: string[] = [];
    let branch = attemptBranch(w.taskId, w.attempt);
    for (let i = 1; await branchExists(w.top, branch); i++) {
      if (!(await unmergedWork(w.top, w.target, branch)) && !(await checkedOut(w.top, branch))) {
        await must(w.top, ['branch', '-D', branch]);
        break;
      }
      kept.push(branch);
      branch = attemptBranch(w.taskId, w.attempt, i);
    }
    await mkdir(path.dirname(w.path), { recursive: true });
    const idle = w.pool ? (await idleWorktrees(w.top, w.pool))[0] : undefined;
    const reused = idle ? await reuseIdle(w.top, idle, w.path, branch, base) : false;
    if (!reused) await must(w.top, ['worktree', 'add', '--no-track', '-b', branch, w.path, base]);
    const workDir = path.join(w.path, path.relative(w.top, w.project));
    const { copied, linked } = await setUp(w, workDir);
    return { path: w.path, workDir, branch, base, copied, linked, kept, reused };
  });
}

async function checkedOut(top: string, branch: string): Promise<boolean> {
  return (await listWorktrees(top)).some((e) => e.branch === branch);
}

/** `.worktreeinclude` in the project: one path a line, `#` comments. */
async function includeFile(project: string): Promise<string[]> {
  const f = path.join(project, '.worktreeinclude');
  if (!existsSync(f)) return [];
  return lines(await readFile(f, 'utf8')).filter((l) => !l.startsWith('#'));
}

async function setUp(w: NewWorktree, workDir: string): Promise<{ copied: string[]; linked: string[] }> {
  const copied: string[] = [];
  const linked: string[] = [];
  const inside = (p: string): boolean => !path.isAbsolute(p) && !isOutside(path.normalize(p)) && path.normalize(p) !== '.';
  for (const rel of [...new Set([...w.copy, ...(await includeFile(w.project))])].filter(inside)) {
    const from = path.join(w.project, rel);
    const to = path.join(workDir, rel);
    // Tracked files are in the worktree already; only what git left out is copied, never over anything.
    if (!(await isFile(from)) || existsSync(to)) continue;
    await mkdir(path.dirname(to), { recursive: true });
    if (/^\.env/.test(path.basename(rel))) await writeFile(to, withoutAuraKeys(await readFile(from, 'utf8')), { mode: (await lstat(from)).mode & 0o777 });
    else await copyFile(from, to);
    copied.push(rel);
  }
  for (const rel of w.link.filter(inside)) {
    const from = path.join(w.project, rel);
    const to = path.join(workDir, rel);
    if (!existsSync(from) || existsSync(to)) continue;
    await mkdir(path.dirname(to), { recursive: true });
    await symlink(from, to);
    linked.push(rel);
  }
  return { copied, linked };
}

/** A .env file as a worker may see it: aura's own AURA_* settings (its API key among them) left out. */
export function withoutAuraKeys(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*(export\s+)?AURA_[A-Za-z0-9_]*\s*=/.test(l))
    .join('\n');
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await lstat(p)).isFile();
  } catch {
    return false; // missing: nothing to copy
  }
}

export async function listWorktrees(top: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await read(top, ['worktree', 'list', '--porcelain']));
}

/** aura's worktrees: those under .aura/worktrees/ (auraRoot is the .aura directory). */
export async function auraWorktrees(top: string, auraRoot: string): Promise<WorktreeEntry[]> {
  const root = path.join(auraRoot, 'worktrees') + path.sep;
  return (await listWorktrees(top)).filter((e) => e.path.startsWith(root));
}

/**
 * Removes a worktree (what is uncommitted in it goes with it: the caller commits first), then its
 * branch when the project's branch holds all its work; a branch with work of its own is kept.
 */
export async function removeWorktree(
  lock: GitLock,
  top: string,
  wt: { path: string; branch: string | null },
  target: string,
  pool?: { dir: string; max: number },
): Promise<{ branchDeleted: boolean; parked: boolean }> {
  return lock.run(async () => {
    let parked = false;
    if (existsSync(wt.path)) {
      parked = pool ? await park(top, wt.path, pool.dir, pool.max).catch(() => false) : false;
      if (!parked) await must(top, ['worktree', 'remove', '--force', wt.path]);
    }
    await must(top, ['worktree', 'prune']);
    if (!wt.branch || !(await branchExists(top, wt.branch))) return { branchDeleted: false, parked };
    if (await unmergedWork(top, target, wt.branch)) return { branchDeleted: false, parked };
    // -D after our own check: -d would judge by HEAD, which need not be the target.
    await must(top, ['branch', '-D', wt.branch]);
    return { branchDeleted: true, parked };
  });
}
