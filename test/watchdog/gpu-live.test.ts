// The watchdog against a fake nvidia-smi (test/watchdog/fixtures/nvidia-smi) on PATH, with real
// worker processes: host-PID filtering, grandchildren, a hanging driver, a missing binary, pmon.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readStat } from '../../src/proc/index.js';
import { GIB } from '../../src/watchdog/limits.js';
import type { KillVerdict } from '../../src/watchdog/verdict.js';
import { Watchdog } from '../../src/watchdog/watchdog.js';
import { config, descendants, FIXTURES, hogScript, killGroup, sleep, startMarked, waitFor } from './helpers.js';

const UUID = 'GPU-c4dd6ed1-a6a9-9421-b6b4-4cdf657c919e';

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-wd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fakeEnv(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: `${FIXTURES}:${process.env.PATH}`, FAKE_NVSMI_APPS: path.join(dir, 'apps'), FAKE_NVSMI_LOG: path.join(dir, 'log'), FAKE_NVSMI_PMON: path.join(dir, 'pmon'), ...extra };
}

/** A worker whose GPU user is a grandchild: sh → sh → sleep. */
async function grandchildWorker(t: { after(fn: () => void): void }) {
  const w = startMarked(t, ['sh', '-c', 'sh -c "sleep 30; true" & wait']);
  const gc = await waitFor(async () => (await descendants(w.ref.pid)).find((d) => d.depth === 2 && d.comm === 'sleep'), 'the grandchild');
  return { ...w, grandchild: gc.pid };
}

test('GPU memory of a GRANDCHILD of a tracked worker counts → kill; a pid not ours → nothing', async (t) => {
  const dir = scratch(t);
  const kills: Array<{ task: string; v: KillVerdict }> = [];
  const wd = new Watchdog({ config: config({ AURA_WORKER_MAX_GPU_MEMORY_GB: 2 }), env: fakeEnv(dir), onKill: (task, v) => kills.push({ task, v }) });
  t.after(() => wd.close());
  const ours = await grandchildWorker(t);
  const other = startMarked(t, ['sleep', '30']);
  wd.track('ours', ours.marker, ours.ref);
  wd.track('other', other.marker, other.ref);
  // This test runner's own pid stands for another user's process on the GPU (host PIDs, §4.6).
  writeFileSync(path.join(dir, 'apps'), `${process.pid}, ${UUID}, 9000\n${ours.grandchild}, ${UUID}, 3000\n`);
  wd.start();
  const kill = await waitFor(() => kills.find((k) => k.task === 'ours'), 'the GPU memory verdict', 5000);
  assert.equal(kill.v.limit, 'gpuMemBytes');
  assert.equal(kill.v.average, 3000 * 2 ** 20);
  assert.equal(kill.v.limitValue, 2 * GIB);
  assert.match(kill.v.message, /^GPU memory averaged 2\.9 GB over 0\.4 s against a 2 GB limit$/);
  await sleep(500);
  assert.deepEqual(kills.map((k) => k.task), ['ours'], 'the 9000 MiB process is not ours: nobody else is charged');
  const snap = wd.snapshot();
  assert.equal(snap.workers.find((w) => w.taskId === 'other')?.gpuMemBytes, 0);
  assert.ok(snap.gpu.status === 'ok' && snap.gpu.gpus[0]?.uuid === UUID);
  const log = readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n');
  assert.ok(log.length <= 2 * (snap.polls + 1), `2 nvidia-smi runs (1 spawn) per poll at most: ${log.length} runs, ${snap.polls} polls`);
});

test('a hanging nvidia-smi: polls finish on time, GPU shows unknown, the rhythm holds, the hung process is killed', async (t) => {
  const dir = scratch(t);
  const kills: string[] = [];
  const wd = new Watchdog({
    config: config({ AURA_WORKER_MAX_GPU_MEMORY_GB: 1, AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 60 / 1024 }),
    env: fakeEnv(dir, { FAKE_NVSMI_MODE: 'hang' }),
    gpuTimeoutMs: 1000,
    onKill: (task) => kills.push(task),
  });
  t.after(() => wd.close());
  const hog = startMarked(t, [process.execPath, '-e', hogScript(120, 400)]);
  wd.track('hog', hog.marker, hog.ref);
  wd.start();
  await sleep(2600);
  const snap = wd.snapshot();
  assert.equal(snap.gpu.status, 'unknown');
  const starts = wd.stats.starts;
  const gaps = starts.slice(1).map((s, i) => s - (starts[i] as number));
  t.diagnostic(`poll gaps ms: ${gaps.map((g) => g.toFixed(0)).join(' ')}; last poll ${snap.lastPollMs.toFixed(0)} ms; skipped ${snap.skipped}`);
  assert.ok(starts.length >= 10, `kept polling: ${starts.length} polls in 2.6 s`);
  assert.ok(gaps.every((g) => g > 120 && g < 450), 'every poll on its 200 ms beat');
  assert.equal(snap.skipped, 0, 'no poll overlapped another');
  assert.ok(snap.lastPollMs < 200, `a poll waits at most half its interval for nvidia-smi: ${snap.lastPollMs} ms`);
  assert.deepEqual(kills, ['hog'], 'RAM checks still act while GPU is unknown');
  assert.equal(snap.workers[0]?.strikesBy.gpuMemBytes, undefined, 'unknown GPU readings add no strikes');
  assert.ok(snap.notices.some((n) => /^nvidia-smi timed out after 1 s/.test(n)));
  // Each hung nvidia-smi was SIGKILLed with its group at the 1 s timeout: 2.6 s → at most 3 runs.
  const runs = readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n').length;
  assert.ok(runs >= 2 && runs <= 3, `one hung query at a time: ${runs}`);
});

