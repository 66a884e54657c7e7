// The spare runner (src/workers/standby.ts, runner-main --standby), with real processes: what it
// hands the worker, what it keeps for itself, and that it never outlives the daemon that started it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { RunnerStandby, type Spare } from '../../src/workers/standby.js';
import { MARKER_KEY, RUN_KEY } from '../../src/workers/tree-kill.js';
import { isAlive, pidsWithEnv, REPO, waitFor } from '../helpers/aura.js';

const RUNNER = path.join(REPO, 'dist', 'workers', 'runner-main.js');
const dirs: string[] = [];
const standbys: RunnerStandby[] = [];
// The standby unrefs its spares (a daemon never waits for one): something must keep this test alive.
const keepAlive = setInterval(() => undefined, 1000);
after(async () => {
  clearInterval(keepAlive);
  await Promise.all(standbys.map((s) => s.close()));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function setup(env: NodeJS.ProcessEnv = process.env): { dir: string; runId: string; standby: RunnerStandby } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-standby-'));
  dirs.push(dir);
  const runId = `standby-test-${process.pid}-${dirs.length}`;
  const standby = new RunnerStandby({ runner: RUNNER, cwd: dir, logFile: path.join(dir, 'logs', 'runner-standby.log'), runId: () => runId, env, closeGraceMs: 2000 });
  standbys.push(standby);
  return { dir, runId, standby };
}

/** Primes and waits until a spare can be taken. */
async function takeOne(standby: RunnerStandby): Promise<Spare> {
  standby.prime();
  let spare: Spare | null = null;
  await waitFor('a spare runner', () => (spare = standby.take()) !== null, 10_000);
  return spare!;
}

function attemptDir(dir: string, script: string): string {
  const a = path.join(dir, 'attempt-1');
  mkdirSync(a, { recursive: true });
  writeFileSync(path.join(a, 'runner.json'), JSON.stringify({ argv: ['/bin/sh', '-c', script], cwd: dir, backend: 'shell', capBytes: 1 << 20 }));
  return a;
}

function environ(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
}

const gone = (pid: number): boolean => !isAlive(pid);

describe('spare runner', () => {
  test('handed an attempt, it runs the worker with the attempt\'s environment and its own marker, and records the end', async () => {
    const { dir, runId, standby } = setup({ ...process.env, DAEMON_SECRET: 'not for the spare' });
    const spare = await takeOne(standby);
    assert.match(spare.marker, new RegExp(`^${runId}:`));
    const a = attemptDir(dir, 'echo "$GIVEN" > "$OUT"; tr "\\0" "\\n" < /proc/$$/environ > env.txt; exit 3');
    const spawned = await spare.handOff(path.join(a, 'runner.json'), { PATH: process.env.PATH!, GIVEN: 'from the hand-off', OUT: path.join(dir, 'given.txt') });
    // The runner is the spare itself: its marker was there from birth; the daemon's secrets were not.
    const own = environ(spawned.ref.pid);
    assert.ok(own.includes(`${MARKER_KEY}=${spare.marker}`));
    assert.ok(own.includes(`${RUN_KEY}=${runId}`));
    assert.ok(!own.some((e) => e.startsWith('DAEMON_SECRET=')), 'the spare keeps only a few of the daemon\'s variables');
    const exit = await spawned.exited;
    assert.equal(exit.code, 3);
    assert.equal(readFileSync(path.join(dir, 'given.txt'), 'utf8'), 'from the hand-off\n');
    const workerEnv = readFileSync(path.join(dir, 'env.txt'), 'utf8').split('\n');
    assert.ok(workerEnv.includes(`${MARKER_KEY}=${spare.marker}`), 'the worker carries the marker');
    assert.ok(workerEnv.includes(`${RUN_KEY}=${runId}`));
    assert.ok(!workerEnv.some((e) => e.startsWith('DAEMON_SECRET=')), 'the worker gets the hand-off\'s environment, nothing else');
    const record = JSON.parse(readFileSync(path.join(a, 'exit.json'), 'utf8')) as { code: number };
    assert.equal(record.code, 3);
  });

  test('a spare never handed work exits when released, and leaves nothing behind', async () => {
    const { runId, standby, dir } = setup();
    standby.prime();
    await waitFor('the spare running', () => pidsWithEnv(`${RUN_KEY}=${runId}`).length === 1, 10_000);
    await standby.release();
    await waitFor('the spare gone', () => pidsWithEnv(`${RUN_KEY}=${runId}`).length === 0, 5_000);
    assert.ok(!existsSync(path.join(dir, 'attempt-1')));
  });

  test('a spare exits when the daemon that started it is killed (its stdin closes)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-standby-daemon-'));
    dirs.push(dir);
    const runId = `standby-orphan-${process.pid}`;
    const script = `
      import { RunnerStandby } from ${JSON.stringify(path.join(REPO, 'dist', 'workers', 'standby.js'))};
      const s = new RunnerStandby({ runner: ${JSON.stringify(RUNNER)}, cwd: ${JSON.stringify(dir)}, logFile: ${JSON.stringify(path.join(dir, 'spare.log'))}, runId: () => ${JSON.stringify(runId)}, env: process.env });
      s.prime();
      setInterval(() => {}, 1000);
    `;
    const daemon = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
    try {
      let spares: number[] = [];
      await waitFor('the spare running', () => (spares = pidsWithEnv(`${RUN_KEY}=${runId}`)).length === 1, 10_000);
      daemon.kill('SIGKILL');
      await waitFor('the spare gone with its daemon', () => spares.every(gone), 10_000);
    } finally {
      daemon.kill('SIGKILL');
      for (const pid of pidsWithEnv(`${RUN_KEY}=${runId}`)) process.kill(pid, 'SIGKILL');
    }
  });

  test('priming again while a spare is still starting starts no second one', async () => {
    const { runId, standby } = setup();
    standby.prime();
    standby.prime(); // same tick: the first is not yet past its own start
    await new Promise((r) => setTimeout(r, 50));
    standby.prime();
    await waitFor('the spare running', () => pidsWithEnv(`${RUN_KEY}=${runId}`).length >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pidsWithEnv(`${RUN_KEY}=${runId}`).length, 1);
    await standby.release();
    assert.equal(pidsWithEnv(`${RUN_KEY}=${runId}`).length, 0, 'release() waits until it is gone');
  });

  test('a log directory that cannot be made means no spare, not an error', async () => {
    const { dir } = setup();
    writeFileSync(path.join(dir, 'not-a-dir'), '');
    const standby = new RunnerStandby({ runner: RUNNER, cwd: dir, logFile: path.join(dir, 'not-a-dir', 'runner-standby.log'), runId: () => 'no-log', env: process.env });
    standbys.push(standby);
    assert.doesNotThrow(() => standby.prime());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(standby.take(), null);
  });

  test('a spare killed by someone else is not handed out; the next prime starts another', async () => {
    const { runId, standby } = setup();
    standby.prime();
    let pids: number[] = [];
    await waitFor('the spare running', () => (pids = pidsWithEnv(`${RUN_KEY}=${runId}`)).length === 1, 10_000);
    process.kill(pids[0]!, 'SIGKILL');
    // Waited for without yielding, so Node has not yet seen the exit: the standby must tell from the
    // process itself, as a daemon busy with a cycle would have to (CI once hung here on exactly that).
    const until = Date.now() + 5_000;
    while (!gone(pids[0]!) && Date.now() < until);
    assert.ok(gone(pids[0]!), 'the spare is gone');
    assert.equal(standby.take(), null);
    const next = await takeOne(standby);
    assert.notEqual(pidsWithEnv(`${MARKER_KEY}=${next.marker}`)[0], pids[0]);
    next.dismiss();
  });

  test('a hand-off to a spare that died after it was taken fails, so the caller can start a runner itself', async () => {
    const { dir, runId, standby } = setup();
    const spare = await takeOne(standby);
    const [pid] = pidsWithEnv(`${MARKER_KEY}=${spare.marker}`);
    assert.ok(pid, 'the spare carries its marker');
    process.kill(pid, 'SIGKILL');
    // Reaped, not only a zombie: a killed process's other threads may hold its pipe a moment longer.
    await waitFor('the spare reaped', () => !existsSync(`/proc/${pid}`), 5_000);
    const a = attemptDir(dir, 'exit 0');
    await assert.rejects(spare.handOff(path.join(a, 'runner.json'), { PATH: process.env.PATH! }));
    assert.equal(pidsWithEnv(`${RUN_KEY}=${runId}`).length, 0);
  });

  test('the runner in standby mode refuses a hand-off that is not JSON, and says so', async () => {
    const child = spawn(process.execPath, [RUNNER, '--standby'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end('{"spec": ');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 2);
    assert.match(err, /hand-off on stdin is not JSON/);
  });
});
