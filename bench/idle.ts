// 4. An idle daemon: all tasks done, interval 3600. After it has slept 2 s, sample its CPU time
// (utime + stime from /proc/<pid>/stat) and memory (VmRSS, VmHWM from /proc/<pid>/status), sleep
// BENCH_IDLE_SECONDS (default 60), sample again. Also counts journal entries written meanwhile
// (any would mean the daemon woke up).
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sampleProc, sleep, sleepingDaemon, type BenchOptions } from './harness.js';
import type { Section } from './report.js';

function clockTicksPerSecond(): number {
  try {
    const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
}

const mb = (kb: number) => (kb / 1024).toFixed(1);

export async function benchIdle(o: BenchOptions): Promise<Section> {
  const hz = clockTicksPerSecond();
  const d = await sleepingDaemon();
  try {
    await sleep(2_000);
    d.journal.poll();
    const seq0 = d.journal.lastSeq;
    const a = sampleProc(d.pid);
    o.log(`  idle: sampling PID ${d.pid} for ${o.idleSeconds} s`);
    // Also sampled once a second (cheap /proc reads), to tell a steady tick from a one-off (GC).
    const slices = Math.max(1, Math.min(6, Math.round(o.idleSeconds)));
    const perSlice: number[] = new Array<number>(slices).fill(0);
    let prev = a;
    for (let s = 1; s <= Math.ceil(o.idleSeconds); s++) {
      await sleep(Math.max(0, a.at + Math.min(s, o.idleSeconds) * 1000 - performance.now()));
      const cur = sampleProc(d.pid);
      perSlice[Math.min(slices - 1, Math.floor(((s - 1) / Math.ceil(o.idleSeconds)) * slices))]! += cur.ticks - prev.ticks;
      prev = cur;
    }
    const b = prev;
    d.journal.poll();
    const woke = d.journal.entries.filter((e) => e.seq > seq0).length;
    const ticks = b.ticks - a.ticks;
    const cpuMs = (ticks * 1000) / hz;
    const windowS = (b.at - a.at) / 1000;
    return {
      title: '4. idle daemon',
      rows: [
        {
          label: `idle: CPU over ${windowS.toFixed(0)} s asleep`,
          value: `${cpuMs.toFixed(0)} ms (${ticks} ticks, ${((cpuMs / (windowS * 1000)) * 100).toFixed(3)} %)`,
          target: '≈ 0',
        },
        { label: 'idle: RSS at t=0 → end (peak)', value: `${mb(a.rssKb)} → ${mb(b.rssKb)} MB (${mb(b.hwmKb)})`, target: '≤ 70 MB' },
        { label: `idle: CPU ticks per ${(o.idleSeconds / slices).toFixed(0)} s slice`, value: perSlice.join(' ') },
        { label: 'idle: journal entries while asleep', value: String(woke), target: '0' },
      ],
      notes: [`CPU time resolution is one clock tick (${(1000 / hz).toFixed(0)} ms, CLK_TCK=${hz}); peak = VmHWM since the daemon started.`],
    };
  } finally {
    await d.stop();
  }
}
