// `node --import tsx bench/watchdog-sampling.ts [--seconds 60]`
//
// What the resource watchdog's sampling costs the daemon: 2 workers × 50 processes each, one poll a
// second (the /proc pass, meminfo, attribution, windows, verdicts), measured as CPU time of this
// process per minute of polling. Also: the same poll back-to-back (per-poll cost without timer
// noise), environ reads after the first poll (should be 0: cached per process lifetime), and the
// per-poll cost of the one nvidia-smi spawn, with the fake nvidia-smi from test/watchdog/fixtures
// (the real one adds its own ~10–20 ms of driver time, INTERFACES §4.5, in the child, not here).
// Printed, never asserted. Standalone: not part of `npm run bench`.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config/schema.js';
import { GpuSampler } from '../src/watchdog/gpu.js';
import { runCommand } from '../src/watchdog/run-command.js';
import { TreeSampler } from '../src/watchdog/tree-sample.js';
import { Watchdog } from '../src/watchdog/watchdog.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] ?? 60) || 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function worker(i: number): ChildProcess {
  // A shell with 49 sleeping children: 50 processes carrying the marker.
  return spawn('sh', ['-c', 'for i in $(seq 49); do sleep 600 & done; wait'], {
    env: { PATH: process.env.PATH, AURA_WORKER_MARKER: `bench:W${i}:1` },
    stdio: 'ignore',
    detached: true,
  });
}

async function main(): Promise<void> {
  const kids = [worker(1), worker(2)];
  const cleanup = () => kids.forEach((k) => k.pid && process.kill(-k.pid, 'SIGKILL'));
  process.on('exit', cleanup);
  await sleep(500);
  const procs = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;

  const tree = new TreeSampler();
  const cfg = { ...defaultConfig(), AURA_WORKER_RESOURCE_POLL_SECONDS: 1, AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 100, AURA_WORKER_MAX_CPU_PERCENT: 90 };
  const wd = new Watchdog({ config: cfg, onKill: () => {}, tree });
  kids.forEach((k, i) => wd.track(`W${i + 1}`, `bench:W${i + 1}:1`, { pid: k.pid as number, startTicks: null }));

  await wd.poll();
  const reads0 = tree.environReads;
  const per: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = cpuMs();
    await wd.poll();
    per.push(cpuMs() - c);
  }
  per.sort((a, b) => a - b);
  const mean = per.reduce((a, b) => a + b, 0) / per.length;
  const p95 = per[Math.ceil(per.length * 0.95) - 1] as number;
  const counts = wd.snapshot().workers.map((w) => w.processes);

  // The real thing: the timer at 1 Hz for `seconds`, CPU of this (otherwise idle) process.
  const c0 = cpuMs();
  wd.start();
  await sleep(seconds * 1000);
  wd.close();
  const perMinute = ((cpuMs() - c0) / seconds) * 60;

  // One nvidia-smi spawn per poll (fake binary): daemon-side CPU and wall per query.
  const gpu = new GpuSampler({ clock: { now: () => performance.now() }, notice: () => {}, env: { PATH: `${ROOT}/test/watchdog/fixtures:${process.env.PATH}` } });
  const g: Array<{ cpu: number; wall: number }> = [];
  for (let i = 0; i < 30; i++) {
    const c = cpuMs();
    const t = performance.now();
    const r = await gpu.sample(3000);
    if (r.status !== 'ok') throw new Error(`fake nvidia-smi: ${JSON.stringify(r)}`);
    g.push({ cpu: cpuMs() - c, wall: performance.now() - t });
  }
  const gMean = (k: 'cpu' | 'wall') => g.reduce((a, b) => a + b[k], 0) / g.length;
  // The alternative the comment in gpu.ts weighs: two spawns from the daemon per poll.
  const fakeEnv = { PATH: `${ROOT}/test/watchdog/fixtures:${process.env.PATH}` };
  const two: Array<{ cpu: number; wall: number }> = [];
  for (let i = 0; i < 30; i++) {
    const c = cpuMs();
    const t = performance.now();
    await runCommand(['nvidia-smi', '--query-gpu=index,uuid', '--format=csv,noheader,nounits'], { timeoutMs: 3000, env: fakeEnv });
    await runCommand(['nvidia-smi', '--query-compute-apps=pid,gpu_uuid,used_gpu_memory', '--format=csv,noheader,nounits'], { timeoutMs: 3000, env: fakeEnv });
    two.push({ cpu: cpuMs() - c, wall: performance.now() - t });
  }
  const tMean = (k: 'cpu' | 'wall') => two.reduce((a, b) => a + b[k], 0) / two.length;

  console.log(`machine: ${procs} processes in /proc; workers: ${counts.join(' + ')} processes tracked`);
  console.log(`poll (back-to-back ×200): mean ${mean.toFixed(2)} ms CPU, p95 ${p95.toFixed(2)} ms`);
  console.log(`environ reads after the first poll: ${tree.environReads - reads0} (first poll: ${reads0})`);
  console.log(`1 Hz for ${seconds} s: ${perMinute.toFixed(0)} ms CPU per minute (${(perMinute / 600).toFixed(2)}% of one core; timer + GC included)`);
  console.log(`nvidia-smi query (fake, one sh spawn, 2 runs): ${gMean('cpu').toFixed(2)} ms daemon CPU, ${gMean('wall').toFixed(1)} ms wall per poll`);
  console.log(`  vs two spawns from the daemon:          ${tMean('cpu').toFixed(2)} ms daemon CPU, ${tMean('wall').toFixed(1)} ms wall per poll`);
  cleanup();
}

await main();
