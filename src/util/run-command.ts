// One short-lived command with a hard time limit that never blocks the caller's loop: the watchdog's
// nvidia-smi and cgroup probes, doctor's probes, the notifier's command and desktop notifier. Async
// spawn in its own process group (so a shell's children die with it), SIGKILL to the group on
// timeout or abort, output bounded: a command that hangs or floods must not leave anything behind in
// a daemon that runs for days, nor hold it up.
import { spawn as nodeSpawn } from 'node:child_process';
import { errnoCode } from './errors.js';
import { withUserUmask } from './umask.js';

export type SpawnLike = typeof nodeSpawn;

export type RunResult =
  | { status: 'exit'; code: number | null; signal: string | null; stdout: string; stderr: string }
  | { status: 'timeout' }
  | { status: 'missing' }
  /** `aborted`: the caller's signal stopped it (or it was aborted before it started). */
  | { status: 'error'; message: string; aborted?: true };

export interface RunOptions {
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** Aborting kills the group. */
  signal?: AbortSignal;
  /** Written to stdin, which is then closed; undefined: stdin is not even opened. */
  input?: string;
  /** 'ignore': stdout is not read at all; default 'collect'. */
  stdout?: 'collect' | 'ignore';
  /** Keep only the last this many characters of stderr; default: stderr shares stdout's cap (the first 1 MiB of both). */
  stderrTail?: number;
  /**
   * Answer at exit rather than once the pipes close: at once after exit 0, after at most this long
   * for the rest of stderr otherwise, so a grandchild that keeps a pipe open cannot hold the caller.
   * Unset: answer when the pipes close, with all the output (a held pipe runs into the time limit).
   */
  lingerMs?: number;
  /** Start it under the person's umask (what aura starts for them), not aura's private one. */
  userUmask?: boolean;
  /** Stands in for child_process.spawn. */
  spawn?: SpawnLike;
}

/** The shape tests inject instead of real processes. */
export type RunCommand = (argv: readonly string[], o: RunOptions) => Promise<RunResult>;

const MAX_OUTPUT = 1024 * 1024;

/** SIGKILL to a process group we started; a group already gone is fine. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (err) {
    // Already gone between the timer firing and the kill: nothing left to stop.
    if (errnoCode(err) !== 'ESRCH') throw err;
  }
}

export const runCommand: RunCommand = (argv, o) =>
  new Promise<RunResult>((resolve) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) {
      resolve({ status: 'error', message: 'empty argv' });
      return;
    }
    if (o.signal?.aborted) {
      resolve({ status: 'error', message: 'aborted', aborted: true });
      return;
    }
    let settled = false;
    const finish = (r: RunResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const spawnFn = o.spawn ?? nodeSpawn;
    const start = () =>
      spawnFn(cmd, args, {
        env: o.env,
        stdio: [o.input === undefined ? 'ignore' : 'pipe', o.stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
        detached: true,
      });
    const child = o.userUmask ? withUserUmask(start) : start();
    const out: Buffer[] = [];
    const errHead: Buffer[] = [];
    let errTail = '';
    let size = 0;
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT) into.push(b);
    };
    child.stdout?.on('data', collect(out));
    const keep = o.stderrTail;
    if (keep === undefined) child.stderr?.on('data', collect(errHead));
    else {
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (s: string) => {
        errTail = (errTail + s).slice(-keep);
      });
    }
    if (o.input !== undefined && child.stdin) {
      child.stdin.on('error', (err) => {
        // A command that does not read stdin (curl with the text from $AURA_EVENT_TEXT) closes the
        // pipe early: not a failure. Anything else is, and its exit status will say more.
        if (errnoCode(err) !== 'EPIPE') errTail += ` (stdin: ${err.message})`;
      });
      child.stdin.end(o.input);
    }
    const exited = (code: number | null, signal: string | null): RunResult => ({
      status: 'exit',
      code,
      signal,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(errHead).toString('utf8') + errTail,
    });
    // Answer at once on timeout, without waiting for 'close': a grandchild still holding the pipe
    // must not hold the caller.
    const timer = setTimeout(() => {
      killGroup(child.pid);
      finish({ status: 'timeout' });
    }, o.timeoutMs);
    const onAbort = () => {
      killGroup(child.pid);
      finish({ status: 'error', message: 'aborted', aborted: true });
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      finish(errnoCode(e) === 'ENOENT' ? { status: 'missing' } : { status: 'error', message: e.message });
    });
    const linger = o.lingerMs;
    if (linger === undefined) {
      child.on('close', (code, signal) => finish(exited(code, signal)));
      return;
    }
    child.on('exit', (code, signal) => {
      if (code === 0) {
        finish(exited(code, signal));
        return;
      }
      const late = setTimeout(() => finish(exited(code, signal)), linger);
      child.once('close', () => {
        clearTimeout(late);
        finish(exited(code, signal));
      });
    });
  });
