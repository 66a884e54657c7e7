// 10. The daemon's cost as the run grows. N tasks `run: true` side by side (a parallel section, two
// workers at a time, the rules planner), one run each. Figures per size:
//   - daemon CPU per task (utime + stime of the daemon alone, not its workers or runners), over the
//     whole run and in its first and last tenth (flat = the last tenth costs no more than the first);
//     the last tenth also without the end of the run (its last task done → exit: the final snapshot,
//     report and summaries, once per run), and that end on its own;
//   - peak RSS (VmHWM) of the daemon, and wall time;
//   - `aura status` wall time halfway through, while the daemon is busy (it answers from memory),
//     next to `node -e 0` timed at the same moments (Node's own start on a machine the run loads);
//   - `aura status` and `aura status --json` wall time on the finished project, and `aura status`
//     without the status cache (what a daemon killed mid-burst leaves: state.json and the journal).
// Sizes: BENCH_SCALE_SIZES (default 200,1000,2000,5000,20000; --quick 200,1000).
import os from 'node:os';
import { closeSync, fstatSync, openSync, readSync, renameSync } from 'node:fs';
import { auraArgv, launchDaemon, newProject, sampleProc, spawnTimed, stopDaemon, type BenchOptions, type ProcSample } from './harness.js';
import { dist, type Row, type Section } from './report.js';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

export function scaleTaskFile(n: number): string {
  const items: string[] = [];
  for (let i = 1; i <= n; i++) items.push(`- [ ] t${i}\n  - id: t${i}\n  - run: true\n`);
  return `# Bench: ${n} tasks\n\n## Work (parallel)\n\n${items.join('')}`;
}

/** Counts `→ done` status entries appended to the journal, reading only new bytes; keeps nothing else. */
export class DoneCounter {
  private offset = 0;
  private partial = '';
  done = 0;
  constructor(private readonly file: string) {}
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const got = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += got;
      const lines = (this.partial + buf.subarray(0, got).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const l of lines) if (l.includes('"to":"done"') && l.includes('"kind":"status"') && !l.includes('"task":"goal"')) this.done++;
    } finally {
      closeSync(fd);
    }
  }
}

export interface ScaleResult {
  n: number;
  wallS: number;
  msPerTask: number;
  firstTenth: number;
  lastTenth: number;
  /** The last tenth up to its last task done: the per-task work without the run's one-off end. */
  lastTenthTasks: number;
  /** Daemon CPU from the last task done to exit (ms): final save, report, summaries, teardown. */
  endMs: number;
  peakRssMb: number;
  statusMs: number[];
  statusJsonMs: number[];
  /** `aura status` halfway through, the daemon live and busy. */
  statusLiveMs: number[];
  /** `node -e 0` at the same moments: the floor any Node CLI pays there. */
  nodeLiveMs: number[];
  /** `aura status` on the finished run with its status cache moved away. */
  statusNoCacheMs: number[];
}