test('no nvidia-smi on PATH: one notice, GPU off, CPU/RAM checks still work', async (t) => {
  const dir = scratch(t);
  const kills: string[] = [];
  const notices: string[] = [];
  const wd = new Watchdog({
    config: config({ AURA_WORKER_MAX_GPU_MEMORY_GB: 1, AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 60 / 1024 }),
    env: { PATH: dir },
    onKill: (task) => kills.push(task),
    onNotice: (m) => notices.push(m),
  });
  t.after(() => wd.close());
  const hog = startMarked(t, [process.execPath, '-e', hogScript(120, 400)]);
  wd.track('hog', hog.marker, hog.ref);
  wd.start();
  await waitFor(() => (kills.length > 0 ? true : null), 'the RAM verdict');
  await sleep(400);
  assert.deepEqual(notices, ['nvidia-smi not found: GPU limits inactive']);
  assert.deepEqual(wd.notices, ['nvidia-smi not found: GPU limits inactive']);
  assert.deepEqual(wd.snapshot().gpu, { status: 'off', reason: 'nvidia-smi not found: GPU limits inactive' });
});

for (const layout of ['new', 'old'] as const) {
  test(`GPU utilisation from a resident pmon (${layout} header layout): over the limit → kill`, async (t) => {
    const dir = scratch(t);
    const kills: Array<{ task: string; v: KillVerdict }> = [];
    const wd = new Watchdog({
      config: config({ AURA_WORKER_MAX_GPU_UTIL_PERCENT: 50 }),
      env: fakeEnv(dir, { FAKE_NVSMI_PMON_LAYOUT: layout }),
      onKill: (task, v) => kills.push({ task, v }),
    });
    t.after(() => wd.close());
    const w = await grandchildWorker(t);
    const quiet = startMarked(t, ['sleep', '30']);
    const row = layout === 'new' ? `    0 ${String(w.grandchild).padStart(10)}     C     90     20      -      -      -      -   3000      0    python         ` : `    0 ${String(w.grandchild).padStart(10)}     C    90    20     -     -  3000   python`;
    writeFileSync(path.join(dir, 'pmon'), `${row}\n    0 ${String(process.pid).padStart(10)}     C     99     20      -      -      -      -   3000      0    other\n`);
    wd.track('busy', w.marker, w.ref);
    wd.track('quiet', quiet.marker, quiet.ref);
    wd.start();
    const kill = await waitFor(() => kills.find((k) => k.task === 'busy'), 'the GPU util verdict', 6000);
    assert.equal(kill.v.limit, 'gpuUtilPercent');
    assert.equal(kill.v.average, 90);
    const quietView = wd.snapshot().workers.find((x) => x.taskId === 'quiet');
    assert.equal(quietView?.gpuUtilPercent, 0, 'pmon is fresh and quiet has no rows: 0, known');
    assert.deepEqual(kills.map((k) => k.task), ['busy']);
  });
}

test('close() is idempotent and stops the resident pmon', async (t) => {
  const dir = scratch(t);
  const wd = new Watchdog({ config: config({ AURA_WORKER_MAX_GPU_UTIL_PERCENT: 50 }), env: fakeEnv(dir), onKill: () => {} });
  const w = startMarked(t, ['sleep', '30']);
  wd.track('w', w.marker, w.ref);
  wd.start();
  await sleep(300);
  const pmon = (await descendants(process.pid)).find((d) => d.comm === 'nvidia-smi');
  assert.ok(pmon, 'pmon runs as a child');
  wd.close();
  wd.close();
  await waitFor(() => (readStat(pmon.pid) === null || readStat(pmon.pid)?.state === 'Z' ? true : null), 'pmon gone');
  killGroup(w.ref.pid);
});
