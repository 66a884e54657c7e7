// Many wake sources, one cycle at a time. A burst of wakes is one cycle; a wake that arrives during
// a cycle makes the next cycle run as soon as this one ends. Callers that need to know when "their"
// cycle starts (the acknowledgement `aura wake` prints) get a promise for it.

export interface CycleStart {
  cycle: number;
  reasons: string[];
  startedAt: Date;
}

export type RunCycle = (reasons: string[], started: (cycle: number) => void) => Promise<void>;

export class WakeQueue {
  private reasons: string[] = [];
  private waiters: Array<(c: CycleStart) => void> = [];
  private scheduled = false;
  private running = false;
  private closed = false;
  private atRestFns: Array<() => void> = [];

  constructor(
    private readonly runCycle: RunCycle,
    private readonly onCycleError: (err: unknown) => void,
  ) {}

  /** Resolves when the cycle that serves this wake starts. */
  wake(reason: string): Promise<CycleStart> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.wakeNoWait(reason);
    });
  }

  wakeNoWait(reason: string): void {
    if (this.closed) return;
    if (!this.reasons.includes(reason)) this.reasons.push(reason);
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => void this.drain());
  }

  get busy(): boolean {
    return this.running;
  }

  /**
   * Runs `fn` between cycles: now when none is running, else as soon as the running one ends, before
   * the next begins (synchronously, so no cycle can start in between). What it reads of the run is
   * then what the journal says, not a cycle's half-applied changes.
   */
  atRest(fn: () => void): void {
    if (this.running) this.atRestFns.push(fn);
    else fn();
  }

  /** Resolves once no cycle is running (used by shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.scheduled) await new Promise((r) => setTimeout(r, 10));
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    if (this.running) return;
    this.running = true;
    try {
      while (this.reasons.length > 0 && !this.closed) {
        const reasons = this.reasons;
        const waiters = this.waiters;
        this.reasons = [];
        this.waiters = [];
        let told = false;
        const started = (cycle: number) => {
          if (told) return;
          told = true;
          const c = { cycle, reasons, startedAt: new Date() };
          for (const w of waiters) w(c);
        };
        try {
          await this.runCycle(reasons, started);
        } catch (err) {
          this.onCycleError(err);
        } finally {
          started(-1); // a cycle that failed before it began still answers its callers
          const fns = this.atRestFns;
          this.atRestFns = [];
          for (const fn of fns) {
            try {
              fn();
            } catch (err) {
              this.onCycleError(err); // a reader's failure must not stop the cycles
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.closed = true;
  }
}
