// Issue 14, the pure decisions: whether an attempt gets a git worktree of its own, and what a verified
// attempt whose branch could not be merged leads to. Plain data in, plain data out.
import type { RunState, TaskState } from '../store/schema.js';
import { transition } from './transitions.js';

export type WorktreeMode = 'auto' | 'on' | 'off';

/** What the project's repository looks like, as far as worktrees go. */
export type RepoFacts =
  | { kind: 'git'; branch: string }
  | { kind: 'none' }
  | { kind: 'detached' }
  | { kind: 'unborn'; branch: string }
  | { kind: 'no-git'; why: string };

export interface IsolationInput {
  mode: WorktreeMode;
  /** The task's `isolate:` key (worktree, none), if any. */
  isolate: string | undefined;
  /** The worker that will run: shell or an agent. */
  shell: boolean;
  /** Slurm jobs run in the project directory as before. */
  remote: boolean;
  repo: RepoFacts;
}

export type Isolation =
  | { worktree: true; branch: string }
  | { worktree: false; /** Said once per run (and per kind of reason); null: nothing to say. */ notice: string | null };

/** Whether the task's setting or AURA_WORKTREES asks for a worktree, before looking at the repository. */
export function wantsWorktree(i: Pick<IsolationInput, 'mode' | 'isolate' | 'shell'>): boolean {
  if (i.isolate === 'none') return false;
  if (i.isolate === 'worktree') return true;
  if (i.mode === 'off') return false;
  return i.mode === 'on' || !i.shell;
}

export function isolationFor(i: IsolationInput): Isolation {
  if (!wantsWorktree(i)) return { worktree: false, notice: null };
  if (i.remote) return { worktree: false, notice: 'Slurm attempts work in the project directory itself (no git worktree per attempt)' };
  switch (i.repo.kind) {
    case 'git':
      return { worktree: true, branch: i.repo.branch };
    case 'none':
      return { worktree: false, notice: 'the project is not a git repository, so workers share its directory as before (no worktree per attempt); run git init and commit to give each attempt its own' };
    case 'detached':
      return { worktree: false, notice: "the project's git HEAD is detached (no branch to merge verified work into), so workers share its directory; check out a branch to give each attempt a worktree" };
    case 'unborn':
      return { worktree: false, notice: `the project's branch ${i.repo.branch} has no commit yet, so workers share its directory; make a first commit to give each attempt a worktree` };
    case 'no-git':
      return { worktree: false, notice: `git cannot be used here (${i.repo.why}), so workers share the project directory; set AURA_WORKTREES=off to silence this` };
  }
}

/** A git branch name for an attempt: `aura/<task>/<attempt>`, with what git refuses in a name replaced. */
export function attemptBranch(taskId: string, n: number, suffix = 0): string {
  const safe = taskId
    .replace(/\.\.+/g, '_')
    .replace(/^\.+/, '_')
    .replace(/\.lock$/i, '_lock')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  return `aura/${safe || '_'}/${n}${suffix ? `-${suffix}` : ''}`;
}

/** How to finish a kept branch by hand. */
export function mergeByHand(branch: string, target: string): string {
  return `to merge it by hand: git switch ${target} && git merge ${branch} (resolve, then git commit), or git rebase ${target} ${branch}`;
}

/**
 * A verified attempt whose branch conflicts with the project's branch: the first time, the task runs
 * again at once on a fresh worktree from the new tip (its brief names the conflict); a second conflict
 * in the same round blocks it, the branch kept, with how to merge it by hand.
 */
export function afterConflict(t: TaskState, now: Date) {
  const round = t.attempts.slice(t.attemptBase);
  const last = round[round.length - 1];
  const conflicts = round.filter((a) => a.merge?.result === 'conflict').length;
  const branch = last?.worktree?.branch ?? '(unknown branch)';
  const target = last?.worktree?.target ?? 'the project branch';
  const files = last?.merge?.files.length ? ` (${last.merge.files.slice(0, 5).join(', ')}${last.merge.files.length > 5 ? ', …' : ''})` : '';
  if (conflicts >= 2) {
    return transition(t, 'blocked', `attempt ${last?.n} was verified but its branch ${branch} conflicts with ${target} again${files}; the branch is kept, ${mergeByHand(branch, target)}`, now, {
      notBefore: null,
      blockedBy: 'merge',
    });
  }
  return transition(t, 'pending', `attempt ${last?.n} was verified but its branch ${branch} conflicts with ${target}${files}; running again on a fresh worktree from ${target}'s new tip (the branch is kept)`, now, {
    notBefore: null,
  });
}

/** Worktrees of attempts still running or being verified (never removed), each with why. */
export function liveWorktrees(state: Pick<RunState, 'tasks'>): Map<string, string> {
  const keep = new Map<string, string>();
  for (const t of Object.values(state.tasks)) {
    for (const a of t.attempts) {
      if (!a.worktree) continue;
      const last = a === t.attempts[t.attempts.length - 1];
      if (a.endedAt === null) keep.set(a.worktree.path, `attempt ${a.n} of ${t.id} is running`);
      else if (last && (t.status === 'running' || t.status === 'verifying')) keep.set(a.worktree.path, `the current attempt of ${t.id} (${t.status})`);
    }
  }
  return keep;
}
