// When to write state.json. The journal is the truth (each entry that changes state carries the
// result, and recovery replays every entry after the snapshot's journalSeq), so a snapshot only
// bounds how much a restart or `aura status` must replay. Writing it after every commit made a large
// run spend most of its time serialising: now it is written when the journal tail has grown as large
// as the snapshot itself (so a restart replays at most a snapshot's worth, and the cost per journal
// byte stays the same at any size), or when enough time has passed that the write costs at most 1/100
// of it, and always when the daemon goes idle or stops. Pure.

export interface SnapshotFacts {
  /** Journal entries committed since the last snapshot. */
  entriesSince: number;
  /** Bytes those entries take in the journal. */
  bytesSince: number;
  /** Size of the last snapshot (0 before the first). */
  lastBytes: number;
  msSinceLast: number;
  /** How long the last snapshot took to write. */
  lastCostMs: number;
  /** Idle or stopping: nothing is lost by writing now. */
  idle: boolean;
}

/** Snapshots are never closer together than this while the daemon is busy. */
export const MIN_SNAPSHOT_INTERVAL_MS = 1000;
/**
 * By time alone, a snapshot may take at most 1/SNAPSHOT_COST_RATIO of the time since the last one. A
 * snapshot costs O(tasks), so this share is what a large busy run pays for it per unit of time: kept
 * at 1 % (it was 5 %, which at 20,000 tasks made the time rule, not the work, the daemon's cost).
 */
export const SNAPSHOT_COST_RATIO = 100;
/** progress.md may take at most 1/COST_RATIO of the time between renders. */
export const COST_RATIO = 20;
/** A tail this small never forces a snapshot by size alone. */
export const MIN_TAIL_BYTES = 64 * 1024;

export function snapshotDue(f: SnapshotFacts): boolean {
  if (f.entriesSince === 0 && f.lastBytes > 0) return false;
  if (f.idle || f.lastBytes === 0) return true;
  if (f.bytesSince >= Math.max(f.lastBytes, MIN_TAIL_BYTES)) return true;
  return f.msSinceLast >= Math.max(MIN_SNAPSHOT_INTERVAL_MS, SNAPSHOT_COST_RATIO * f.lastCostMs);
}

/** progress.md the same way: at most every RENDER_MIN_MS, and at most 1/COST_RATIO of the time. */
export const RENDER_MIN_MS = 300;

export function renderDelayMs(msSinceLast: number, lastCostMs: number): number {
  return Math.max(0, Math.max(RENDER_MIN_MS, COST_RATIO * lastCostMs) - msSinceLast);
}
