// One short notifier process (the user's command, notify-send, osascript) with a hard time limit.
// It gets its own process group so that a shell's children die with it: a notify command that hangs
// must not leave anything behind in a daemon that runs for days.
import { spawn as nodeSpawn } from 'node:child_process';
import { withUserUmask } from '../util/umask.js';
import { errnoCode } from '../util/errors.js';
import { killGroup } from '../watchdog/run-command.js';
import { clip } from '../progress/format.js';

export type SpawnLike = typeof nodeSpawn;

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
export function runProcess(spawnFn: SpawnLike, file: string, args: readonly string[], o: RunOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (o.signal.aborted) {
      reject(new Error('aborted at shutdown'));
      return;
    }
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const child = withUserUmask(() => spawnFn(file, args, {
      env: o.env,
      // stdout is ignored: a notifier's chatter does not belong in the daemon's log.
      stdio: [o.input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
      detached: true,
    }));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      stderr = (stderr + s).slice(-STDERR_KEEP);
    });
    if (o.input !== undefined && child.stdin) {
      child.stdin.on('error', (err) => {
        // A command that does not read stdin (curl with the text from $AURA_EVENT_TEXT) closes the
        // pipe early: not a failure. Anything else is, and its exit status will say more.
        if (errnoCode(err) !== 'EPIPE') stderr += ` (stdin: ${err.message})`;
      });
      child.stdin.end(o.input);
    }
    const timer = setTimeout(() => {
      killGroup(child.pid);
      finish(new Error(`no exit within ${o.timeoutMs / 1000} s; killed it`));
    }, o.timeoutMs);
    const onAbort = () => {
      killGroup(child.pid);
      finish(new Error('aborted at shutdown'));
    };
    o.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      finish(new Error(errnoCode(err) === 'ENOENT' ? `${file} not found` : err.message));
    });
    child.on('exit', (code, sig) => {
      if (code === 0) {
        finish(null);
        return;
      }
      const how = sig ? `killed by ${sig}` : `exited with code ${code}`;
      const fail = () => finish(new Error(stderr.trim() === '' ? how : `${how}: ${clip(stderr, 200)}`));
      const linger = setTimeout(fail, STDERR_LINGER_MS);
      child.once('close', () => {
        clearTimeout(linger);
        fail();
      });
    });
  });
}
