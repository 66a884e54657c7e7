// 8. The resource watchdog (`npm run bench -- --only watchdog`; this was a standalone script).
//
// Sampling cost, daemon side: 2 workers × 50 processes (a shell with 49 sleeping children, each
// carrying its own marker), one poll a second (the /proc pass, meminfo, attribution, windows,
// verdicts), as CPU time of this process per minute, over BENCH_IDLE_SECONDS (60; 5 with --quick):
// once with no GPU limit (no nvidia-smi at all) and once with AURA_WORKER_MAX_GPU_MEMORY_GB set (the
// watchdog samples GPUs only when a GPU limit is set). Then nvidia-smi is a fake on PATH (a tiny sh script in a temp
// dir that appends each call to a counter file and prints a valid --query-gpu CSV line), counted per
// poll; the real one adds ~10–20 ms of driver time per query (INTERFACES §4.5), in the child, not here.
// Also: the same poll back-to-back (per-poll cost without timer noise), environ reads after the first
// poll (once per process lifetime: only processes new since the last poll), and the one-spawn-per-poll
// nvidia-smi query against the two spawns src/watchdog/gpu.ts weighs it against.
//
// Kill latency: a real memory hog (Node filling a 256 MiB buffer) under a 128 MiB limit, polled every
// 0.5 s with the default 3 strikes; onKill starts stopTree at once (grace 10 s, the default, as
// pool.stop does); the figure is the poll that completes the strikes (the onKill callback) → tree gone.
// Printed, never asserted.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../src/config/schema.js';
import { findByEnvMarker, readStat, type ProcInfo } from '../src/proc/index.js';
import { GpuSampler } from '../src/watchdog/gpu.js';
import { runCommand, type RunCommand } from '../src/util/run-command.js';
import { readMarker, TreeSampler } from '../src/watchdog/tree-sample.js';
import type { KillVerdict } from '../src/watchdog/verdict.js';
import { Watchdog } from '../src/watchdog/watchdog.js';
import { spawnMarked } from '../src/workers/spawn.js';
import { MARKER_KEY, stopTree, type StopResult } from '../src/workers/tree-kill.js';
import { killMarkedSync, removeTempDir, sleep, tempDir, trackMarker, untrackMarker, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';
import { summarize } from './stats.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function live(marker: string): Promise<ProcInfo[]> {
  return (await findByEnvMarker(MARKER_KEY, marker)).filter((p) => p.state !== 'Z');
}

// ── fake nvidia-smi ──────────────────────────────────────────────────────────────────────────────

