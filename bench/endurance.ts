// 14. Days, not minutes: a daemon with one live worker (`sleep 7200`), a 2 s heartbeat and the
// watchdog polling at 1 Hz, for BENCH_ENDURANCE_MINUTES (default 10; --quick 1). Sampled every 5 s:
// the daemon's RSS and open file descriptors, and the journal's size. Reported: the slope per hour
// of RSS and fds after a warm-up (the first fifth), and what the journal grew per heartbeat (idle
// heartbeats must write nothing).
import { readdirSync, statSync } from 'node:fs';
import { launchDaemon, newProject, sampleProc, sleep, stopDaemon, type BenchOptions } from './harness.js';
import { waitFor } from '../test/helpers/aura.js';
import type { Section } from './report.js';

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

export async function benchEndurance(o: BenchOptions): Promise<Section> {
  const minutes = Number(process.env.BENCH_ENDURANCE_MINUTES ?? (o.quick ? '1' : '10'));
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error('BENCH_ENDURANCE_MINUTES must be a positive number');
  const { project, env } = newProject(
    { 'task.md': '# Endurance\n\n- [ ] Live\n  - id: live\n  - run: `sleep 7200`\n' },
    // A budget longer than any run here: the worker must stay live (a timeout and retry would be
    // journal growth that is not an idle heartbeat's).
    { AURA_WORKER_RESOURCE_POLL_SECONDS: '1', AURA_WORKER_MAX_RAM_GB: '100', AURA_TASK_BUDGET: '10080' },
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
    return {
      title: `14. endurance: ${minutes} min, one live worker, 2 s heartbeat, watchdog at 1 Hz`,
      rows: [
        { label: 'daemon RSS slope after warm-up', value: `${slope(x, rss.slice(warm)).toFixed(2)} MB/h (${rss[warm]?.toFixed(1)} → ${rss.at(-1)?.toFixed(1)} MB)`, target: '≈ 0' },
        { label: 'open fds slope after warm-up', value: `${slope(x, fds.slice(warm)).toFixed(2)} /h (${fds[warm]} → ${fds.at(-1)})`, target: '≈ 0' },
        { label: 'journal growth per idle heartbeat', value: `${((jbytes.at(-1)! - jbytes[0]!) / heartbeats).toFixed(1)} bytes`, target: '0' },
      ],
      notes: [`${xs.length} samples; the first ${warm} (a fifth) are warm-up.`],
    };
  } finally {
    await stopDaemon(d);
  }
}
