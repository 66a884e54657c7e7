// Readable summaries of finished work, in Markdown: one per task (what was asked, what was done,
// the evidence) and a final report for the whole run. Pure: state and journal events in, text out; the
// files are written by write.ts.
import { runTotals, taskTotals, type Totals } from '../core/budget.js';
import { code, fenced, inline, row } from '../progress/escape.js';
import { bytes, duration, parseTime, plural, stamp, tailLines } from '../progress/format.js';
import { taskForest, type TaskNode } from '../progress/tree.js';
import { usageText } from '../progress/usage.js';
import type { Attempt, Evidence, JournalEntry, RunState, TaskState, TaskStatus } from '../store/schema.js';

/** Statuses after which a task's summary is worth writing (nothing more happens without a change). */
export const FINAL_STATUSES: readonly TaskStatus[] = ['done', 'failed', 'blocked', 'archived'];

export function isFinalStatus(s: TaskStatus): boolean {
  return FINAL_STATUSES.includes(s);
}

/** An attempt's branch and worktree, and what became of its work (issue 14). */
export function gitLine(a: Attempt): string {
  const w = a.worktree!;
  const m = a.merge;
  const what = m
    ? `${m.message}${m.result !== 'merged' && m.stat ? ` (${m.stat})` : ''}`
    : a.evidence?.passed === false || a.endedAt !== null
      ? `not verified; its work, if any, is kept on the branch`
      : 'still working';
  return `branch ${w.branch} from ${w.target} at ${w.base.slice(0, 10)}, worktree ${w.path}: ${what}`;
}

/** Wall-clock time an attempt ran, or null while it runs (or when its times are unreadable). */
export function attemptDurationMs(a: Attempt): number | null {
  const start = parseTime(a.startedAt);
  const end = parseTime(a.endedAt);
  return start === null || end === null ? null : Math.max(0, end - start);
}

/** Sum over the task's finished attempts. */
export function taskDurationMs(t: TaskState): number {
  return t.attempts.reduce((sum, a) => sum + (attemptDurationMs(a) ?? 0), 0);
}

/** The newest attempt that has evidence, or null. */
export function lastEvidence(t: TaskState): { attempt: Attempt; evidence: Evidence } | null {
  for (let i = t.attempts.length - 1; i >= 0; i--) {
    const a = t.attempts[i]!;
    if (a.evidence) return { attempt: a, evidence: a.evidence };
  }
  return null;
}

function outcomeText(a: Attempt): string {
  if (a.endedAt === null) return 'running';
  const parts: string[] = [a.outcome ?? 'ended'];
  if (a.classification) parts.push(`${a.classification.kind}: ${a.classification.message}`);
  return parts.join(' — ');
}

function exitText(a: Attempt): string {
  if (a.exitCode !== null) return String(a.exitCode);
  if (a.signal) return a.signal;
  return '—';
}

function totalsLine(t: Totals): string {
  return usageText(t) ?? 'none reported';
}

function evidenceLines(e: Evidence, n: number): string[] {
  const out = [
    `**${e.passed ? 'Passed' : 'Not passed'}** (attempt ${n}, checked ${stamp(e.checkedAt)}): ${inline(e.summary, 500)}`,
    '',
    `- Worker exited cleanly: ${e.workerClean ? 'yes' : 'no'}`,
  ];
  if (e.artifacts.length === 0) out.push('- Artifacts: none declared');
  for (const a of e.artifacts) {
    const facts = a.exists ? `${bytes(a.size)}, ${a.fresh ? 'written during the attempt' : 'not written during the attempt'}` : 'missing';
    out.push(`- ${a.ok ? '✓' : '✗'} ${code(a.path)}: ${facts}${a.note ? ` (${inline(a.note, 200)})` : ''}`);
  }
  if (e.verify) {
    const v = e.verify;
    const how = v.timedOut ? 'timed out' : v.signal ? `killed by ${v.signal}` : `exit ${v.exitCode ?? '?'}`;
    out.push(`- ${v.ok ? '✓' : '✗'} verify ${code(v.command)}: ${how} in ${duration(v.durationMs)}`);
    const tail = tailLines(v.outputTail, 15, 200);
    if (tail.length) out.push(...fenced(tail, '  '));
  } else {
    out.push('- Verify: none');
  }
  return out;
}

