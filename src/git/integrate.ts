// Bringing a verified attempt's branch into the project's branch: what the worker left uncommitted
// is committed first, then, under the repository's lock, the branch is rebased onto the target's
// current tip when it is behind, and the target fast-forwarded to it. The person's main tree is
// touched only by that fast-forward, which git refuses to do over their uncommitted changes: aura
// then waits and says which files are in the way. Every step can be run again after a crash.
import { changedTracked, lines, overwrittenFiles, parseStatusZ, shortStat } from './parse.js';
import type { GitLock } from './lock.js';
import { isAncestor, tipOf } from './repo.js';
import { listWorktrees } from './worktree.js';
import { abortHalfDone, identityArgs } from './commit.js';
import { describe, GitError, must, probe, read, change } from './run.js';

export type Integration =
  | { kind: 'merged'; how: 'fast-forward' | 'rebase' | 'already'; tip: string; stat: string | null }
  | { kind: 'conflict'; files: string[]; message: string }
  /** Not now: the person's changes (or git, or a branch switch) are in the way; try again later. */
  | { kind: 'wait'; message: string; files: string[] };

export interface IntegrateInput {
  top: string;
  worktree: string;
  branch: string;
  target: string;
  base: string;
}

export function integrate(lock: GitLock, i: IntegrateInput): Promise<Integration> {
  return lock.run(() => integrateLocked(i));
}

async function integrateLocked(i: IntegrateInput): Promise<Integration> {
  await abortHalfDone(i.worktree);
  let how: 'fast-forward' | 'rebase' = 'fast-forward';
  // A person committing to the target meanwhile makes the fast-forward fail: rebase again, a few times.
  for (let round = 0; round < 3; round++) {
    const tip = await tipOf(i.top, i.target);
    const head = await read(i.worktree, ['rev-parse', 'HEAD']);
    if (await isAncestor(i.top, head, tip)) return { kind: 'merged', how: 'already', tip, stat: null };
    if (!(await isAncestor(i.top, tip, head))) {
      const r = await change(i.worktree, ['-c', 'commit.gpgsign=false', ...(await identityArgs(i.worktree)), 'rebase', '--no-autostash', tip]);
      if (r.code !== 0) {
        const files = lines((await probe(i.worktree, ['diff', '--name-only', '--diff-filter=U'])).stdout);
        await abortHalfDone(i.worktree);
        if (!files.length) throw new GitError(['rebase', tip], i.worktree, r);
        return { kind: 'conflict', files, message: `rebasing ${i.branch} onto ${i.target} conflicts in ${files.join(', ')}` };
      }
      how = 'rebase';
    }
    const newHead = await read(i.worktree, ['rev-parse', 'HEAD']);
    const ff = await fastForward(i, tip, newHead);
    if (ff === 'moved') continue;
    if (ff !== 'done') return ff;
    // What the merge brought into the target: from the tip it landed on, not from the attempt's base
    // (after a rebase that would count the work merged meanwhile as this attempt's too).
    const stat = shortStat((await probe(i.top, ['diff', '--shortstat', tip, newHead])).stdout);
    return { kind: 'merged', how, tip: newHead, stat };
  }
  return { kind: 'wait', files: [], message: `${i.target} keeps moving; trying the merge again shortly` };
}

/** The target moved from `tip` to `to`: in the tree that has it checked out (by git merge), else the ref alone. */
async function fastForward(i: IntegrateInput, tip: string, to: string): Promise<'done' | 'moved' | Extract<Integration, { kind: 'wait' }>> {
  const holder = (await listWorktrees(i.top)).find((e) => e.branch === i.target);
  if (!holder) {
    const r = await change(i.top, ['update-ref', '-m', `aura: ${i.branch}`, `refs/heads/${i.target}`, to, tip]);
    return r.code === 0 ? 'done' : 'moved';
  }
  if (holder.path !== i.top) {
    return { kind: 'wait', files: [], message: `${i.target} is checked out in another worktree (${holder.path}); aura merges only into the main tree's branch` };
  }
  // The person's tree: git's fast-forward carries their uncommitted changes along, and refuses
  // (touching nothing) where one would be overwritten.
  const r = await change(i.top, ['merge', '--ff-only', '--no-edit', '--no-stat', '-q', to]);
  if (r.code === 0) return 'done';
  const now = await tipOf(i.top, i.target);
  if (now !== tip) return 'moved';
  const over = overwrittenFiles(r.stderr);
  if (over) {
    const what = over.untracked ? 'untracked files of yours' : 'your uncommitted changes to';
    return { kind: 'wait', files: over.files, message: `merging ${i.branch} would overwrite ${what} ${over.files.join(', ')} in ${i.top}; commit or stash them, and aura merges then` };
  }
  const lock = /Unable to create '([^']+\.lock)'/.exec(r.stderr)?.[1];
  if (lock) return { kind: 'wait', files: [], message: `git in ${i.top} is busy: ${lock} exists (another git command is running, or one crashed and left it: then remove it); aura merges once it is gone` };
  return { kind: 'wait', files: [], message: `git could not fast-forward ${i.target} in ${i.top} (${describe(r)}); trying again shortly` };
}

/**
 * Merges branches into a worktree (AURA_MERGE=branch: a task's dependencies' verified branches, which
 * are not in the target). A branch that conflicts is left out (the merge undone) and named.
 */
export async function mergeBranches(dir: string, branches: readonly string[]): Promise<{ merged: string[]; conflicted: string[] }> {
  const merged: string[] = [];
  const conflicted: string[] = [];
  for (const b of branches) {
    const r = await change(dir, [...(await identityArgs(dir)), '-c', 'commit.gpgsign=false', 'merge', '--no-edit', '--no-verify', '-q', b]);
    if (r.code === 0) merged.push(b);
    else {
      await abortHalfDone(dir);
      conflicted.push(b);
    }
  }
  return { merged, conflicted };
}

/** Tracked files the person has changed in the main tree (for messages). */
export async function personChanges(top: string): Promise<string[]> {
  return changedTracked(parseStatusZ((await probe(top, ['status', '--porcelain=v1', '-z', '--untracked-files=no'])).stdout));
}
