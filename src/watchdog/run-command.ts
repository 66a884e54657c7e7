// One short-lived command with a hard timeout that never blocks the caller's loop: async spawn, its
// own process group (so a shell's children die with it), SIGKILL to the group on timeout or abort.
import { spawn } from 'node:child_process';
import { errnoCode } from '../util/errors.js';

export type RunResult =
  | { status: 'exit'; code: number | null; signal: string | null; stdout: string; stderr: string }
  | { status: 'timeout' }
  | { status: 'missing' }
  | { status: 'error'; message: string };

export interface RunOptions {
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
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
      resolve({ status: 'error', message: 'aborted' });
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
    const child = spawn(cmd, args, { env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT) into.push(b);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    // Resolve at once on timeout, without waiting for 'close': a grandchild still holding the pipe
    // must not hold the poll.
    const timer = setTimeout(() => {
      killGroup(child.pid);
      finish({ status: 'timeout' });
    }, o.timeoutMs);
    const onAbort = () => {
      killGroup(child.pid);
      finish({ status: 'error', message: 'aborted' });
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      finish(errnoCode(e) === 'ENOENT' ? { status: 'missing' } : { status: 'error', message: e.message });
    });
    child.on('close', (code, signal) => {
      finish({
        status: 'exit',
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