/** Markdown summary of one task: what was asked, what was done, the evidence, time and spend. */
export function renderTaskSummary(state: RunState, taskId: string): string {
  const t = state.tasks[taskId];
  if (!t) return `# Task ${code(taskId)}\n\nNo such task in this run.\n`;
  const L: string[] = [];
  L.push(`# ${inline(t.title)} (${code(t.id)})`, '');
  L.push(`**Status:** ${t.status} — ${inline(t.reason, 600)}`, '');
  L.push(`Goal of the run: ${inline(state.goal)}`, '');

  L.push('## What was asked', '');
  L.push(`- Title: ${inline(t.title)}`);
  if (t.parent) L.push(`- Part of: ${code(t.parent)}${state.tasks[t.parent] ? ` ${inline(state.tasks[t.parent]!.title)}` : ''}`);
  if (t.run) L.push(`- Run: ${code(t.run)}`);
  L.push(`- Produces: ${t.produces.length ? t.produces.map((p) => code(p)).join(', ') : 'nothing declared'}`);
  L.push(`- Verify: ${t.verify ? code(t.verify) : 'none'}`);
  if (t.needs.length) L.push(`- Needs: ${t.needs.map((n) => code(n)).join(', ')}`);
  if (t.budgetMs) L.push(`- Budget per attempt: ${duration(t.budgetMs)}`);
  if (t.worker) L.push(`- Worker: ${code(t.worker)}`);
  if (t.userChecked) L.push('- Ticked done by hand in the task file');
  if (t.children.length) {
    L.push('- Subtasks:');
    for (const c of t.children) {
      const ct = state.tasks[c];
      L.push(`  - ${code(c)} ${ct ? `${inline(ct.title)} — ${ct.status}` : '(unknown)'}`);
    }
  }
  const notes = t.notes.trim();
  if (notes) {
    L.push('', 'Notes:', '');
    for (const line of notes.split(/\r?\n/)) L.push(`> ${inline(line)}`);
  }
  L.push('');

  L.push('## What was done', '');
  const totals = taskTotals(state, t.id);
  L.push(`- Attempts: ${t.attempts.length}${t.attemptBase > 0 ? ` (${t.attempts.length - t.attemptBase} since the task last changed)` : ''}`);
  L.push(`- Total worker time: ${duration(taskDurationMs(t))}`);
  L.push(`- Tokens and cost: ${totalsLine(totals)}`);
  L.push('');
  if (t.attempts.length) {
    L.push(row(['#', 'Worker', 'Started', 'Duration', 'Outcome', 'Exit', 'Stop reason']));
    L.push(row(['---', '---', '---', '---', '---', '---', '---']));
    for (const a of t.attempts) {
      const d = attemptDurationMs(a);
      L.push(
        row([
          String(a.n),
          inline(a.worker),
          stamp(a.startedAt),
          d === null ? 'running' : duration(d),
          inline(outcomeText(a), 300),
          exitText(a),
          a.stopReason ? inline(a.stopReason, 300) : '—',
        ]),
      );
    }
    L.push('');
    const git = t.attempts.filter((a) => a.worktree).map((a) => `- Attempt ${a.n}: ${inline(gitLine(a), 500)}`);
    if (git.length) L.push('Git (each attempt worked in a worktree of its own):', '', ...git, '');
  } else {
    L.push('No attempts were made.', '');
  }

  L.push('## Evidence', '');
  const ev = lastEvidence(t);
  if (ev) {
    const last = t.attempts[t.attempts.length - 1];
    if (last && last.n !== ev.attempt.n) L.push(`(The latest attempt, ${last.n}, has no evidence yet; this is from attempt ${ev.attempt.n}.)`, '');
    L.push(...evidenceLines(ev.evidence, ev.attempt.n));
  } else {
    L.push(t.userChecked ? 'None: ticked done by hand.' : 'None recorded.');
  }
  L.push('');
  return L.join('\n');
}

function flatten(nodes: readonly TaskNode[], depth = 0): Array<{ task: TaskState; depth: number }> {
  return nodes.flatMap((n) => [{ task: n.task, depth }, ...flatten(n.children, depth + 1)]);
}

function taskLine(state: RunState, t: TaskState, depth: number): string {
  const ev = lastEvidence(t);
  const facts = [plural(t.attempts.length, 'attempt'), duration(taskDurationMs(t))];
  const u = usageText(taskTotals(state, t.id));
  if (u) facts.push(u);
  const why = ev ? ev.evidence.summary : t.reason;
  return `${'  '.repeat(depth)}- **${t.status}** ${code(t.id)} ${inline(t.title, 120)} — ${inline(why, 300)} (${facts.join(', ')})`;
}

const NOTABLE_MAX = 40;

