// progress.md and the summaries, written as often as they are worth: progress.md at most every
// RENDER_MIN_MS and at most 1/20 of the time (a large tree costs more to render; a render asked for
// sooner is done when its time comes), summaries for the tasks that just ended (a restart checks every
// finished task once), the final report once the goal is done; the status cache (status-cache-keeper.ts)
// between every two cycles whatever progress.md's pace, and at once when stopping.
import { performance } from 'node:perf_hooks';
import { renderDelayMs } from '../core/snapshot-policy.js';
import type { NotableEvents } from '../summaries/task-summary.js';
import { writeSummaries } from '../summaries/write.js';
import type { CycleCtx } from './cycle-ctx.js';
import { renderProgress, type DaemonInfoFn } from './render.js';
import { StatusCacheKeeper, type AtRest } from './status-cache-keeper.js';

export class Renderer {
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  private lastCostMs = 0;
  private summariesChecked = false;
  private readonly cache: StatusCacheKeeper;

  constructor(
    private readonly x: CycleCtx,
    private readonly daemonInfo: DaemonInfoFn,
    atRest: AtRest,
    private readonly notable?: NotableEvents,
  ) {
    this.cache = new StatusCacheKeeper(x, atRest);
  }

  /** `force`: now, whatever the pace (stopping: the status cache is written too, after the last save). */
  async render(o: { force?: boolean } = {}): Promise<void> {
    const x = this.x;
    // The status cache follows every commit (committed()) and every cycle, not progress.md's pace: a
    // daemon killed at any moment then nearly always leaves one that holds.
    if (!o.force) this.cache.soon();
    const wait = o.force ? 0 : renderDelayMs(x.clock.now().getTime() - this.lastAt, this.lastCostMs);
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = null;
        void this.render().catch((err: unknown) => x.log(`progress.md: ${err instanceof Error ? err.message : String(err)}`));
      }, wait).unref();
      return;
    }
    this.cancel();
    const t0 = performance.now();
    const info = this.daemonInfo();
    const note = x.notes.text();
    // From the status index: what changed since the last render, not the whole run, is looked at.
    await renderProgress(x.layout, x.book.viewFacts(), note ? { ...info, note } : info);
    this.lastCostMs = performance.now() - t0;
    this.lastAt = x.clock.now().getTime();
    if (o.force) this.cache.now();
    const b = x.book;
    if (b.summariesDue.size || !this.summariesChecked || b.state.doneAt) {
      const only = this.summariesChecked ? b.summariesDue : undefined;
      this.summariesChecked = true;
      b.summariesDue = new Set();
      const r = await writeSummaries(x.layout, b.state, only, this.notable);
      for (const e of r.errors) x.log(`summaries: ${e}`);
    }
  }

  /** The journal or state.json just moved, with memory no further ahead: the status cache is taken now. */
  committed(): void {
    this.cache.now();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
