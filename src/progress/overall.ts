// The one line that answers "what is aura doing, and do I need to act?", plus the counts behind it.
import { goalDone, goalTask, topLevelIds } from '../core/tree.js';
import type { RunState, TaskState, TaskStatus } from '../store/schema.js';
import { clockTime, parseTime, plural, stamp } from './format.js';
import type { DaemonInfo, OverallState, OverallView } from './types.js';
import { STATUS_ORDER } from './types.js';

/** Tasks by status, the goal left out while it is a group (its line is the goal itself). */
export function countByStatus(state: RunState, all: readonly TaskState[] = Object.values(state.tasks)): Record<TaskStatus, number> {
  const counts = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<TaskStatus, number>;
  const skip = goalLineId(state);
  for (const t of all) if (t.id !== skip) counts[t.status] += 1;
  return counts;
}

/** The goal task while it is a group: its line is the goal, so it is not counted as a task. */
export function goalLineId(state: RunState): string | null {
  const root = goalTask(state);
  return root && !topLevelIds(state).includes(root.id) ? root.id : null;
}

/** A done task counts as verified when its last evidence passed (not merely ticked by hand). */
export function verifiedDone(t: TaskState): boolean {
  if (t.status !== 'done') return false;
  let withEvidence = null;
  for (let i = t.attempts.length - 1; i >= 0 && !withEvidence; i--) if (t.attempts[i]!.evidence !== null) withEvidence = t.attempts[i]!;
  // A group aura checked (all subtasks done) is verified through them; only a `- [x]` the user
  // ticked without evidence is "by hand".
  return !!withEvidence?.evidence?.passed || !t.userChecked;
}

function verifiedCount(all: readonly TaskState[], skip: string | null): number {
  let n = 0;
  // The goal's own line is not one of the tasks counted (it read "-1 ticked by hand" when it was).
  for (const t of all) if (t.id !== skip && verifiedDone(t)) n++;
  return n;
}

/** A pending task's retry time (ms), or null. */
export function retryTime(t: TaskState): number | null {
  return t.status === 'pending' && t.notBefore ? parseTime(t.notBefore) : null;
}

/** What the overall line needs of the run, free of the clock (so it can be kept: facts.ts). */
export interface OverallFacts {
  counts: Record<TaskStatus, number>;
  allDone: boolean;
  /** Done tasks with passing evidence (or checked by aura); counted only when allDone. */
  verified: number;
  /** Pending tasks' retry times (ms), earliest first. */
  retryAt: number[];
  doneAt: string | null;
  updatedAt: string;
  pause: string | null;
  safeMode: boolean;
}

/** `goalDone`: whether the goal's tree is done, or null for a state from before the goal was the root. */
export function overallFacts(
  state: RunState,
  counts: Record<TaskStatus, number>,
  goalDone: boolean | null,
  all: readonly TaskState[] = Object.values(state.tasks),
): OverallFacts {
  const retryAt: number[] = [];
  for (const t of all) {
    const at = retryTime(t);
    if (at !== null) retryAt.push(at);
  }
  return overallFactsFrom(state, counts, goalDone, retryAt, () => verifiedCount(all, goalLineId(state)));
}

/**
 * The same from parts kept elsewhere (progress/status-index.ts): the pending tasks' retry times in
 * any order, and the count of verified done tasks (the goal's own line left out), asked for only
 * when everything is done.
 */
export function overallFactsFrom(state: RunState, counts: Record<TaskStatus, number>, goalDone: boolean | null, retryAt: number[], verified: () => number): OverallFacts {
  const total = STATUS_ORDER.reduce((sum, s) => sum + counts[s], 0) - counts.archived;
  // One definition of done for every view (core/tree.ts); a state from before the goal was the root
  // has no root to check, so its counts decide.
  const allDone = goalDone ?? (total > 0 ? counts.done === total : state.doneAt !== null);
  return {
    counts,
    allDone,
    verified: allDone ? verified() : 0,
    retryAt: retryAt.sort((a, b) => a - b),
    doneAt: state.doneAt,
    updatedAt: state.updatedAt,
    pause: state.pause ? state.pause.reason : null,
    safeMode: state.planner?.mode === 'safe',
  };
}