export async function runScale(n: number, o: Pick<BenchOptions, 'log'>, statusRuns = 5): Promise<ScaleResult> {
  const { project, env } = newProject({ 'task.md': scaleTaskFile(n) });
  const t0 = Date.now();
  const d = launchDaemon(project, env, ['task.md', '--interval', '3600', '--max-concurrent', '2', '--exit-when-done', '--quiet']);
  const counter = new DoneCounter(project.file('.aura/state/journal.jsonl'));
  let last: ProcSample | null = null;
  let atTenth: ProcSample | null = null;
  let atNinth: ProcSample | null = null;
  let atAll: ProcSample | null = null;
  let peakKb = 0;
  const exited = d.exited.then(() => true);
  let done = false;
  void exited.then(() => (done = true));
  let nextLog = Date.now() + 30_000;
  // Daemon CPU per task over each log window: a long run shows its slope as it goes.
  let windowStart = { ticks: 0, done: 0 };
  const statusLiveMs: number[] = [];
  const nodeLiveMs: number[] = [];
  let liveAsked = false;
  while (!done) {
    try {
      const s = sampleProc(d.child.pid!);
      last = s;
      if (Number.isFinite(s.hwmKb)) peakKb = Math.max(peakKb, s.hwmKb);
    } catch {
      // exited between the check and the read
    }
    counter.poll();
    if (!atTenth && counter.done >= n / 10 && last) atTenth = last;
    if (!atNinth && counter.done >= (9 * n) / 10 && last) atNinth = last;
    if (!atAll && counter.done >= n && last) atAll = last;
    // Halfway: what a person asking the busy daemon waits (a few requests; the run goes on meanwhile).
    if (!liveAsked && counter.done >= n / 2 && !done) {
      liveAsked = true;
      for (let i = 0; i < statusRuns; i++) {
        const r = await spawnTimed(auraArgv('status'), { cwd: project.dir, env, timeoutMs: 60_000 });
        if (r.code === 0) statusLiveMs.push(r.wallMs);
        nodeLiveMs.push((await spawnTimed([process.execPath, '-e', '0'], { cwd: project.dir, env, timeoutMs: 60_000 })).wallMs);
      }
    }
    if (Date.now() > nextLog) {
      const ticks = last?.ticks ?? 0;
      const perTask = counter.done > windowStart.done ? `${(((ticks - windowStart.ticks) * TICK_MS) / (counter.done - windowStart.done)).toFixed(1)} ms daemon CPU per task in this window` : 'none finished in this window';
      // RSS as it goes: a peak that comes from one moment (the end of the run, a burst) shows as a step.
      const rss = last ? `; RSS ${(last.rssKb / 1024).toFixed(0)} MB, peak so far ${(peakKb / 1024).toFixed(0)} MB` : '';
      o.log(`  … ${n} tasks: ${counter.done} done after ${Math.round((Date.now() - t0) / 1000)} s; ${perTask}${rss} (load ${os.loadavg()[0]!.toFixed(1)})`);
      windowStart = { ticks, done: counter.done };
      nextLog = Date.now() + 30_000;
    }
    // Every 100 ms; every 10 ms once the last task is done, so the end's figure misses little (the
    // process is reaped at exit, and its last moments cannot be read afterwards: a lower bound).
    await Promise.race([exited, new Promise((r) => setTimeout(r, atAll ? 10 : 100))]);
  }
  const { code } = await d.exited;
  await stopDaemon(d);
  if (code !== 0) throw new Error(`the ${n}-task daemon exited ${code}:\n${d.output().slice(-2000)}`);
  counter.poll();
  if (!last || !atTenth || !atNinth || !atAll) throw new Error(`too few samples for ${n} tasks (done ${counter.done})`);
  const tenth = n / 10;
  const statusMs: number[] = [];
  const statusJsonMs: number[] = [];
  for (let i = 0; i < statusRuns; i++) {
    statusMs.push((await spawnTimed(auraArgv('status'), { cwd: project.dir, env, timeoutMs: 60_000 })).wallMs);
    statusJsonMs.push((await spawnTimed(auraArgv('status', '--json'), { cwd: project.dir, env, timeoutMs: 60_000 })).wallMs);
  }
  const cache = project.file('.aura/state/status-cache.json');
  renameSync(cache, `${cache}.away`);
  const statusNoCacheMs: number[] = [];
  for (let i = 0; i < statusRuns; i++) statusNoCacheMs.push((await spawnTimed(auraArgv('status'), { cwd: project.dir, env, timeoutMs: 60_000 })).wallMs);
  renameSync(`${cache}.away`, cache);
  return {
    n,
    wallS: (Date.now() - t0) / 1000,
    msPerTask: (last.ticks * TICK_MS) / n,
    firstTenth: (atTenth.ticks * TICK_MS) / tenth,
    lastTenth: ((last.ticks - atNinth.ticks) * TICK_MS) / tenth,
    lastTenthTasks: ((atAll.ticks - atNinth.ticks) * TICK_MS) / tenth,
    endMs: (last.ticks - atAll.ticks) * TICK_MS, // up to the last sample before the reap: a lower bound
    peakRssMb: peakKb / 1024,
    statusMs,
    statusJsonMs,
    statusLiveMs,
    nodeLiveMs,
    statusNoCacheMs,
  };
}

export async function benchScale(o: BenchOptions): Promise<Section> {
  const raw = process.env.BENCH_SCALE_SIZES ?? (o.quick ? '200,1000' : '200,1000,2000,5000,20000');
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((s) => !Number.isInteger(s) || s < 10)) throw new Error(`BENCH_SCALE_SIZES must list whole numbers ≥ 10, got "${raw}"`);
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const n of sizes) {
    o.log(`scale: ${n} tasks …`);
    const r = await runScale(n, o);
    o.log(`  ${n} tasks: daemon CPU per task ${r.msPerTask.toFixed(1)} ms (first tenth ${r.firstTenth.toFixed(1)}, last tenth ${r.lastTenth.toFixed(1)}, ${r.lastTenthTasks.toFixed(1)} to its last task done), end of run ${r.endMs} ms, peak RSS ${r.peakRssMb.toFixed(1)} MB, ${r.wallS.toFixed(0)} s`);
    rows.push({
      label: `${n} tasks: daemon CPU per task (whole · first tenth · last tenth)`,
      value: `${r.msPerTask.toFixed(1)} · ${r.firstTenth.toFixed(1)} · ${r.lastTenth.toFixed(1)} ms`,
      target: 'flat; last ≤ first',
    });
    rows.push({
      label: `${n} tasks: last tenth to its last task done · end of run (done → exit)`,
      value: `${r.lastTenthTasks.toFixed(1)} ms per task · ${(r.endMs / 1000).toFixed(2)} s`,
      target: 'the end: once per run',
    });
    rows.push({ label: `${n} tasks: peak RSS · wall`, value: `${r.peakRssMb.toFixed(1)} MB · ${r.wallS.toFixed(0)} s`, target: 'linear, small slope' });
    if (r.statusLiveMs.length) rows.push(dist(`${n} tasks: aura status (live, busy)`, r.statusLiveMs, n >= 20000 ? '< 250 ms' : undefined));
    if (r.nodeLiveMs.length) rows.push(dist(`${n} tasks: node -e 0 at the same moments`, r.nodeLiveMs, 'the floor'));
    rows.push(dist(`${n} tasks: aura status`, r.statusMs, n >= 20000 ? '< 250 ms' : undefined));
    rows.push(dist(`${n} tasks: aura status, no status cache (killed mid-burst)`, r.statusNoCacheMs));
    rows.push(dist(`${n} tasks: aura status --json`, r.statusJsonMs));
  }
  notes.push('Daemon CPU is utime+stime of the daemon process only, sampled every 100 ms from /proc; the runner and worker processes are not in it.');
  return { title: '10. daemon cost as the run grows', rows, notes };
}
