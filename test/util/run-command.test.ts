// The one short-command runner, with real /bin/sh processes: what each caller relies on (the
// watchdog's output, notify's stdin, bounded stderr and linger, the person's umask) and what every
// caller needs (the time limit and the abort kill the whole group).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readStat } from '../../src/proc/index.js';
import { runCommand, type RunOptions } from '../../src/util/run-command.js';
import { makeFilesPrivate } from '../../src/util/umask.js';

const env = { PATH: process.env.PATH };
const sh = (script: string, o: Partial<RunOptions> = {}) => runCommand(['/bin/sh', '-c', script], { env, timeoutMs: 10_000, ...o });

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-run-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Running (a zombie counts as dead: it is killed, only waiting for whoever reaps orphans). */
const alive = (pid: number) => {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z';
};

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** A background child the shell leaves behind (it writes its pid); kill() it, or the test's end does. */
function leftBehind(t: { after(fn: () => void): void }, dir: string): { script: string; pid(): number; kill(): void } {
  const file = path.join(dir, 'child.pid');
  const pid = () => Number(readFileSync(file, 'utf8'));
  t.after(() => {
    if (existsSync(file)) kill(pid());
  });
  return { script: `sleep 30 & echo $! > '${file}'`, pid, kill: () => kill(pid()) };
}

test('an exit answers with the code, the signal, stdout and stderr', async () => {
  assert.deepEqual(await sh('echo out; echo err >&2; exit 3'), { status: 'exit', code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
  assert.deepEqual(await sh('kill -TERM $$'), { status: 'exit', code: null, signal: 'SIGTERM', stdout: '', stderr: '' });
});

test('a command not found is missing; an empty argv and a signal aborted before the start are errors that start nothing', async () => {
  assert.deepEqual(await runCommand(['/nonexistent/nvidia-smi'], { env, timeoutMs: 1000 }), { status: 'missing' });
  const never = (() => assert.fail('nothing may start')) as unknown as RunOptions['spawn'];
  assert.deepEqual(await runCommand([], { env, timeoutMs: 1000, spawn: never }), { status: 'error', message: 'empty argv' });
  const ac = new AbortController();
  ac.abort();
  assert.deepEqual(await sh('true', { signal: ac.signal, spawn: never }), { status: 'error', message: 'aborted', aborted: true });
});

test('the time limit kills the whole process group and answers at once', async (t) => {
  const child = leftBehind(t, tempDir(t));
  const started = Date.now();
  assert.deepEqual(await sh(`${child.script}; wait`, { timeoutMs: 300 }), { status: 'timeout' });
  assert.ok(Date.now() - started < 2000, `answered after ${Date.now() - started} ms`);
  await until(() => !alive(child.pid()), 'the background child to die');
});

test('aborting kills the whole process group', async (t) => {
  const dir = tempDir(t);
  const child = leftBehind(t, dir);
  const ac = new AbortController();
  const run = sh(`${child.script}; wait`, { signal: ac.signal });
  await until(() => existsSync(path.join(dir, 'child.pid')) && readFileSync(path.join(dir, 'child.pid'), 'utf8').trim() !== '', 'the child pid');
  ac.abort();
  assert.deepEqual(await run, { status: 'error', message: 'aborted', aborted: true });
  await until(() => !alive(child.pid()), 'the background child to die');
});

test('input goes to stdin; a command that does not read it is fine', async () => {
  assert.deepEqual(await sh('cat', { input: 'hello\n' }), { status: 'exit', code: 0, signal: null, stdout: 'hello\n', stderr: '' });
  const r = await sh('exit 0', { input: 'x'.repeat(4 * 1024 * 1024) });
  assert.deepEqual(r, { status: 'exit', code: 0, signal: null, stdout: '', stderr: '' });
});

test("stdout 'ignore' reads none of it; stderrTail keeps only the end of stderr", async () => {
  const r = await sh('echo chatter; i=0; while [ $i -lt 100 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1', { stdout: 'ignore', stderrTail: 16 });
  assert.deepEqual(r, { status: 'exit', code: 1, signal: null, stdout: '', stderr: 'line 98\nline 99\n' });
});

test('lingerMs: a grandchild holding stderr does not hold the answer; without it the answer waits for the pipes', async (t) => {
  const dir = tempDir(t);
  const child = leftBehind(t, dir);
  let started = Date.now();
  const failed = await sh(`${child.script}; echo why >&2; exit 3`, { lingerMs: 100 });
  assert.deepEqual(failed, { status: 'exit', code: 3, signal: null, stdout: '', stderr: 'why\n' });
  assert.ok(Date.now() - started < 2000, `a failure answered after ${Date.now() - started} ms`);
  child.kill();
  started = Date.now();
  assert.equal((await sh(`${child.script}; exit 0`, { lingerMs: 5000 })).status, 'exit');
  assert.ok(Date.now() - started < 2000, `a success answered after ${Date.now() - started} ms`);
  child.kill();
  assert.deepEqual(await sh(`${child.script}; exit 0`, { timeoutMs: 300 }), { status: 'timeout' });
});

test('userUmask: started under the umask the person gave aura, not aura\'s private one', async () => {
  process.umask(0o022);
  makeFilesPrivate();
  const own = await sh('umask');
  const person = await sh('umask', { userUmask: true });
  assert.equal(own.status === 'exit' && own.stdout.trim(), '0077');
  assert.equal(person.status === 'exit' && person.stdout.trim(), '0022');
  assert.equal(process.umask(0o077), 0o077, "aura's own umask is back");
});
