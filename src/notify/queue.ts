// One transport's deliveries: one at a time, in order, with a bounded backlog. A slow or dead
// receiver must cost memory that is bounded, not grow for days: past `max` waiting, the oldest
// waiting delivery is dropped (the newest says the most about now).

export interface QueueHooks<T> {
  deliver(item: T): Promise<void>;
  /** A delivery failed (the queue goes on with the next). */
  failed(item: T, err: unknown): void;
  /** A waiting delivery was dropped to make room. */
  dropped(item: T): void;
}

export class DeliveryQueue<T> {
  private readonly waiting: T[] = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly hooks: QueueHooks<T>,
  ) {}

  /** Waiting plus in flight. */
  get size(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  push(item: T): void {
    if (this.waiting.length >= this.max) {
      const oldest = this.waiting.shift();
      if (oldest !== undefined) this.hooks.dropped(oldest);
    }
    this.waiting.push(item);
    if (!this.running) {
      this.running = true;
      // Start on a later turn of the event loop: spawning a process or opening a socket is not the
      // caller's cost, and the caller may be in the middle of a state change.
      setImmediate(() => void this.drain());
    }
  }

  /** Forget everything still waiting (the in-flight delivery is the caller's to abort); returns how many. */
  clear(): number {
    return this.waiting.splice(0).length;
  }

  /** Resolves once nothing is waiting or in flight. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async drain(): Promise<void> {
    for (let item = this.waiting.shift(); item !== undefined; item = this.waiting.shift()) {
      try {
        await this.hooks.deliver(item);
      } catch (err) {
        // Not swallowed: handed to the owner, which logs it with the transport and the reason.
        this.hooks.failed(item, err);
      }
    }
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
