// 13. Spawn decision → the worker's own process running. N tasks one after another; each task's
// command records, as its first act, the time it started (`date +%s%3N`, the shell the runner starts
// being the worker's own process). The decision's time is the journal entry "start <task>: …",
// stamped when the daemon decided (not when it reached the disk). Between the two: the attempt's
// directory and brief, the write-ahead commit (fsync), the hand-off to the spare runner (or a
// runner's own start), the worker's start.
//
// Three runs: steps that then take 0.3 s (a spare runner, started as the previous step started, is
// ready: the case of any task that runs for more than Node's own start); steps that exit at once
// (back to back, the next spare is often still starting); and the 0.3 s steps with
// AURA_RUNNER_STANDBY=false (every runner started for its attempt, as before issue 13).
import { readFileSync } from 'node:fs';
import { launchDaemon, newProject, stopDaemon, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';

function taskFile(n: number, after: string): string {
  const items = Array.from({ length: n }, (_, i) => `- [ ] Step ${i + 1}\n  - id: s${i + 1}\n  - run: \`date +%s%3N > "$AURA_ATTEMPT_DIR/t_start"${after}\`\n`);
  return `# Bench: ${n} steps, one after another\n\n${items.join('')}`;
}

async function latencies(n: number, after: string, extraEnv: Record<string, string>): Promise<number[]> {
  const { project, env } = newProject({ 'task.md': taskFile(n, after) }, extraEnv);
  const d = launchDaemon(project, env, ['task.md', '--interval', '3600', '--max-concurrent', '1', '--exit-when-done', '--quiet']);
  try {
    const { code } = await withTimeout(d.exited, 30_000 + n * 3_000, 'the daemon to finish every step');
    if (code !== 0) throw new Error(`daemon exited ${code}:\n${d.output()}`);
  } finally {
    await stopDaemon(d);
  }
  const journal = project.journal();
  const state = project.state();
  const lat: number[] = [];
  for (let i = 1; i <= n; i++) {
    const id = `s${i}`;
    const decided = journal.find((e) => e.kind === 'decision' && e.task === id && e.msg.startsWith(`start ${id}:`));
    const a = state.tasks[id]?.attempts[0];
    if (!decided || !a) continue;
    const started = Number(readFileSync(project.file(`.aura/${a.dir}/t_start`), 'utf8').trim());
    lat.push(started - Date.parse(decided.ts));
  }
  return lat;
}

export async function benchSpawn(o: BenchOptions): Promise<Section> {
  const n = o.trials;
  const runs: Array<[string, string, Record<string, string>, string]> = [
    ['decision → the worker\'s own process (steps of 0.3 s)', '; sleep 0.3', {}, '< 100 ms p50'],
    ['  steps that exit at once (back to back)', '', {}, 'context'],
    ['  steps of 0.3 s, AURA_RUNNER_STANDBY=false', '; sleep 0.3', { AURA_RUNNER_STANDBY: 'false' }, 'context'],
  ];
  const rows: Row[] = [];
  for (const [label, after, env, target] of runs) rows.push(dist(label, await latencies(n, after, env), target));
  return {
    title: '13. spawn decision → worker process running',
    rows,
    notes: [`${n} steps a run; the first spare is started as the daemon starts, so the first step may find it still starting.`],
  };
}
