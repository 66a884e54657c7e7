// The brief a worker gets (task.md in its attempt directory, and the agent's prompt). Pure.
// It says what to do and how aura will judge it, so an agent does not have to guess what "done"
// means: the artifacts, the verify command, the budget, and the result.md contract.
import type { RunState, TaskState, WorktreeRef } from '../store/schema.js';

const MAX_CONTEXT = 8000;
const MAX_NOTES = 4000;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}\n[… ${text.length - max} more characters in task.md]` : text;
}

/** Done siblings listed in a brief, and how far from the task aura looks for them. */
export const SIBLINGS_LISTED = 20;
export const SIBLINGS_SCANNED = 400;

/**
 * The done siblings nearest the task (file order, outward from it), at most SIBLINGS_LISTED of them
 * among the SIBLINGS_SCANNED nearest: a parallel section of 20,000 tasks gives each worker a short
 * list, not the whole section, and costs the same to brief as one of 20. `more`: some were not looked at.
 */
function doneSiblings(state: RunState, t: TaskState): { done: TaskState[]; more: boolean } {
  const ids = t.parent ? (state.tasks[t.parent]?.children ?? []) : state.roots;
  const at = ids.indexOf(t.id);
  const others = ids.length - (at >= 0 ? 1 : 0);
  const done: { i: number; task: TaskState }[] = [];
  let scanned = 0;
  for (let d = 1; scanned < others && scanned < SIBLINGS_SCANNED && done.length < SIBLINGS_LISTED; d++) {
    for (const i of [at - d, at + d]) {
      if (i < 0 || i >= ids.length) continue;
      scanned++;
      const s = state.tasks[ids[i]!];
      if (s && s.status === 'done' && done.length < SIBLINGS_LISTED) done.push({ i, task: s });
    }
  }
  return { done: done.sort((a, b) => a.i - b.i).map((x) => x.task), more: scanned < others };
}

export interface BriefInput {
  state: RunState;
  task: TaskState;
  attempt: number;
  attemptDir: string; // absolute
  budgetMs: number;
  /** Guidance carried from earlier attempts (why the last one failed, watchdog advice). */
  guidance: string[];
  /** The attempt's own git worktree (issue 14), when it has one. */
  worktree?: WorktreeRef | null;
}

export function buildBrief(b: BriefInput): string {
  const { state, task: t } = b;
  const lines: string[] = [];
  lines.push(`# Task: ${t.title}`, '');
  lines.push(`You are one worker in a larger run supervised by aura. Overall goal: **${state.goal}**`, '');
  if (state.context.trim()) lines.push('## Project context', '', clip(state.context.trim(), MAX_CONTEXT), '');
  lines.push('## This task', '', t.title);
  const notes = t.notes;
  if (notes.trim()) lines.push('', clip(notes.trim(), MAX_NOTES));
  lines.push('');
  const { done, more } = doneSiblings(state, t);
  if (done.length) {
    lines.push('## What other tasks already produced', '');
    for (const s of done) lines.push(`- ${s.title}${s.produces.length ? `: ${s.produces.map((p) => `\`${p}\``).join(', ')}` : ''}`);
    if (more) lines.push(`- (only the finished tasks nearest this one are listed; \`aura status --json\` lists every task)`);
    lines.push('');
  }
  lines.push('## How aura will judge this task', '');
  lines.push('Your own report does not make the task done. aura checks the evidence itself:');
  if (t.produces.length) lines.push(`- these files must exist afterwards, non-empty, written during this attempt: ${t.produces.map((p) => `\`${p}\``).join(', ')}`);
  if (t.verify) lines.push(`- then aura runs \`${t.verify}\` from ${b.worktree ? 'your worktree' : 'the project root'}; it must exit 0`);
  if (!t.produces.length && !t.verify) lines.push('- your process must finish successfully; no artifacts or verify command were declared');
  lines.push(`- time budget for this attempt: ${Math.round(b.budgetMs / 60000)} minute(s); after that you are stopped`);
  lines.push('');
  if (b.guidance.length) {
    lines.push('## Earlier attempts', '');
    for (const g of b.guidance) lines.push(`- ${g}`);
    lines.push('');
  }
  lines.push(`Do not edit the run's task file (\`${state.taskFile}\`): it is the person's. A tick or any change you make there does not count for this attempt, which is judged by the artifacts and verify command above.`);
  lines.push('');
  lines.push('## When you finish', '');
  if (b.worktree) {
    lines.push(`Work in your current directory, \`${b.worktree.workDir}\`: a git worktree of this project of your own, on branch \`${b.worktree.branch}\`, made from \`${b.worktree.target}\`. Other workers may be changing the project at the same time in their own worktrees; stay in yours, and do not switch branches, rebase or push. You may commit; aura commits whatever you leave uncommitted, and merges your branch into \`${b.worktree.target}\` only once the checks above pass.`);
    lines.push(`Write a short report to \`${b.attemptDir}/result.md\`:`);
  } else lines.push(`Work in the project root (your current directory). Write a short report to \`${b.attemptDir}/result.md\`:`);
  lines.push('what you did, which files you created or changed, and how to check the result. Do not ask questions: nobody will answer them.');
  lines.push('');
  lines.push(`(attempt ${b.attempt}; task id \`${t.id}\`)`);
  return lines.join('\n');
}

/** What earlier attempts of this task teach the next one (bounded). */
export function guidanceFrom(t: TaskState): string[] {
  return t.attempts
    .slice(-3)
    .map((a) => {
      // A verified attempt whose branch could not be merged: the conflict is what the next one must know.
      if (a.merge?.result === 'conflict') return `attempt ${a.n}: verified, but ${a.merge.message}; this attempt starts from the new tip, which has the other work: make your change on top of it`;
      const why = a.evidence?.summary ?? a.classification?.message ?? a.stopReason ?? null;
      return why ? `attempt ${a.n}: ${why}` : null;
    })
    .filter((x): x is string => x !== null);
}
