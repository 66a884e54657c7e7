// 13. Spawn decision → the worker's own process running. N tasks one after another; each task's
// command records, as its first act, the time it started (`date +%s%3N`, the shell the runner starts
// being the worker's own process). The decision's time is the journal entry "start <task>: …",
// stamped when the daemon decided (not when it reached the disk). Between the two: the attempt's
// directory and brief, the write-ahead commit (fsync), the runner's start, the worker's start.
import { readFileSync } from 'node:fs';
import { launchDaemon, newProject, stopDaemon, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Section } from './report.js';

function taskFile(n: number): string {
  const items = Array.from({ length: n }, (_, i) => `- [ ] Step ${i + 1}\n  - id: s${i + 1}\n  - run: \`date +%s%3N > "$AURA_ATTEMPT_DIR/t_start"\`\n`);
  return `# Bench: ${n} steps, one after another\n\n${items.join('')}`;
}

export async function benchSpawn(o: BenchOptions): Promise<Section> {
  const n = o.trials;
  const { project, env } = newProject({ 'task.md': taskFile(n) });
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
  return {
    title: '13. spawn decision → worker process running',
    rows: [dist('decision → the worker\'s own process running', lat, '< 100 ms p50')],
    notes: [`${lat.length} of ${n} steps measured; the first step includes the daemon's first spawn.`],
  };
}
