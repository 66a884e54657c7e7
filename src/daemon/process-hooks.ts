// The daemon's hold on process-wide events: SIGINT/SIGTERM/SIGHUP (first drains, second forces; one
// that comes while starting is remembered and honoured once the daemon can drain) and exceptions
// nothing caught (every worker is stopped before the process exits). close() gives them back.
export interface SignalTarget {
  mode(): 'starting' | 'running' | 'draining' | 'stopped';
  drain(why: string): void;
  force(sig: string): void;
  fatal(err: unknown): void;
}

export class ProcessHooks {
  private handlers: Array<[string, (...a: unknown[]) => void]> = [];
  /** A signal that came while starting: honoured as soon as the daemon runs. */
  pendingSignal: NodeJS.Signals | null = null;

  constructor(t: SignalTarget) {
    const onFatal = (err: unknown) => t.fatal(err);
    this.on('uncaughtException', onFatal);
    this.on('unhandledRejection', onFatal);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
      this.on(sig, () => {
        const mode = t.mode();
        if (mode === 'starting') this.pendingSignal ??= sig;
        else if (mode === 'draining') t.force(sig);
        else t.drain(`received ${sig}`);
      });
    }
  }

  private on(event: string, h: (...a: unknown[]) => void): void {
    process.on(event as NodeJS.Signals, h);
    this.handlers.push([event, h]);
  }

  close(): void {
    for (const [event, h] of this.handlers) process.off(event as NodeJS.Signals, h);
    this.handlers = [];
  }
}
