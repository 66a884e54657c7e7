// Real processes against the real /proc: a memory hog, a CPU burner, and processes that stay under.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findByEnvMarker } from '../../src/proc/index.js';
import { MIB } from '../../src/watchdog/limits.js';
import type { KillVerdict } from '../../src/watchdog/verdict.js';
import { Watchdog } from '../../src/watchdog/watchdog.js';
import { config, hogScript, killGroup, sleep, startMarked, waitFor } from './helpers.js';

const LIMIT_MB = 200;

test('a memory hog (~300 MB in 2 s) over a 200 MB limit is flagged soon after its average crosses; one under it is not', async (t) => {
  const kills: Array<{ task: string; v: KillVerdict; at: number }> = [];
  const wd = new Watchdog({
    config: config({ AURA_WORKER_MAX_SYSTEM_MEMORY_GB: LIMIT_MB / 1024 }),
    onKill: (task, v) => {
      kills.push({ task, v, at: performance.now() });
      if (task === 'hog') killGroup(hog.ref.pid);
    },
  });
  t.after(() => wd.close());
  // The hog runs under a shell, so the RSS is a tree's, not one process's.
  const hog = startMarked(t, ['sh', '-c', `${process.execPath} -e '${hogScript(300, 2000)}'; true`]);
  const calm = startMarked(t, [process.execPath, '-e', hogScript(50, 200)]);
  wd.track('hog', hog.marker, hog.ref);
  wd.track('calm', calm.marker, calm.ref);
  wd.start();

  // When the sampled window average went over the limit, seen from outside through snapshots.
  let crossedAt: number | null = null;
  const watch = setInterval(() => {
    const w = wd.snapshot().workers.find((x) => x.taskId === 'hog');
    if (crossedAt === null && w && (w.rssBytes ?? 0) > LIMIT_MB * MIB) crossedAt = performance.now();
  }, 20);
  t.after(() => clearInterval(watch));

  const kill = await waitFor(() => kills.find((k) => k.task === 'hog'), 'the hog verdict', 10_000);
  assert.ok(crossedAt !== null, 'the crossing was seen before the verdict');
  const latency = kill.at - crossedAt;
  t.diagnostic(`verdict ${latency.toFixed(0)} ms after the sampled RSS first crossed ${LIMIT_MB} MB (strikes 2 × poll 200 ms)`);
  assert.ok(latency >= 0 && latency < 3000, `verdict within 3 s of crossing, got ${latency} ms`);
  assert.equal(kill.v.limit, 'memBytes');
  assert.equal(kill.v.strikes, 2);
  assert.equal(kill.v.windowSeconds, 0.4);
  assert.ok(kill.v.average > LIMIT_MB * MIB);
  assert.match(kill.v.message, /^RSS averaged \d+(\.\d)? MB over 0\.4 s against a 200 MB limit$/);

  await sleep(600);
  assert.deepEqual(kills.map((k) => k.task), ['hog'], 'the calm worker was never flagged, the hog only once');
  const calmView = wd.snapshot().workers.find((w) => w.taskId === 'calm');
  assert.ok(calmView && (calmView.rssBytes ?? 0) > 40 * MIB && (calmView.rssBytes ?? 0) < LIMIT_MB * MIB);
  assert.equal(calmView.strikes, 0);
  assert.ok((calmView.peaks.memBytes ?? 0) > 40 * MIB);
  assert.ok(calmView.sparklines.rss.length > 3);
});

test('a CPU burner over a CPU ceiling is flagged; a sleeper is not', async (t) => {
  const kills: Array<{ task: string; v: KillVerdict }> = [];
  // A busy loop is one full CPU: 100 / ncpu percent of the machine. The ceiling sits well under it.
  const ceiling = 10;
  const wd = new Watchdog({
    config: config({ AURA_WORKER_MAX_CPU_PERCENT: ceiling }),
    onKill: (task, v) => {
      kills.push({ task, v });
      if (task === 'burn') killGroup(burn.ref.pid);
    },
  });
  t.after(() => wd.close());
  const burn = startMarked(t, [process.execPath, '-e', 'for(;;){}']);
  const idle = startMarked(t, ['sleep', '30']);
  wd.track('burn', burn.marker, burn.ref);
  wd.track('idle', idle.marker, idle.ref);
  wd.start();
  const kill = await waitFor(() => kills.find((k) => k.task === 'burn'), 'the burner verdict', 10_000);
  assert.equal(kill.v.limit, 'cpuPercent');
  assert.ok(kill.v.average > ceiling, `average ${kill.v.average}`);
  assert.match(kill.v.message, /^CPU averaged [\d.]+% of the machine over 0\.4 s against a 10% limit$/);
  await sleep(400);
  const idleView = wd.snapshot().workers.find((w) => w.taskId === 'idle');
  assert.ok(idleView && (idleView.cpuPercent ?? 1) < 5);
  assert.deepEqual(kills.map((k) => k.task), ['burn']);
});

test('CPU of short-lived children still counts (via cutime of the waiting parent)', async (t) => {
  // A shell running many 30 ms busy children: each exits between polls and is never seen itself.
  const wd = new Watchdog({ config: config({ AURA_WORKER_RESOURCE_POLL_SECONDS: 0.5, AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: 2 }), onKill: () => {} });
  t.after(() => wd.close());
  const script = `while :; do ${process.execPath} -e 'const e=Date.now()+30;while(Date.now()<e){}'; done`;
  const w = startMarked(t, ['sh', '-c', script]);
  wd.track('short', w.marker, w.ref);
  for (let i = 0; i < 6; i++) {
    await wd.poll();
    await sleep(500);
  }
  const v = wd.snapshot().workers[0];
  t.diagnostic(`short-lived children: ${v?.cpuPercent?.toFixed(1)}% of the machine, peak ${v?.peaks.cpuPercent?.toFixed(1)}%`);
  // Each child is a whole node start-up plus 30 ms of spinning: clearly busy, far from 0.
  assert.ok((v?.peaks.cpuPercent ?? 0) > 10, `peak ${v?.peaks.cpuPercent}`);
});

test('an escapee that left the group (setsid) and outlived its parent still counts, by its marker', async (t) => {
  const wd = new Watchdog({ config: config({}), onKill: () => {} });
  t.after(() => wd.close());
  // The root starts a setsid'd hog and exits at once: the hog is reparented, only the marker ties it.
  const w = startMarked(t, ['sh', '-c', `setsid ${process.execPath} -e '${hogScript(80, 100)}' >/dev/null 2>&1 &`]);
  wd.track('esc', w.marker, w.ref);
  await sleep(700);
  await wd.poll();
  const v = wd.snapshot().workers[0];
  t.after(async () => {
    for (const p of await findByEnvMarker('AURA_WORKER_MARKER', w.marker)) killGroup(p.pid);
  });
  assert.equal(v?.processes, 1, 'the root is gone, the escapee remains');
  assert.ok((v?.rssBytes ?? 0) > 70 * MIB, `escapee RSS ${v?.rssBytes}`);
});
