// 7. Stopping a worker tree: stopTree (SIGTERM, grace, SIGKILL to everything carrying the marker,
// final scan) on trees started with spawnMarked, as the daemon starts workers:
//   well-behaved  `sh -c 'sleep 600 & sleep 600 & wait'`, grace 5 s: everything dies on SIGTERM;
//   stubborn      the shell ignores SIGTERM (so do its children: an ignored signal stays ignored
//                 across exec) and starts a setsid grandchild that ignores it as well, grace 1 s and
//                 3 s: the figure is the grace plus the SIGKILL sweep.
// Latency runs from the first SIGTERM stopTree sends to its return, i.e. "no marker left" (its last
// scan came back empty); process.kill is wrapped for the duration of the call to timestamp the first
// SIGTERM and the first SIGKILL. The stopTree call as a whole (with the scan before the first
// signal) is shown too. After each trial an independent scan checks that nothing marked is alive.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { findByEnvMarker, type ProcInfo } from '../src/proc/index.js';
import { MARKER_KEY, stopTree } from '../src/workers/tree-kill.js';
import { spawnMarked } from '../src/workers/spawn.js';
import { killMarkedSync, removeTempDir, sleep, tempDir, trackMarker, untrackMarker, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';

interface Case {
  key: string;
  label: string;
  argv: string[];
  graceMs: number;
  trials: number;
  /** The tree is fully up (traps set, children started). */
  ready: (live: ProcInfo[], rootPid: number) => boolean;
}

interface Trial {
  termToGone: number;
  killToGone: number | null;
  callMs: number;
  forced: boolean;
  survivors: number;
  /** Live marked processes an independent scan found after stopTree returned. */
  leftAfter: number;
  processes: number;
}

const sleeps = (live: ProcInfo[]) => live.filter((p) => p.comm === 'sleep').length;

const STUBBORN = `trap "" TERM; setsid sh -c "trap \\"\\" TERM; sleep 600" & sleep 600`;

/** Timestamps of the first use of each signal through process.kill, until restore(). */
function recordSignals(): { first: Map<string, number>; restore: () => void } {
  const first = new Map<string, number>();
  const original = process.kill;
  process.kill = ((pid: number, signal?: string | number) => {
    const name = String(signal ?? 'SIGTERM');
    if (!first.has(name)) first.set(name, performance.now());
    return original.call(process, pid, signal);
  }) as typeof process.kill;
  return { first, restore: () => void (process.kill = original) };
}

async function live(marker: string): Promise<ProcInfo[]> {
  return (await findByEnvMarker(MARKER_KEY, marker)).filter((p) => p.state !== 'Z');
}

async function trial(c: Case, dir: string, i: number): Promise<Trial> {
  const marker = `bench-stop-${process.pid}-${c.key}-${i}`;
  trackMarker(MARKER_KEY, marker);
  try {
    const s = await spawnMarked({
      argv: c.argv,
      cwd: dir,
      env: { PATH: process.env.PATH },
      stdoutFile: path.join(dir, 'output'),
      stderrFile: path.join(dir, 'output'),
      marker,
      runId: `bench-stop-${i}`,
    });
    let procs: ProcInfo[] = [];
    await withTimeout(
      (async () => {
        while (!c.ready((procs = await live(marker)), s.ref.pid)) await sleep(10);
      })(),
      5_000,
      `the ${c.key} tree to start`,
    );
    const sig = recordSignals();
    const t0 = performance.now();
    let r;
    try {
      r = await stopTree(s.ref, marker, { graceMs: c.graceMs });
    } finally {
      sig.restore();
    }
    const t1 = performance.now();
    const term = sig.first.get('SIGTERM');
    if (term === undefined) throw new Error(`stopTree sent no SIGTERM to the ${c.key} tree`);
    const kill = sig.first.get('SIGKILL');
    const leftAfter = (await live(marker)).length;
    await withTimeout(s.exited, 2_000, 'the root to be reaped').catch(() => undefined);
    return {
      termToGone: t1 - term,
      killToGone: kill === undefined ? null : t1 - kill,
      callMs: t1 - t0,
      forced: r.forced,
      survivors: r.survivors.length,
      leftAfter,
      processes: procs.length,
    };
  } finally {
    killMarkedSync(`${MARKER_KEY}=${marker}`); // finds nothing unless the trial failed
    untrackMarker(MARKER_KEY, marker);
  }
}

export async function benchStop(o: BenchOptions): Promise<Section> {
  // Each stubborn trial waits out its grace: fewer of them (BENCH_TRIALS, at most 10).
  const stubbornTrials = Math.min(o.trials, 10);
  const cases: Case[] = [
    {
      key: 'well-behaved',
      label: 'well-behaved sh + 2 sleeps, grace 5 s',
      argv: ['sh', '-c', 'sleep 600 & sleep 600 & wait'],
      graceMs: 5_000,
      trials: o.trials,
      ready: (l) => sleeps(l) === 2,
    },
    ...[1_000, 3_000].map(
      (graceMs): Case => ({
        key: `stubborn-${graceMs / 1000}s`,
        label: `ignores TERM + setsid grandchild, grace ${graceMs / 1000} s`,
        argv: ['sh', '-c', STUBBORN],
        graceMs,
        trials: stubbornTrials,
        // Both sleeps exist only after both traps ran; the grandchild has left the root's session.
        ready: (l, root) => sleeps(l) === 2 && l.some((p) => p.sid !== root),
      }),
    ),
  ];
  const dir = tempDir('aura-bench-stop-');
  const rows: Row[] = [];
  const notes: string[] = [];
  const forced: string[] = [];
  const problems: string[] = [];
  let total = 0;
  try {
    for (const c of cases) {
      const ts: Trial[] = [];
      for (let i = 0; i < c.trials; i++) ts.push(await trial(c, dir, i));
      total += ts.length;
      const grace = `≈ ${c.graceMs} + sweep`;
      const wellBehaved = c.key === 'well-behaved';
      rows.push(dist(`stop: ${c.label}: SIGTERM → no marker left`, ts.map((t) => t.termToGone), wellBehaved ? 'p95 < 100' : grace));
      if (wellBehaved) rows.push(dist('stop:   stopTree() call (with the scan before SIGTERM)', ts.map((t) => t.callMs)));
      else rows.push(dist('stop:   of which first SIGKILL → no marker left', ts.filter((t) => t.killToGone !== null).map((t) => t.killToGone!), 'p95 < 100'));
      forced.push(`${c.key} ${ts.filter((t) => t.forced).length}/${ts.length}`);
      const bad = ts.filter((t) => t.survivors > 0 || t.leftAfter > 0);
      if (bad.length) problems.push(`${c.key}: ${bad.length} trial(s) left processes (survivors ${bad.map((t) => t.survivors).join(',')}; alive after ${bad.map((t) => t.leftAfter).join(',')})`);
      const sizes = [...new Set(ts.map((t) => t.processes))].sort().join(' or ');
      notes.push(`${c.key}: ${ts.length} trials, ${sizes} live marked processes when stopped`);
    }
  } finally {
    removeTempDir(dir);
  }
  rows.push({ label: 'stop: forced (SIGKILL needed)', value: forced.join(', '), target: '0 / all / all' });
  rows.push({ label: 'stop: survivors (stopTree + independent scan)', value: problems.length ? 'SOME, see below' : `0 in all ${total} trials`, target: '0' });
  for (const p of problems) rows.push({ label: 'stop: WARNING survivors', value: p, target: '0' });
  notes.push('stopTree polls every 50 ms; zombies (exited, not yet reaped) count as gone, as in the daemon.');
  return { title: '7. stopping a worker tree', rows, notes };
}
