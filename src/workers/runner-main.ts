// The runner's entry point, written to start the worker first: it imports nothing but Node's own
// modules, reads its spec, starts the worker, and only then loads the rest of the runner (output
// capping, the agent stream parsers, status records), whose time would otherwise come before the
// worker's. The worker's output waits in its pipes meanwhile. See runner.ts for what the runner does.
//
// Two ways in:
//   runner-main.js <attempt-dir>/runner.json   the worker's environment is the runner's own;
//   runner-main.js --standby                   a spare started ahead of need (standby.ts): it loads
//       the rest of the runner while it waits, then reads one hand-off from stdin, JSON
//       {"spec": "<attempt-dir>/runner.json", "env": {…}}, and starts the worker with that env.
//       stdin closed with nothing on it (aura stopped, or died) means: not needed, exit 0.
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunnerSpec, Started } from './runner.js';

export interface HandOff {
  spec: string;
  env: Record<string, string>;
}

function start(specFile: string, env: NodeJS.ProcessEnv): void {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunnerSpec;
  const [cmd, ...args] = spec.argv;
  // The worker gets the person's umask; the runner keeps aura's private one for its own files.
  const own = spec.umask !== undefined ? process.umask(spec.umask) : null;
  const child = spawn(cmd ?? '/bin/false', args, { cwd: spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (own !== null) process.umask(own);
  // Its first events and output may come before the rest of the runner is loaded: caught here and
  // handed over. (Output must be read at once: Node drains unread pipes when the child exits.)
  const started: Started = { spawned: false, error: null, exit: null, closed: null, early: { stdout: [], stderr: [] } };
  const early = {
    stdout: (c: Buffer) => started.early.stdout.push(c),
    stderr: (c: Buffer) => started.early.stderr.push(c),
  };
  child.stdout.on('data', early.stdout);
  child.stderr.on('data', early.stderr);
  started.stopEarly = () => {
    child.stdout.off('data', early.stdout);
    child.stderr.off('data', early.stderr);
  };
  child.once('spawn', () => (started.spawned = true));
  child.once('error', (err) => (started.error = err));
  child.once('exit', (code, signal) => (started.exit = { code, signal }));
  child.once('close', (code, signal) => (started.closed = { code, signal }));
  const forward = (sig: NodeJS.Signals) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as NodeJS.Signals[]) process.on(sig, forward(sig));

  const dir = path.dirname(specFile);
  import('./runner.js')
    .then(({ supervise }) => supervise(spec, dir, child, started))
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        const line = `aura runner failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
        process.stderr.write(line);
        // A spare's own stderr is shared by every spare; the attempt's runner.log is where a cold
        // runner's would be.
        if (standby) tryAppend(path.join(dir, 'runner.log'), line);
        process.exit(70);
      },
    );
}

function tryAppend(file: string, line: string): void {
  try {
    appendFileSync(file, line);
  } catch {
    // the attempt directory is gone; stderr has the line
  }
}

// Slurm's "time limit is near" (SIGUSR2) must not end the runner before runner.ts takes it over;
// until then there are no records to flush.
process.on('SIGUSR2', () => undefined);

const arg = process.argv[2];
const standby = arg === '--standby';
if (!arg) {
  process.stderr.write('usage: runner-main.js <attempt-dir>/runner.json | --standby\n');
  process.exit(2);
} else if (!standby) {
  start(arg, process.env);
} else {
  // Until the hand-off, a stop signal just ends the spare (nothing of a worker's to forward yet).
  const quit = () => process.exit(0);
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as NodeJS.Signals[]) process.on(sig, quit);
  // Loaded now, so the worker's start does not wait for it later; a failure shows after the start.
  void import('./runner.js').then((r) => r.preload()).catch(() => undefined);
  const chunks: Buffer[] = [];
  process.stdin.on('data', (c: Buffer) => chunks.push(c));
  process.stdin.on('error', quit);
  process.stdin.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    if (!text.trim()) quit();
    let h: HandOff;
    try {
      h = JSON.parse(text) as HandOff;
    } catch (err) {
      process.stderr.write(`aura runner: the hand-off on stdin is not JSON (${err instanceof Error ? err.message : String(err)}); exiting\n`);
      process.exit(2);
    }
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as NodeJS.Signals[]) process.off(sig, quit);
    start(h.spec, h.env);
  });
}
