// 14. Days, not minutes: a daemon with one live worker (`sleep 86400`), a 2 s heartbeat and the
// watchdog polling at 1 Hz, for BENCH_ENDURANCE_MINUTES (default 10; --quick 1). Sampled every 5 s:
// the daemon's RSS and open file descriptors, and the journal's size. Reported: the slope per hour
// of RSS and fds after a warm-up (the first fifth), and what the journal grew per heartbeat (idle
// heartbeats must write nothing).
//
// RSS alone cannot tell a leak from settling: V8 keeps optimizing functions for a long while in a
// daemon that wakes every 2 s (code space grows), and the allocator keeps pages for reuse. So the
// daemon also carries memory-probe.mjs, which once a minute forces a full GC and records
// process.memoryUsage(): the slope of heapUsed after GC is what the JS heap really keeps (a leak
// shows there), and RSS − heapTotal is the native part. BENCH_ENDURANCE_HEAP=0 leaves the probe out
// (its GC a minute also trims what RSS would otherwise hold).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchDaemon, newProject, sampleProc, sleep, stopDaemon, tempDir, type BenchOptions } from './harness.js';
import { waitFor } from '../test/helpers/aura.js';
import type { Row, Section } from './report.js';

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-probe.mjs');

interface MemorySample {
  /** Wall clock (ms) of the sample. */
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

/** The probe's lines, for samples taken at or after `from` (ms, wall clock). */
function memorySamples(file: string, from: number): MemorySample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as MemorySample)
    .filter((m) => m.at >= from);
}

const MB = 1024 * 1024;

function slopeRow(label: string, ms: MemorySample[], y: (m: MemorySample) => number): Row {
  if (ms.length < 2) return { label, value: 'too few samples (run longer than a few minutes)', target: '≈ 0' };
  const ys = ms.map((m) => y(m) / MB);
  const v = slope(ms.map((m) => m.at / 3_600_000), ys);
  return { label, value: `${v.toFixed(2)} MB/h (${ys[0]!.toFixed(1)} → ${ys.at(-1)!.toFixed(1)} MB)`, target: '≈ 0' };
}

export async function benchEndurance(o: BenchOptions): Promise<Section> {
  const minutes = Number(process.env.BENCH_ENDURANCE_MINUTES ?? (o.quick ? '1' : '10'));
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('BENCH_ENDURANCE_MINUTES must be a positive number');
  const probe = process.env.BENCH_ENDURANCE_HEAP !== '0';
  const memLog = path.join(tempDir('aura-bench-endurance-'), 'memory.jsonl');
  const probeEnv: Record<string, string> = probe
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import=${pathToFileURL(PROBE).href}`.trim(), BENCH_MEMORY_LOG: memLog, BENCH_MEMORY_EVERY_S: o.quick ? '10' : '60' }
    : {};
  const { project, env } = newProject(
    { 'task.md': '# Endurance\n\n- [ ] Live\n  - id: live\n  - run: `sleep 86400`\n' },
    // A budget longer than any run here: the worker must stay live (a timeout and retry would be
    // journal growth that is not an idle heartbeat's). Stall detection is off for the same reason:
    // a silent `sleep` is a stall suspect, and its entries are not a heartbeat's either.
    { AURA_STALL_SECONDS: '0', AURA_WORKER_RESOURCE_POLL_SECONDS: '1', AURA_WORKER_MAX_RAM_GB: '100', AURA_TASK_BUDGET: '10080', ...probeEnv },
  );
  const d = launchDaemon(project, env, ['task.md', '--interval', '2', '--quiet']);
  const pid = d.child.pid!;
  const journal = project.file('.aura/state/journal.jsonl');
  try {
    await waitFor('the worker running', () => project.state().tasks['live']?.status === 'running', 30_000);
    const t0 = Date.now();
    const xs: number[] = [];
    const rss: number[] = [];
    const fds: number[] = [];
    const jbytes: number[] = [];
    while (Date.now() - t0 < minutes * 60_000) {
      const s = sampleProc(pid);
      xs.push((Date.now() - t0) / 3_600_000);
      rss.push(s.rssKb / 1024);
      fds.push(readdirSync(`/proc/${pid}/fd`).length);
      jbytes.push(statSync(journal).size);
      o.log(`  … ${Math.round((Date.now() - t0) / 1000)} s: RSS ${(s.rssKb / 1024).toFixed(1)} MB, ${fds.at(-1)} fds, journal ${jbytes.at(-1)} bytes`);
      await sleep(5000);
    }
    const warm = Math.floor(xs.length / 5);
    const x = xs.slice(warm);
    const heartbeats = ((Date.now() - t0) / 1000) / 2;
    const mem = memorySamples(memLog, t0 + (xs[warm] ?? 0) * 3_600_000);
    const heapRows: Row[] = probe
      ? [
          slopeRow('daemon heapUsed after a full GC, slope after warm-up', mem, (m) => m.heapUsed),
          slopeRow('daemon RSS − heapTotal (native), slope after warm-up', mem, (m) => m.rss - m.heapTotal),
        ]
      : [];
    return {
      title: `14. endurance: ${minutes} min, one live worker, 2 s heartbeat, watchdog at 1 Hz`,
      rows: [
        { label: 'daemon RSS slope after warm-up', value: `${slope(x, rss.slice(warm)).toFixed(2)} MB/h (${rss[warm]?.toFixed(1)} → ${rss.at(-1)?.toFixed(1)} MB)`, target: '≈ 0' },
        { label: 'open fds slope after warm-up', value: `${slope(x, fds.slice(warm)).toFixed(2)} /h (${fds[warm]} → ${fds.at(-1)})`, target: '≈ 0' },
        { label: 'journal growth per idle heartbeat', value: `${((jbytes.at(-1)! - jbytes[0]!) / heartbeats).toFixed(1)} bytes`, target: '0' },
        ...heapRows,
      ],
      notes: [
        `${xs.length} samples; the first ${warm} (a fifth) are warm-up.`,
        probe
          ? `${mem.length} heap samples after warm-up, each after a forced full GC (memory-probe.mjs). That GC also frees what the daemon alone would keep in its old generation until V8's next full GC (tens of minutes apart when idle), so RSS creeps less than without the probe (BENCH_ENDURANCE_HEAP=0).`
          : 'heap probe left out (BENCH_ENDURANCE_HEAP=0): RSS as the daemon runs on its own.',
      ],
    };
  } finally {
    await stopDaemon(d);
  }
}
