// Issue 14 on the progress page, in `aura status` and its JSON: each task's latest attempt with a git
// worktree (its branch, worktree, diff stat and what became of it), and the branches kept for a
// person (verified ones left for review under AURA_MERGE=branch, and conflicts that blocked a task).
import type { Attempt, RunState, TaskState } from '../store/schema.js';
import { mergeByHand } from '../core/isolation.js';

export type GitState = 'working' | 'verifying' | 'merged' | 'branch' | 'conflict' | 'kept';

export interface GitAttemptView {
  attempt: number;
  branch: string;
  worktree: string;
  target: string;
  state: GitState;
  how: string | null;
  stat: string | null;
  /** One line for people. */
  text: string;
}

export interface BranchView {
  taskId: string;
  branch: string;
  state: 'branch' | 'conflict';
  text: string;
}

function stateOf(t: TaskState, a: Attempt): GitState {
  if (a.merge) return a.merge.result;
  if (a.endedAt === null) return 'working';
  const last = t.attempts[t.attempts.length - 1] === a;
  return last && t.status === 'verifying' ? 'verifying' : 'kept';
}

export function gitView(t: TaskState): GitAttemptView | null {
  let a: Attempt | undefined;
  for (let i = t.attempts.length - 1; i >= 0 && !a; i--) if (t.attempts[i]!.worktree) a = t.attempts[i];
  if (!a?.worktree) return null;
  const w = a.worktree;
  const state = stateOf(t, a);
  const stat = a.merge?.stat ?? null;
  const texts: Record<GitState, string> = {
    working: `attempt ${a.n} works in ${w.path} on branch ${w.branch}`,
    verifying: `attempt ${a.n}'s branch ${w.branch}: being checked, then merged into ${w.target}`,
    merged: `attempt ${a.n}'s branch ${w.branch} ${a.merge?.message ?? `merged into ${w.target}`}`,
    branch: `attempt ${a.n} verified; branch ${w.branch} left for review${stat ? ` (${stat})` : ''}: git merge ${w.branch}`,
    conflict: `attempt ${a.n}'s branch ${w.branch} conflicts with ${w.target}${a.merge?.files.length ? ` in ${a.merge.files.join(', ')}` : ''}; kept`,
    kept: `attempt ${a.n} not verified; its work is kept on branch ${w.branch}`,
  };
  return { attempt: a.n, branch: w.branch, worktree: w.path, target: w.target, state, how: a.merge?.how ?? null, stat, text: texts[state] };
}

/** Branches waiting for a person: verified and left for review, or blocked by a conflict. */
export function branchesForReview(state: Pick<RunState, 'tasks'>, all: readonly TaskState[] = Object.values(state.tasks)): BranchView[] {
  const out: BranchView[] = [];
  for (const t of all) {
    const b = branchForReview(t);
    if (b) out.push(b);
  }
  return out;
}

/** The task's branch when it waits for a person, else null. */
export function branchForReview(t: TaskState): BranchView | null {
  if (t.status === 'archived') return null;
  const g = gitView(t);
  if (!g) return null;
  if (g.state === 'branch' && t.status === 'done') return { taskId: t.id, branch: g.branch, state: 'branch', text: `${g.branch}: ${t.title}${g.stat ? ` (${g.stat})` : ''}; git merge ${g.branch}` };
  if (g.state === 'conflict' && t.status === 'blocked') return { taskId: t.id, branch: g.branch, state: 'conflict', text: `${g.branch}: ${t.title}: conflicts with ${g.target}; ${mergeByHand(g.branch, g.target)}` };
  return null;
}
