// What a watchdog kill means for a task, and the resource-fix subtask aura creates on the second
// one. Pure: the cycle applies the result.
import { freshTask } from '../core/transitions.js';
import { watchdogKills } from '../core/tree.js';
import type { Attempt, RunState, TaskState } from '../store/schema.js';
import { escalate, type Escalation, type KillVerdict } from '../watchdog/index.js';

/** The escalation for this kill; without the verdict's figures (lost in a restart) a generic one. */
export function watchdogEscalation(t: TaskState, a: Attempt): Escalation {
  const v = a.stopData as KillVerdict | null;
  const kills = watchdogKills(t);
  if (v) return escalate(t, kills, v);
  if (kills >= 3) return { action: 'fail', status: 'failed', reason: `infeasible as specified: stopped by the watchdog ${kills} times` };
  return { action: 'retry', status: 'pending', guidance: `The previous attempt was stopped by the watchdog (${a.stopReason}); use fewer resources.` };
}

/** A task aura adds under `parent` (origin: aura, so task.md edits never reconcile it away). */
export function resourceFixSubtask(state: RunState, parent: TaskState, spec: { title: string; notes: string }, now: Date): TaskState {
  let id = `${parent.id}-fit-resources`;
  for (let i = 2; state.tasks[id]; i++) id = `${parent.id}-fit-resources-${i}`;
  return freshTask(
    {
      id,
      title: spec.title,
      parent: parent.id,
      children: [],
      produces: [],
      needs: [],
      origin: 'aura',
      extra: {},
      notes: spec.notes,
      userChecked: false,
      line: parent.line,
      order: parent.children.length,
    },
    `created by the watchdog for ${parent.id}`,
    now,
  );
}
