// One lock per repository for the git commands that race with each other: `git worktree add` (it
// takes .git/config.lock and writes .git/worktrees/), aura's commits, rebases and merges. One daemon
// holds a project, so an in-process queue is enough; git's own lock files still guard against the
// person's git running at the same moment (a command that finds one fails, and aura tries later).
export class GitLock {
  private tail: Promise<unknown> = Promise.resolve();
  private held = 0;

  /** Runs fn once every earlier holder is done; the lock is free again when fn settles. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      this.held++;
      try {
        return await fn();
      } finally {
        this.held--;
      }
    });
    // A failed holder must not wedge the queue.
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Whether something holds or waits for the lock (for tests and the bench). */
  get busy(): boolean {
    return this.held > 0;
  }
}

/** The daemon's git: one lock for the project's repository, and what it has said once already. */
export interface GitPort {
  lock: GitLock;
  said: Set<string>;
}

export function newGitPort(): GitPort {
  return { lock: new GitLock(), said: new Set() };
}
