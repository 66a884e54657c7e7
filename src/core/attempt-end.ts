// What the end of an attempt means, before any evidence is looked at. Pure: the caller reads the
// runner's exit record and the stream's classification (I/O), this decides.
//
//   - recorded and judged: how it ended (outcome, exit status, stop reason, classification, usage);
//   - then one next step:
//       ignore     the task moved on meanwhile (archived, ticked): the record is kept, nothing judged
//       requeue    aura itself interrupted it (stopping, the run budget): pending again, not counted
//       fail       the person killed it (aura kill): failed until aura retry
//       watchdog   the watchdog stopped it: the escalation decides (retry with guidance, fix, fail)
//       verify     exited 0 and the stream (if any) claims success: the evidence gate decides
//       conclude   anything else: judged as not done (retry or fail by the policy)
import type { Attempt, Classification, TaskState, UsageRecord } from '../store/schema.js';
import { BUDGET_STOP_REASON, SHUTDOWN_REASON, WATCHDOG_PREFIX } from './tree.js';

export interface AttemptEndInput {
  task: TaskState;
  attempt: Attempt;
  /** The runner's record, when it wrote one: the worker's own exit status (first truth). */
  record: { code: number | null; signal: string | null; spawnError?: string; usage: UsageRecord | null } | null;
  /** What the pool saw: the runner's exit status, null when gone without one. */
  exit: { code: number | null; signal: string | null } | null;
  /** Why aura stopped it ('timeout' for the time budget), null when it ended on its own. */
  stopReason: string | null;
  classification: Classification | null;
  adopted: boolean;
  killedByUser: boolean;
  now: Date;
  /** What a batch system said of the end (issue 18): a node failure is lost, a memory kill has figures. */
  remote?: { outcome?: Attempt['outcome']; stopData?: Record<string, unknown>; detail: string };
}

export type NextStep =
  | { kind: 'ignore' }
  | { kind: 'requeue'; reason: string }
  | { kind: 'fail'; reason: string }
  | { kind: 'watchdog' }
  | { kind: 'verify' }
  | { kind: 'conclude' };

export interface AttemptEnd {
  ended: Attempt;
  /** "exited with code 0 (success: …)", "stopped: time budget used up", … for the journal. */
  how: string;
  next: NextStep;
}

export function attemptEnd(i: AttemptEndInput): AttemptEnd {
  const exit = i.record ? { code: i.record.code, signal: i.record.signal } : i.exit;
  const outcome: Attempt['outcome'] = i.remote?.outcome ?? (i.record?.spawnError
    ? 'spawn_error'
    : i.stopReason === 'timeout'
      ? 'timeout'
      : i.stopReason
        ? 'killed'
        : exit === null
          ? 'lost'
          : 'exited');
  const c = i.classification;
  const ended: Attempt = {
    ...i.attempt,
    endedAt: i.now.toISOString(),
    outcome,
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    stopReason: i.stopReason ?? i.record?.spawnError ?? null,
    classification: c,
    usage: i.record?.usage ?? null,
    ...(i.remote?.stopData ? { stopData: i.remote.stopData } : {}),
  };
  const how =
    outcome === 'exited'
      ? exit?.signal
        ? `killed by ${exit.signal}`
        : `exited with code ${exit?.code}${c ? ` (${c.kind}: ${c.message})` : ''}`
      : outcome === 'timeout'
        ? 'stopped: time budget used up'
        : outcome === 'killed'
          ? `stopped: ${i.stopReason}`
          : outcome === 'spawn_error'
            ? `could not start: ${i.record?.spawnError}`
            : 'gone without an exit status';
  return { ended, how: i.remote ? `${how} (${i.remote.detail})` : how, next: nextStep(i, ended) };
}

function nextStep(i: AttemptEndInput, ended: Attempt): NextStep {
  if (i.task.status !== 'running') return { kind: 'ignore' };
  if (i.stopReason === SHUTDOWN_REASON) return { kind: 'requeue', reason: 'interrupted because aura stopped; it will start again' };
  if (i.stopReason === BUDGET_STOP_REASON) return { kind: 'requeue', reason: 'stopped because the run budget was reached; it will start again when the budget allows' };
  if (i.killedByUser) return { kind: 'fail', reason: `killed by the user; \`aura retry ${i.task.id}\` runs it again` };
  if (i.stopReason?.startsWith(WATCHDOG_PREFIX)) return { kind: 'watchdog' };
  const claimsSuccess = !ended.classification || ended.classification.kind === 'success';
  if (ended.outcome === 'exited' && ended.exitCode === 0 && claimsSuccess) return { kind: 'verify' };
  return { kind: 'conclude' };
}
