// One notifier process (the user's command, notify-send, osascript) as a delivery: resolves on exit 0,
// rejects with the reason in words otherwise. The running is util/run-command.ts (own process group,
// hard time limit: a notify command that hangs must not leave anything behind in a daemon that runs
// for days); what is particular to notifying is chosen here.
import { clip } from '../progress/format.js';
import { runCommand, type SpawnLike } from '../util/run-command.js';

export type { SpawnLike };

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed; undefined leaves stdin empty. */
  input?: string;
  timeoutMs: number;
  /** Aborting kills the group (the Notifier aborts what is still running when close() gives up). */
  signal: AbortSignal;
}

const STDERR_KEEP = 4096;
// After a failing exit, how long to wait for the rest of stderr (for the log line). Short, because a
// grandchild that keeps the pipe open must not hold the delivery.
const STDERR_LINGER_MS = 200;

/** Resolves when the process exits 0; rejects with an Error whose message is the reason in words. */
export async function runProcess(spawnFn: SpawnLike, file: string, args: readonly string[], o: RunOptions): Promise<void> {
  const r = await runCommand([file, ...args], {
    ...o,
    spawn: spawnFn,
    // A notifier's chatter does not belong in the daemon's log; its stderr explains a failure.
    stdout: 'ignore',
    stderrTail: STDERR_KEEP,
    lingerMs: STDERR_LINGER_MS,
    // What it writes (a command's own log, say) is the person's, made with their umask.
    userUmask: true,
  });
  switch (r.status) {
    case 'exit': {
      if (r.code === 0) return;
      const how = r.signal ? `killed by ${r.signal}` : `exited with code ${r.code}`;
      throw new Error(r.stderr.trim() === '' ? how : `${how}: ${clip(r.stderr, 200)}`);
    }
    case 'timeout':
      throw new Error(`no exit within ${o.timeoutMs / 1000} s; killed it`);
    case 'missing':
      throw new Error(`${file} not found`);
    case 'error':
      throw new Error(r.aborted ? 'aborted at shutdown' : r.message);
  }
}
