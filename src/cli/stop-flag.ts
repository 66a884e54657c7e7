// When a command that runs until stopped (`aura status --watch`, `aura logs -f`) should stop: Ctrl-C,
// a TERM, or its reader going away. `aura status --watch | head -5` closes the pipe after five
// lines; the next write fails with EPIPE, which Node raises as an uncaught error and a stack trace.
// Like `tail -f | head`, the loop ends quietly instead (exit 0): nothing is left to read its output.
export interface StopFlag {
  readonly stopped: boolean;
  /** Takes the handlers back (call in finally). */
  dispose(): void;
}

export function stopFlag(out: NodeJS.WritableStream = process.stdout): StopFlag {
  const flag = { stopped: false };
  const stop = (): void => {
    flag.stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  out.on('error', stop); // EPIPE, or any failed write: the reader is gone
  return {
    get stopped() {
      return flag.stopped;
    },
    dispose() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // The listener stays: a write still queued may fail after the loop, and must not throw either.
    },
  };
}
