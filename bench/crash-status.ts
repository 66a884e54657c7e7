// 16. `aura status` after the daemon is killed (kill -9) in the middle of a busy run. With no daemon
// answering, status reads status-cache.json when it still matches state.json and the journal, else
// it parses the whole run (0.2 s at 2,000 tasks, 0.5–1 s at 20,000). This measures how often a kill at
// a random moment leaves a cache that holds, and what status then costs. N tasks `run: true` (the
// scale bench's file), two workers; K times: wait until tasks are finishing, a random 0.2–1.5 s more,
// kill -9, check the cache, time `aura status`, start the daemon again (it re-adopts the run).
// Size BENCH_CRASH_SIZE (default 20000; --quick 200), kills BENCH_CRASH_KILLS (default 12; --quick 4).
import { readFileSync } from 'node:fs';
import { layoutFor } from '../src/store/layout.js';
import { readStatusCache, runStamps, type Stamp } from '../src/store/status-cache.js';
import type { Layout } from '../src/store/layout.js';
import { auraArgv, launchDaemon, newProject, sleep, spawnTimed, stopDaemon, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';
import { DoneCounter, scaleTaskFile } from './scale.js';

function whole(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return v;
}

/** What moved since the cache was written (the log says why one did not hold). */
function whyNot(layout: Layout): string {
  let header: { state?: Stamp; journal?: Stamp };
  try {
    header = JSON.parse(readFileSync(layout.statusCacheFile, 'utf8').split('\n')[0]!) as typeof header;
  } catch {
    return 'no cache';
  }
  const now = runStamps(layout);
  if (!now) return 'no state.json or journal';
  const moved: string[] = [];
  if (header.journal?.size !== now.journal.size || header.journal?.mtimeMs !== now.journal.mtimeMs) moved.push(`the journal grew ${now.journal.size - (header.journal?.size ?? 0)} bytes`);
  if (header.state?.ino !== now.state.ino || header.state?.mtimeMs !== now.state.mtimeMs) moved.push('state.json was written again');
  return moved.join(', ') || 'damaged';
}

export async function benchCrashStatus(o: BenchOptions): Promise<Section> {
  const n = whole('BENCH_CRASH_SIZE', o.quick ? 200 : 20000, 10);
  const kills = whole('BENCH_CRASH_KILLS', o.quick ? 4 : 12, 1);
  const { project, env } = newProject({ 'task.md': scaleTaskFile(n) });
  const layout = layoutFor(project.dir);
  const counter = new DoneCounter(project.file('.aura/state/journal.jsonl'));
  const args = ['task.md', '--interval', '3600', '--max-concurrent', '2', '--quiet'];
  const held: number[] = [];
  const read: number[] = [];
  const notes: string[] = [];
  for (let k = 0; k < kills; k++) {
    const d = launchDaemon(project, env, args);
    // Busy: tasks are finishing under this daemon (not only starting up).
    counter.poll();
    const before = counter.done;
    const deadline = Date.now() + 120_000;
    while (counter.done < before + 3 && Date.now() < deadline && d.child.exitCode === null) {
      await sleep(50);
      counter.poll();
    }
    if (counter.done >= n) {
      notes.push(`the run finished after ${k} kills; raise BENCH_CRASH_SIZE for more`);
      await stopDaemon(d);
      break;
    }
    if (d.child.exitCode !== null) throw new Error(`the daemon exited ${d.child.exitCode} before kill ${k + 1}:\n${d.output().slice(-2000)}`);
    await sleep(200 + Math.random() * 1300);
    d.kill('SIGKILL');
    await d.exited;
    await stopDaemon(d);
    const holds = readStatusCache(layout) !== null;
    const why = holds ? '' : ` (${whyNot(layout)})`;
    const r = await spawnTimed(auraArgv('status'), { cwd: project.dir, env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`aura status exited ${r.code} after kill ${k + 1}`);
    (holds ? held : read).push(r.wallMs);
    o.log(`  kill ${k + 1}: ${counter.done} done; the status cache ${holds ? 'held' : 'did not hold'}${why}; aura status ${r.wallMs.toFixed(0)} ms`);
  }
  // Leave nothing running: a last daemon takes the workers back and is stopped with them.
  const last = launchDaemon(project, env, args);
  await sleep(1000);
  await stopDaemon(last);
  const rows: Row[] = [{ label: `${n} tasks, kill -9 while busy: the status cache held`, value: `${held.length} of ${held.length + read.length}`, target: 'most' }];
  if (held.length) rows.push(dist(`${n} tasks, after kill -9: aura status (cache held)`, held));
  if (read.length) rows.push(dist(`${n} tasks, after kill -9: aura status (run read)`, read));
  return { title: '16. aura status after kill -9 mid-run', rows, notes };
}
