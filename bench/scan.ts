// 6. /proc scans. The daemon looks for a worker's processes with findByEnvMarker (readdir /proc, then
// /proc/<pid>/environ of every process, stat of the matches) on every stop, every worker exit
// (stopTree with grace 0: three scans) and every stall check; scanProcesses (stat of every process)
// is the plain pass. Both are timed with the machine as it is, then with 100 and with 1,000 extra
// processes alive: `sleep 600` children of this process, started in batches, half of them carrying
// the marker being searched for (so the match path, a stat read per hit, is exercised too). Every
// extra process carries BENCH_SCAN_FILLER=<id>: they are SIGKILLed in the finally below, and by the
// harness's marker sweep if the run dies first. Children of this process are reaped by Node, so no
// zombies are left behind. For reference, the same environ reads as a plain readFileSync loop (what
// the kernel side costs; the daemon cannot block its loop like that) are timed alongside.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findByEnvMarker, scanProcesses } from '../src/proc/index.js';
import { MARKER_KEY } from '../src/workers/tree-kill.js';
import { killMarkedSync, processCount, sleep, trackMarker, untrackMarker, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';
import { summarize } from './stats.js';

const FILLER_KEY = 'BENCH_SCAN_FILLER';
const LEVELS = [0, 100, 1000];
const BATCH = 50;
const TARGET = 'a few ms per 100';

interface Filler {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts `n` `sleep 600` children, `BATCH` at a time, every other one with the marker. */
async function addFillers(into: Filler[], n: number, env: { filler: string; marker: string }): Promise<void> {
  for (let done = 0; done < n; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - done) }, (_, i) => {
      const marked = (into.length + i) % 2 === 0;
      const child = spawn('sleep', ['600'], {
        env: { ...process.env, [FILLER_KEY]: env.filler, ...(marked ? { [MARKER_KEY]: env.marker } : {}) },
        stdio: 'ignore',
      });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const started = new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return { child, exited, started };
    });
    into.push(...batch.map(({ child, exited }) => ({ child, exited })));
    await Promise.all(batch.map((b) => b.started));
  }
}

async function killFillers(fillers: Filler[]): Promise<void> {
  for (const f of fillers) if (f.child.exitCode === null && f.child.signalCode === null) f.child.kill('SIGKILL');
  await withTimeout(Promise.all(fillers.map((f) => f.exited)), 10_000, `${fillers.length} sleep children to exit`);
}

const per100 = (ms: number[], procs: number) => ms.map((v) => (v / procs) * 100);

/** The reference: every environ read synchronously, one after another. */
function syncEnvironPass(): void {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      readFileSync(`/proc/${name}/environ`);
    } catch {
      // gone, or not ours to read
    }
  }
}

export async function benchScan(o: BenchOptions): Promise<Section> {
  const id = `bench-scan-${process.pid}-${Date.now()}`;
  const marker = `${id}:marked`;
  trackMarker(FILLER_KEY, id);
  const fillers: Filler[] = [];
  const rows: Row[] = [];
  const notes: string[] = [];
  const p50 = { env: new Map<number, number>(), stat: new Map<number, number>() };
  const counts = new Map<number, number>();
  try {
    for (const extra of LEVELS) {
      const t0 = performance.now();
      await addFillers(fillers, extra - fillers.length, { filler: id, marker });
      if (extra > 0) {
        // `spawn` fires once the child exists; its exec of sleep may lag a little behind.
        await withTimeout(
          (async () => {
            while ((await findByEnvMarker(FILLER_KEY, id)).filter((p) => p.comm === 'sleep').length < extra) await sleep(20);
          })(),
          15_000,
          `${extra} sleep children`,
        );
        notes.push(`+${extra}: started ${extra - (LEVELS[LEVELS.indexOf(extra) - 1] ?? 0)} sleep children in batches of ${BATCH} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      const procs = processCount();
      counts.set(extra, procs);
      const env: number[] = [];
      const stat: number[] = [];
      const sync: number[] = [];
      let found = -1;
      // One warm-up of each, then the scans interleaved so drift affects all alike.
      await findByEnvMarker(MARKER_KEY, marker);
      await scanProcesses();
      syncEnvironPass();
      for (let i = 0; i < o.trials; i++) {
        let t = performance.now();
        found = (await findByEnvMarker(MARKER_KEY, marker)).length;
        env.push(performance.now() - t);
        t = performance.now();
        await scanProcesses();
        stat.push(performance.now() - t);
        t = performance.now();
        syncEnvironPass();
        sync.push(performance.now() - t);
      }
      const want = Math.ceil(extra / 2);
      if (found !== want) notes.push(`+${extra}: the marker scan found ${found} processes, expected ${want}`);
      p50.env.set(extra, summarize(env).p50);
      p50.stat.set(extra, summarize(stat).p50);
      const tag = `${procs} procs (+${extra})`;
      rows.push(
        dist(`scan: findByEnvMarker, ${tag}`, env),
        dist('scan:   per 100 processes', per100(env, procs), TARGET),
        dist('scan:   reference: readFileSync environ loop, per 100', per100(sync, procs)),
        dist(`scan: scanProcesses, ${tag}`, stat),
        dist('scan:   per 100 processes', per100(stat, procs), TARGET),
      );
    }
  } finally {
    // Not thrown from here (it would hide the error that got us here); a /proc sweep is the backstop.
    await killFillers(fillers).catch((err: unknown) => {
      notes.push(`WARNING: ${err instanceof Error ? err.message : String(err)}; swept ${killMarkedSync(`${FILLER_KEY}=${id}`)} by marker`);
    });
    untrackMarker(FILLER_KEY, id);
  }
  const left = (await findByEnvMarker(FILLER_KEY, id)).filter((p) => p.state !== 'Z').length;
  if (left > 0) notes.push(`WARNING: ${left} filler processes still alive after the kill`);

  // The slope between the smallest and the largest level: what each extra process costs, without the
  // fixed part (readdir, promise set-up) that the per-scan average spreads over few processes.
  const lo = LEVELS[0]!;
  const hi = LEVELS[LEVELS.length - 1]!;
  const dProcs = counts.get(hi)! - counts.get(lo)!;
  const slope = (m: Map<number, number>) => (((m.get(hi)! - m.get(lo)!) / dProcs) * 100).toFixed(2);
  rows.push({
    label: `scan: marginal per 100 processes (p50, +${hi} vs +${lo})`,
    value: `findByEnvMarker ${slope(p50.env)} ms, scanProcesses ${slope(p50.stat)} ms`,
    target: TARGET,
  });
  notes.push(
    `${o.trials} scans of each kind per level; the extra processes carry this process's environment (typical size), half of them the marker searched for.`,
  );
  return { title: '6. /proc scans', rows, notes };
}