function fakeNvidiaSmi(dir: string): { binDir: string; calls: () => { gpu: number; apps: number } } {
  const binDir = path.join(dir, 'bin');
  const counter = path.join(dir, 'nvidia-smi.calls');
  mkdirSync(binDir);
  writeFileSync(counter, '');
  const script = [
    '#!/bin/sh',
    '# Fake nvidia-smi (bench): one line per call into the counter, then the two queries the watchdog makes.',
    `echo "$1" >> '${counter}'`,
    'case "$1" in',
    "  --query-gpu=*) echo '0, GPU-00000000-1111-2222-3333-444444444444, 0, 1024, 81559, Disabled' ;;",
    '  --query-compute-apps=*) ;;',
    '  *) echo "fake nvidia-smi: unsupported arguments: $*" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
  writeFileSync(path.join(binDir, 'nvidia-smi'), script);
  chmodSync(path.join(binDir, 'nvidia-smi'), 0o755);
  return {
    binDir,
    calls: () => {
      const lines = readFileSync(counter, 'utf8').split('\n').filter(Boolean);
      return { gpu: lines.filter((l) => l.startsWith('--query-gpu=')).length, apps: lines.filter((l) => l.startsWith('--query-compute-apps=')).length };
    },
  };
}

// ── 2 workers × 50 processes ─────────────────────────────────────────────────────────────────────

interface BenchWorker {
  task: string;
  marker: string;
  child: ChildProcess;
  exited: Promise<void>;
}

function startWorker(i: number): BenchWorker {
  const marker = `bench-watchdog-${process.pid}-W${i}`;
  trackMarker(MARKER_KEY, marker);
  // A shell with 49 sleeping children: 50 processes carrying the marker.
  const child = spawn('sh', ['-c', 'for i in $(seq 49); do sleep 600 & done; wait'], {
    env: { PATH: process.env.PATH, [MARKER_KEY]: marker },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { task: `W${i}`, marker, child, exited };
}

/**
 * The sleeps first, so their shell reaps them (its `wait` then returns and it exits, reaped by Node):
 * killing the whole group at once would orphan them, and not every PID 1 reaps orphans.
 */
async function stopWorker(w: BenchWorker): Promise<void> {
  try {
    for (const p of await live(w.marker)) if (p.ppid === w.child.pid) process.kill(p.pid, 'SIGKILL');
    await withTimeout(w.exited, 5_000, `worker ${w.task} to exit`);
  } catch {
    if (w.child.pid !== undefined) {
      try {
        process.kill(-w.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  } finally {
    killMarkedSync(`${MARKER_KEY}=${w.marker}`);
    untrackMarker(MARKER_KEY, w.marker);
  }
}

// ── sampling cost ────────────────────────────────────────────────────────────────────────────────

interface Sampling {
  perPoll: number[];
  environFirst: number;
  environAfter: number;
  /** Processes first seen after the first poll: one environ read each. */
  once: number;
  /** Processes whose environ was read more than once, and by whom they were started. */
  reread: string[];
  perMinute: number;
  windowS: number;
  polls: number;
  skipped: number;
  processes: number[];
  notices: string[];
  gpuStatus: string;
}

async function sampling(workers: BenchWorker[], o: BenchOptions, backToBack: number, gpu: { binDir: string; runGpu: RunCommand } | null): Promise<Sampling> {
  const reads: number[] = [];
  const tree = new TreeSampler({
    readMarker: (pid) => {
      reads.push(pid);
      return readMarker(pid);
    },
  });
  const config = {
    ...defaultConfig(),
    AURA_WORKER_RESOURCE_POLL_SECONDS: 1,
    AURA_WORKER_MAX_SYSTEM_MEMORY_GB: 100,
    AURA_WORKER_MAX_CPU_PERCENT: 90,
    ...(gpu ? { AURA_WORKER_MAX_GPU_MEMORY_GB: 1000 } : {}),
  };
  const env = gpu ? { ...process.env, PATH: `${gpu.binDir}:${process.env.PATH}` } : process.env;
  const wd = new Watchdog({ config, onKill: () => {}, tree, env, ...(gpu ? { runGpu: gpu.runGpu } : {}) });
  try {
    for (const w of workers) wd.track(w.task, w.marker, { pid: w.child.pid!, startTicks: null });
    await wd.poll();
    const environFirst = tree.environReads;
    reads.length = 0;
    const perPoll: number[] = [];
    for (let i = 0; i < backToBack; i++) {
      const c = cpuMs();
      await wd.poll();
      perPoll.push(cpuMs() - c);
    }
    const processes = wd.snapshot().workers.map((w) => w.processes);
    const gpuStatus = wd.snapshot().gpu.status;

    // The real thing: the timer at 1 Hz, CPU of this (otherwise idle) process.
    const c0 = cpuMs();
    const t0 = performance.now();
    wd.start();
    await sleep(o.idleSeconds * 1000);
    const cpu = cpuMs() - c0;
    const windowMs = performance.now() - t0;
    const { polls, skipped } = wd.stats;
    wd.close();
    const times = new Map<number, number>();
    for (const pid of reads) times.set(pid, (times.get(pid) ?? 0) + 1);
    const once = [...times.values()].filter((n) => n === 1).length;
    const reread = [...times].filter(([, n]) => n > 1).map(([pid, n]) => {
      const st = readStat(pid);
      const whose = st === null ? 'gone' : st.ppid === process.pid ? 'a child of this process' : `ppid ${st.ppid}`;
      return `${st?.comm ?? '?'} (${whose}) ×${n}`;
    });
    return {
      perPoll,
      environFirst,
      environAfter: tree.environReads - environFirst,
      once,
      reread,
      perMinute: (cpu / windowMs) * 60_000,
      windowS: windowMs / 1000,
      polls,
      skipped,
      processes,
      notices: wd.notices,
      gpuStatus,
    };
  } finally {
    wd.close();
  }
}

/** Daemon-side CPU and wall of the GPU query: the one sh spawn the sampler makes vs two spawns. */
async function gpuSpawns(binDir: string, n: number): Promise<{ one: number[]; two: number[] }> {
  const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
  const sampler = new GpuSampler({ clock: { now: () => performance.now() }, notice: () => {}, env });
  const one: number[] = [];
  const two: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      let c = cpuMs();
      const r = await sampler.sample(3000);
      if (r.status !== 'ok') throw new Error(`fake nvidia-smi: ${JSON.stringify(r)}`);
      one.push(cpuMs() - c);
      c = cpuMs();
      await runCommand([path.join(binDir, 'nvidia-smi'), '--query-gpu=index,uuid', '--format=csv,noheader,nounits'], { timeoutMs: 3000, env });
      await runCommand([path.join(binDir, 'nvidia-smi'), '--query-compute-apps=pid,gpu_uuid,used_gpu_memory', '--format=csv,noheader,nounits'], { timeoutMs: 3000, env });
      two.push(cpuMs() - c);
    }
  } finally {
    sampler.close();
  }
  return { one, two };
}

// ── kill latency ─────────────────────────────────────────────────────────────────────────────────

const HOG_MIB = 256;
const LIMIT_GB = 0.125;
const HOG = `const b=Buffer.alloc(${HOG_MIB}*2**20,1);setInterval(()=>{b[0]++},1000)`;

interface KillTrial {
  startToKill: number;
  killToGone: number;
  verdict: KillVerdict;
  result: StopResult;
  leftAfter: number;
}

async function killTrials(n: number, dir: string): Promise<KillTrial[]> {
  const pending = new Map<string, (at: number, v: KillVerdict) => void>();
  const config = {
    ...defaultConfig(),
    AURA_WORKER_RESOURCE_POLL_SECONDS: 0.5,
    AURA_WORKER_MAX_SYSTEM_MEMORY_GB: LIMIT_GB,
  };
  const wd = new Watchdog({ config, onKill: (task, v) => pending.get(task)?.(performance.now(), v) });
  const graceMs = config.AURA_KILL_GRACE_SECONDS * 1000;
  const out: KillTrial[] = [];
  wd.start();
  try {
    for (let i = 0; i < n; i++) {
      const task = `H${i}`;
      const marker = `bench-watchdog-${process.pid}-hog-${i}`;
      trackMarker(MARKER_KEY, marker);
      try {
        const s = await spawnMarked({
          argv: [process.execPath, '-e', HOG],
          cwd: dir,
          env: { PATH: process.env.PATH },
          stdoutFile: path.join(dir, 'hog.out'),
          stderrFile: path.join(dir, 'hog.out'),
          marker,
          runId: `bench-hog-${i}`,
        });
        const started = performance.now();
        // As the daemon does: onKill starts the stop at once, inside the poll.
        const killed = new Promise<{ at: number; verdict: KillVerdict; stop: Promise<{ r: StopResult; gone: number }> }>((resolve) => {
          pending.set(task, (at, verdict) => {
            const stop = stopTree(s.ref, marker, { graceMs }).then((r) => ({ r, gone: performance.now() }));
            resolve({ at, verdict, stop });
          });
        });
        wd.track(task, marker, { pid: s.ref.pid, startTicks: s.ref.startTicks });
        const k = await withTimeout(killed, 30_000, `the watchdog to stop the ${HOG_MIB} MiB hog`);
        const { r, gone } = await withTimeout(k.stop, graceMs + 10_000, 'stopTree');
        out.push({ startToKill: k.at - started, killToGone: gone - k.at, verdict: k.verdict, result: r, leftAfter: (await live(marker)).length });
        await withTimeout(s.exited, 2_000, 'the hog to be reaped').catch(() => undefined);
      } finally {
        wd.untrack(task);
        pending.delete(task);
        killMarkedSync(`${MARKER_KEY}=${marker}`);
        untrackMarker(MARKER_KEY, marker);
      }
    }
  } finally {
    wd.close();
  }
  return out;
}

// ── the measurement ──────────────────────────────────────────────────────────────────────────────

const CPU_TARGET = '< 600 ms (1 % of a core)';

function perMinuteRow(label: string, s: Sampling): Row {
  return { label, value: `${s.perMinute.toFixed(0)} ms CPU/min (${(s.perMinute / 600).toFixed(2)} % of a core)`, target: CPU_TARGET };
}

export async function benchWatchdog(o: BenchOptions): Promise<Section> {
  const dir = tempDir('aura-bench-watchdog-');
  const notes: string[] = [];
  const rows: Row[] = [];
  try {
    const fake = fakeNvidiaSmi(dir);
    let spawns = 0;
    const runGpu: RunCommand = (argv, opts) => {
      spawns++;
      return runCommand(argv, opts);
    };

    const workers = [startWorker(1), startWorker(2)];
    let plain: Sampling;
    let withGpu: Sampling;
    const before = { calls: { gpu: 0, apps: 0 }, spawns: 0 };
    try {
      await withTimeout(
        (async () => {
          for (const w of workers) while ((await live(w.marker)).length < 50) await sleep(20);
        })(),
        10_000,
        'the 2 × 50 worker processes',
      );
      plain = await sampling(workers, o, 200, null);
      withGpu = await sampling(workers, o, 50, { binDir: fake.binDir, runGpu });
      Object.assign(before, { calls: fake.calls(), spawns });
    } finally {
      await Promise.all(workers.map(stopWorker));
    }
    const calls = fake.calls();
    const polls = 1 + 50 + withGpu.polls; // first poll + back-to-back + timer polls
    const callsPerPoll = (calls.gpu + calls.apps) / polls;

    rows.push(
      dist(`watchdog: poll CPU, 2 workers (${plain.processes.join(' + ')} procs), back-to-back`, plain.perPoll),
      dist('watchdog:   with a GPU limit (fake nvidia-smi)', withGpu.perPoll),
      {
        label: 'watchdog: environ reads after the first poll',
        value: `${plain.environAfter} (first poll: ${plain.environFirst}): ${plain.once} new processes once each, re-read: ${plain.reread.join(', ') || 'none'}`,
        target: 'once per new process',
      },
      perMinuteRow(`watchdog: sampler at 1 Hz, ${plain.windowS.toFixed(0)} s, no GPU limit`, plain),
      perMinuteRow(`watchdog: sampler at 1 Hz, ${withGpu.windowS.toFixed(0)} s, GPU limit`, withGpu),
      {
        label: 'watchdog: nvidia-smi invocations per poll',
        value: `${callsPerPoll.toFixed(2)} (${calls.gpu} --query-gpu + ${calls.apps} --query-compute-apps over ${polls} polls; ${(spawns / polls).toFixed(2)} spawns/poll)`,
        target: '2 (1 spawn)',
      },
    );
    if (plain.reread.length) {
      notes.push(
        'the sampler never caches "no marker" for its own children (they may be between fork and exec), so a long-lived unmarked child of the process running it (here tsx\'s esbuild service) has its environ read on every poll.',
      );
    }
    if (before.calls.gpu + before.calls.apps !== calls.gpu + calls.apps) notes.push('nvidia-smi was called after the GPU watchdog closed');
    if (withGpu.gpuStatus !== 'ok') notes.push(`WARNING: GPU status after the back-to-back polls was "${withGpu.gpuStatus}", not ok`);
    for (const s of [plain, withGpu]) if (s.skipped) notes.push(`${s.skipped} timer tick(s) skipped (a poll still running)`);
    const notices = [...new Set([...plain.notices, ...withGpu.notices])];
    if (notices.length) notes.push(`watchdog notices: ${notices.join('; ')}`);

    const g = await gpuSpawns(fake.binDir, 30);
    rows.push(
      dist('watchdog: GPU query CPU, one sh spawn (as polled)', g.one),
      dist('watchdog:   vs two nvidia-smi spawns', g.two),
    );

    const kills = await killTrials(Math.min(o.trials, 10), dir);
    rows.push(
      dist(`watchdog: kill, strike-${kills[0]?.verdict.strikes ?? '?'} poll (onKill) → tree gone`, kills.map((k) => k.killToGone), 'p95 < 100'),
      dist('watchdog:   hog start → onKill (poll 0.5 s)', kills.map((k) => k.startToKill)),
    );
    const limits = [...new Set(kills.map((k) => `${k.verdict.limit} after ${k.verdict.strikes} strikes`))].join(', ');
    const forced = kills.filter((k) => k.result.forced).length;
    const survivors = kills.filter((k) => k.result.survivors.length > 0 || k.leftAfter > 0).length;
    rows.push({ label: 'watchdog: kill verdicts', value: `${kills.length}/${kills.length} ${limits}; forced ${forced}; survivors ${survivors}`, target: 'forced 0, survivors 0' });
    if (survivors) rows.push({ label: 'watchdog: WARNING survivors', value: `${survivors} trial(s) left marked processes alive`, target: '0' });
    notes.push(
      `sampling: 2 workers × 50 processes, CPU of this process over BENCH_IDLE_SECONDS; per-poll figures are CPU ms; nvidia-smi figures use the fake (no driver time).`,
      `kill: a ${HOG_MIB} MiB hog against AURA_WORKER_MAX_SYSTEM_MEMORY_GB=${LIMIT_GB}; stopTree grace ${defaultConfig().AURA_KILL_GRACE_SECONDS} s (the hog dies on SIGTERM); e.g. "${kills[0]?.verdict.message ?? '—'}".`,
    );
    return { title: '8. watchdog sampling', rows, notes };
  } finally {
    removeTempDir(dir);
  }
}
