// Keeps .aura/state/status-cache.json current while the daemon runs (issue 13), so that `aura status`
// with no daemon answering (it crashed, or was killed) reads a few dozen KB instead of parsing the
// whole run: at 20,000 tasks that was 0.5–1 s, most of it JSON.parse and GC of a 9 MB state.json.
//
// The cache must say exactly what the disk path would (state.json, then the journal), never what a
// cycle has half-applied in memory. So it is taken right after a commit (the run book's `committed`),
// and between cycles (WakeQueue.atRest) for anything else, and never while memory is ahead of the
// journal; the body, the files' stamps and the write happen in one synchronous stretch, so nothing of
// the daemon's moves either file in between. Taken once per progress.md render, as it first was, a
// kill -9 of a busy daemon almost never left a cache that held (0 of 12 at 2,000 tasks): the journal
// had nearly always moved since. A write is skipped when neither file moved since the last one; it
// costs ~0.3 ms at 20,000 tasks (the digest of the incremental status index, ~50 KB, written in place, no fsync).
import { digestOf } from '../progress/status-digest.js';
import { runStamps, sameStamps, writeStatusCache, type RunStamps } from '../store/status-cache.js';
import { errnoCode } from '../util/errors.js';
import type { CycleCtx } from './cycle-ctx.js';

/** Runs `fn` between cycles (the daemon's WakeQueue.atRest); tests without a queue run it at once. */
export type AtRest = (fn: () => void) => void;

export class StatusCacheKeeper {
  private written: RunStamps | null = null;
  private queued = false;
  private failed: string | null = null;

  constructor(
    private readonly x: Pick<CycleCtx, 'book' | 'layout' | 'log'>,
    private readonly atRest: AtRest,
  ) {}

  /** As soon as no cycle runs. */
  soon(): void {
    if (this.queued) return;
    this.queued = true;
    this.atRest(() => {
      this.queued = false;
      this.now();
    });
  }

  /** Now: the caller has just committed, is between cycles, or is stopping after its last save. */
  now(): void {
    const { book, layout } = this.x;
    if (book.uncommitted) return; // memory is ahead of the journal: the commit that follows tries again
    const stamps = runStamps(layout);
    if (!stamps || (this.written && sameStamps(stamps, this.written))) return;
    try {
      writeStatusCache(layout, JSON.stringify(digestOf(book.viewFacts())), stamps);
      this.written = stamps;
      this.failed = null;
    } catch (err) {
      // Tried again at the next commit; said once while it keeps failing the same way.
      const kind = errnoCode(err) ?? (err instanceof Error ? err.message : String(err)); // messages name a fresh temp file each time
      if (kind !== this.failed) this.x.log(`status cache: ${err instanceof Error ? err.message : String(err)} (aura status reads the run instead)`);
      this.failed = kind;
    }
  }
}