/** The overall line straight from a state (status --json, aura projects). */
export function overallOfState(state: RunState, counts: Record<TaskStatus, number>, daemon: DaemonInfo, now: Date): OverallView {
  return overallOf(overallFacts(state, counts, goalTask(state) ? goalDone(state) : null), daemon, now);
}

export function overallOf(f: OverallFacts, daemon: DaemonInfo, now: Date): OverallView {
  const { counts } = f;
  const total = STATUS_ORDER.reduce((sum, s) => sum + counts[s], 0) - counts.archived;
  const active = counts.running + counts.verifying;
  const stuck = counts.failed + counts.blocked;

  if (f.allDone) {
    const at = stamp(f.doneAt ?? f.updatedAt);
    const verified = f.verified;
    const what = total === 0 ? 'nothing left to do' : total === 1 ? 'the task' : `all ${total} tasks`;
    const how = verified === total ? 'verified' : `done (${total - verified} ticked by hand)`;
    const detail = total === 0 ? `nothing left to do, finished ${at}` : `${what} ${how} at ${at}`;
    return make('done', 'Done', detail, false);
  }

  const parts: string[] = [];
  if (counts.running > 0) parts.push(`${counts.running} running`);
  if (counts.verifying > 0) parts.push(`${counts.verifying} verifying`);
  parts.push(`${counts.done} done of ${total}`);
  if (counts.failed > 0) parts.push(`${counts.failed} failed`);
  if (counts.blocked > 0) parts.push(`${counts.blocked} blocked`);
  if (stuck > 0) parts.push('needs attention');
  if (f.pause !== null) parts.push(`paused: ${f.pause}`);
  if (f.safeMode) parts.push('planner in safe mode (the model API keeps failing; the rules planner supervises)');

  const live = daemon.mode === 'running' || daemon.mode === 'sleeping';
  // The retry time is the news only while nothing runs; otherwise the tree shows it per task.
  const retry = active === 0 ? (f.retryAt.find((at) => at > now.getTime()) ?? null) : null;
  if (retry !== null) parts.push(`next retry ${clockTime(new Date(retry).toISOString(), now)}`);
  if (live && parseTime(daemon.nextWakeAt) !== null) parts.push(`next wake ${clockTime(daemon.nextWakeAt, now)}`);
  const detail = parts.join(', ');

  // A daemon that says "done" while tasks disagree has stopped short; say so instead of "Done".
  if (daemon.mode === 'stopped' || daemon.mode === 'done') return make('stopped', 'Stopped', detail, stuck > 0);
  if (daemon.mode === 'draining') return make('draining', 'Draining', detail, stuck > 0);
  if (active > 0) return make('working', f.pause !== null ? 'Working, paused' : 'Working', detail, stuck > 0);
  if (f.pause !== null) return make('waiting', 'Paused', detail, stuck > 0);
  if (counts.pending > 0) return make('waiting', 'Waiting', detail, stuck > 0);
  return make('stuck', 'Stuck', detail, true);
}

function make(state: OverallState, headline: string, detail: string, needsAttention: boolean): OverallView {
  return { state, headline, detail, line: detail ? `${headline} — ${detail}` : headline, needsAttention };
}

/** "3 done · 2 running · 1 failed": non-zero counts only, in a fixed order. */
export function countsText(counts: Record<TaskStatus, number>, symbols?: Record<TaskStatus, string>): string {
  const parts = STATUS_ORDER.filter((s) => counts[s] > 0).map((s) =>
    symbols ? `${symbols[s]} ${counts[s]} ${s}` : `${counts[s]} ${s}`,
  );
  return parts.length > 0 ? parts.join(' · ') : plural(0, 'task');
}