/** A journal entry worth a person's attention after the fact: a failure, kill, budget stop or recovery. */
export function isNotable(e: JournalEntry): boolean {
  if (e.kind === 'warning') return true;
  if (e.kind === 'status') {
    if (e.to === 'failed' || e.to === 'blocked') return true;
    // an attempt that ended badly and is retried
    return e.to === 'pending' && (e.from === 'running' || e.from === 'verifying');
  }
  if (e.kind === 'taskfile') return e.data?.error !== undefined;
  if (e.kind === 'daemon') return /recovered|repaired|took over|left running/.test(e.msg);
  if (e.kind === 'decision') return /watchdog|budget|stall/i.test(e.msg);
  if (e.kind === 'attempt') return /^attempt \d+ /.test(e.msg) && /stall|timed out|timeout|watchdog|killed|stopped/i.test(e.msg);
  return false;
}

/**
 * The final report's notable events, taken one journal entry at a time: how many there were and the
 * last NOTABLE_MAX. The journal itself is never held (summaries/write.ts streams it in).
 */
export class NotableEvents {
  count = 0;
  readonly last: JournalEntry[] = [];

  add(e: JournalEntry): void {
    if (!isNotable(e)) return;
    this.count++;
    this.last.push(e);
    if (this.last.length > NOTABLE_MAX) this.last.shift();
  }

  static of(entries: Iterable<JournalEntry>): NotableEvents {
    const n = new NotableEvents();
    for (const e of entries) n.add(e);
    return n;
  }
}

/** Markdown report of the whole run: goal, outcome, every task in one line, totals, notable events. */
export function renderFinalReport(state: RunState, notable: NotableEvents): string {
  const forest = taskForest(state);
  const live = flatten(forest.live);
  const archived = flatten(forest.archived);
  const count = (s: TaskStatus) => live.filter((x) => x.task.status === s).length;
  const L: string[] = [];
  L.push(`# Final report: ${inline(state.goal)}`, '');
  if (state.doneAt) {
    L.push(`**Outcome: done.** Every task (${live.length}) is done, finished ${stamp(state.doneAt)}.`);
  } else {
    const parts = (['done', 'running', 'verifying', 'pending', 'failed', 'blocked'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s}`);
    L.push(`**Outcome: not done.** ${parts.join(', ') || 'no tasks'} (of ${live.length}).`);
  }
  L.push('');
  L.push(`- Task file: ${code(state.taskFile)}`);
  L.push(`- Started: ${stamp(state.createdAt)}`);
  if (state.doneAt) L.push(`- Finished: ${stamp(state.doneAt)} (${duration((parseTime(state.doneAt) ?? 0) - (parseTime(state.createdAt) ?? 0))} after the start)`);
  L.push(`- Cycles: ${state.cycle}`);
  if (state.pause) L.push(`- Paused (${state.pause.kind}) since ${stamp(state.pause.since)}: ${inline(state.pause.reason, 300)}`);
  L.push('');

  L.push('## Tasks', '');
  if (live.length === 0) L.push('No tasks.');
  for (const x of live) L.push(taskLine(state, x.task, x.depth));
  if (archived.length) {
    L.push('', 'Archived (removed from the task file, history kept):', '');
    for (const x of archived) L.push(taskLine(state, x.task, x.depth));
  }
  L.push('');

  const all = Object.values(state.tasks);
  const attempts = all.reduce((n, t) => n + t.attempts.length, 0);
  const workerMs = all.reduce((n, t) => n + taskDurationMs(t), 0);
  const totals = runTotals(state);
  L.push('## Totals', '');
  L.push(`- Attempts: ${attempts}`);
  L.push(`- Worker run time (all attempts): ${duration(workerMs)}`);
  L.push(`- Tokens: ${totals.inputTokens} in, ${totals.outputTokens} out, ${totals.cacheReadTokens} cache read, ${totals.cacheWriteTokens} cache write`);
  L.push(`- Cost: ${totals.costed > 0 ? `$${totals.costUsd.toFixed(4)} (${plural(totals.costed, 'attempt')} reported a cost)` : 'none reported'}`);
  L.push('');

  L.push('## Notable events', '');
  if (notable.count === 0) L.push('None: no failures, kills, budget stops or recoveries.');
  for (const e of notable.last) {
    const what = e.from || e.to ? `${e.from ?? ''}→${e.to ?? ''}` : e.kind;
    L.push(`- ${stamp(e.ts)} ${e.task ? `${code(e.task)} ` : ''}${what}: ${inline(e.msg, 400)}`);
  }
  if (notable.count > notable.last.length) L.push('', `(${notable.count - notable.last.length} earlier ones in the journal: \`aura history\`.)`);
  L.push('');
  return L.join('\n');
}
