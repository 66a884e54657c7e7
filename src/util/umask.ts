// aura's own files are private to their owner (.aura holds worker output, the journal, keys'
// neighbours): the daemon runs with umask 077. What it starts for the person (workers, verify
// commands, notification commands) gets the person's own umask back, so their files look as if the
// person had made them. The umask is process-wide state, so this module mirrors it, once.

let userMask: number | null = null;

/** From now on this process creates files 0600 and directories 0700; the person's umask is kept. */
export function makeFilesPrivate(): void {
  if (userMask === null) userMask = process.umask(0o077);
}

/** The umask the person started aura with (the process's own when aura never went private). */
export function userUmask(): number {
  if (userMask !== null) return userMask;
  const cur = process.umask(0o077);
  process.umask(cur);
  return cur;
}

/**
 * Runs a synchronous spawn under the person's umask: the child inherits it at fork, which happens
 * inside the call; aura's own umask is back before anything else runs on this thread.
 */
export function withUserUmask<T>(fn: () => T): T {
  if (userMask === null) return fn();
  const prev = process.umask(userMask);
  try {
    return fn();
  } finally {
    process.umask(prev);
  }
}
