// The runner's entry point, written to start the worker first: it imports nothing but Node's own
// modules, reads its spec, starts the worker, and only then loads the rest of the runner (output
// capping, the agent stream parsers, status records), whose time would otherwise come before the
// worker's. The worker's output waits in its pipes meanwhile. See runner.ts for what the runner does.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunnerSpec, Started } from './runner.js';

const specFile = process.argv[2];
if (!specFile) {
  process.stderr.write('usage: runner-main.js <attempt-dir>/runner.json\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunnerSpec;
const [cmd, ...args] = spec.argv;
// The worker gets the person's umask; the runner keeps aura's private one for its own files.
const own = spec.umask !== undefined ? process.umask(spec.umask) : null;
const child = spawn(cmd ?? '/bin/false', args, { cwd: spec.cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
// Slurm's "time limit is near" (SIGUSR2) must not end the runner before runner.ts takes it over;
// until then there are no records to flush.
process.on('SIGUSR2', () => undefined);

import('./runner.js')
  .then(({ supervise }) => supervise(spec, path.dirname(specFile), child, started))
  .then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`aura runner failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
