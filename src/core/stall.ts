// Stall detection, in two phases (as bullmq does for jobs): a worker that shows no sign of life —
// no new output, no new stream event, no CPU time in its whole tree — for the threshold becomes a
// suspect; a suspect still silent at the next check is stalled. Any sign of life clears it. Pure:
// the caller samples, this decides.

export interface LifeSigns {
  /** stdout + stderr bytes written so far. */
  outputBytes: number;
  /** Time of the last parsed stream event (ISO), if any. */
  lastEventAt: string | null;
  /** utime + stime of every process in the worker's tree, in clock ticks. */
  cpuTicks: number;
}

export interface StallRecord {
  signs: LifeSigns;
  lastLifeAt: number;
  suspectSince: number | null;
}

export type StallVerdict =
  | { kind: 'alive' }
  | { kind: 'suspect'; silentMs: number }
  | { kind: 'stalled'; silentMs: number };

/** CPU ticks that count as a sign of life between checks (a sleeping tree still accrues a few). */
const CPU_NOISE_TICKS = 2;

export function checkStall(prev: StallRecord | null, signs: LifeSigns, nowMs: number, thresholdMs: number): { record: StallRecord; verdict: StallVerdict } {
  if (!prev) return { record: { signs, lastLifeAt: nowMs, suspectSince: null }, verdict: { kind: 'alive' } };
  const alive =
    signs.outputBytes > prev.signs.outputBytes ||
    (signs.lastEventAt !== null && signs.lastEventAt !== prev.signs.lastEventAt) ||
    signs.cpuTicks - prev.signs.cpuTicks > CPU_NOISE_TICKS;
  if (alive) return { record: { signs, lastLifeAt: nowMs, suspectSince: null }, verdict: { kind: 'alive' } };
  const silentMs = nowMs - prev.lastLifeAt;
  const record: StallRecord = { signs, lastLifeAt: prev.lastLifeAt, suspectSince: prev.suspectSince };
  if (thresholdMs <= 0 || silentMs < thresholdMs) return { record, verdict: { kind: 'alive' } };
  if (prev.suspectSince === null) return { record: { ...record, suspectSince: nowMs }, verdict: { kind: 'suspect', silentMs } };
  return { record, verdict: { kind: 'stalled', silentMs } };
}

/** How often to check: a quarter of the threshold, between 1 s and 60 s. */
export function stallCheckIntervalMs(thresholdMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.floor(thresholdMs / 4)));
}

export const STALL_PREFIX = 'stalled';
