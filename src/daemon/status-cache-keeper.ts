// Keeps .aura/state/status-cache.json current while the daemon runs (issue 13), so that `aura status`
// with no daemon answering (it crashed, or was killed) reads a few dozen KB instead of parsing the
// whole run: at 20,000 tasks that was 0.46 s, most of it JSON.parse and GC of a 9 MB state.json.
//
// The cache must say exactly what the disk path would (state.json, then the journal), never what a
// cycle has half-applied in memory. So its body and the files' stamps are taken together, between
// cycles (WakeQueue.atRest), with nothing left uncommitted; a write then lands later, and if the
// journal moved meanwhile the stamps no longer match and the reader ignores it. Writes follow
// progress.md's pace (at most one per render, so every few hundred ms when busy) and are skipped when
// neither file changed since the last one. Writes run one at a time, in order.
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
  private chain: Promise<void> = Promise.resolve();

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
      void this.now();
    });
  }

  /** Now: the caller is between cycles, or stopping after its last save. Resolves once written. */
  now(): Promise<void> {
    const { book, layout } = this.x;
    if (book.uncommitted) return this.chain; // memory is ahead of the journal: the next render tries again
    const stamps = runStamps(layout);
    if (!stamps || (this.written && sameStamps(stamps, this.written))) return this.chain;
    this.written = stamps;
    const body = JSON.stringify(digestOf(book.viewFacts()));
    this.chain = this.chain
      .then(() => writeStatusCache(layout, body, stamps))
      .then(
        () => {
          this.failed = null;
        },
        (err: unknown) => {
          this.written = null; // tried again at the next render; said once while it keeps failing the same way
          const kind = errnoCode(err) ?? (err instanceof Error ? err.message : String(err)); // messages name a fresh temp file each time
          if (kind !== this.failed) this.x.log(`status cache: ${err instanceof Error ? err.message : String(err)} (aura status reads the run instead)`);
          this.failed = kind;
        },
      );
    return this.chain;
  }
}
