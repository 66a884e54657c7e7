// 3. worker exit → reconciled.
//
// A task file with N sequential quick tasks. Each task's command records its own end in its attempt
// directory (`t_end`, Date.now() in a process 'exit' handler, so as late as Node lets it), then
// exits 0. The exit is reconciled when the daemon journals `attempt <n> exited with code 0` for the
// task (the same commit also records the running → verifying status change), so:
//   exit → reconciled = ts(attempt entry) − t_end.
// Split in two with the ctime of the runner's `exit.json` (written atomically, by rename, right before
// the runner exits; a rename sets the ctime): worker side (Node teardown, the runner recording the
// end) and daemon side (SIGCHLD → 'exit' event → one /proc scan for leftovers → wake → cycle →
// journal commit). One such scan is timed here as well, to put that part in figures.
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { findByEnvMarker } from '../src/proc/scan.js';
import type { JournalEntry } from '../src/store/schema.js';
import { MARKER_KEY } from '../src/workers/tree-kill.js';
import { attemptFile, launchDaemon, newProject, processCount, stopDaemon, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Section } from './report.js';

const COMMAND =
  "node -e \"process.on('exit',()=>require('fs').writeFileSync(process.env.AURA_ATTEMPT_DIR+'/t_end',String(Date.now())));setTimeout(()=>{},50)\"";

function taskFile(n: number): string {
  const items = Array.from({ length: n }, (_, i) => {
    const id = `s${String(i + 1).padStart(2, '0')}`;
    return `- [ ] Step ${i + 1}\n  - id: ${id}\n  - run: \`${COMMAND}\`\n`;
  });
  return `# Bench: ${n} sequential quick workers\n\n${items.join('\n')}`;
}

export async function benchExit(o: BenchOptions): Promise<Section> {
  const n = o.trials;
  const { project, env } = newProject({ 'task.md': taskFile(n) });
  const procs = processCount();
  const d = launchDaemon(project, env, ['task.md', '--interval', '3600', '--max-concurrent', '1', '--exit-when-done', '--quiet']);
  try {
    const { code } = await withTimeout(d.exited, 30_000 + n * 3_000, 'the daemon to finish every task');
    if (code !== 0) throw new Error(`daemon exited ${code}:\n${d.output()}`);
  } finally {
    await stopDaemon(d);
  }

  // The same scan the daemon runs for a worker's leftovers, on this machine, now.
  const scans: number[] = [];
  await findByEnvMarker(MARKER_KEY, 'bench-no-such-marker');
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await findByEnvMarker(MARKER_KEY, 'bench-no-such-marker');
    scans.push(performance.now() - t0);
  }

  const state = project.state();
  const journal = project.journal();
  const total: number[] = [];
  const worker: number[] = [];
  const daemon: number[] = [];
  const toNext: number[] = [];
  let statusMismatch = 0;
  let retried = 0;
  const ids = Object.keys(state.tasks).sort();
  const started = (id: string): JournalEntry | undefined =>
    journal.find((e) => e.kind === 'attempt' && e.task === id && /worker started/.test(e.msg));
  for (const [k, id] of ids.entries()) {
    const t = state.tasks[id]!;
    if (t.status !== 'done') throw new Error(`task ${id} ended ${t.status}: ${t.reason}`);
    if (t.attempts.length !== 1) retried += 1;
    const a = t.attempts[t.attempts.length - 1]!;
    const tEnd = Number(readFileSync(attemptFile(project, a.dir, 't_end'), 'utf8'));
    const exitCtime = statSync(attemptFile(project, a.dir, 'exit.json')).ctimeMs;
    const rec = journal.find((e) => e.kind === 'attempt' && e.task === id && new RegExp(`^attempt ${a.n} exited with code`).test(e.msg));
    if (!rec) throw new Error(`no 'exited with code' journal entry for ${id}`);
    const st = journal.find((e) => e.kind === 'status' && e.task === id && e.from === 'running' && e.seq > rec.seq - 5);
    if (!st || st.ts !== rec.ts) statusMismatch += 1;
    const ts = Date.parse(rec.ts);
    total.push(ts - tEnd);
    worker.push(exitCtime - tEnd);
    daemon.push(ts - exitCtime);
    const next = ids[k + 1] ? started(ids[k + 1]!) : undefined;
    if (next) toNext.push(Date.parse(next.ts) - tEnd);
  }
  const notes = [
    `${n} tasks, one at a time; ${procs} processes on the machine when it started (the daemon scans /proc for a worker's leftovers on every exit).`,
    "the split uses the ctime of the wrapper's exit file (set by its final mv), so the two parts are approximate; the total is not.",
  ];
  if (statusMismatch) notes.push(`${statusMismatch} task(s) whose running → verifying status entry did not share the attempt entry's ts`);
  if (retried) notes.push(`${retried} task(s) needed more than one attempt`);
  return {
    title: '3. worker exit → reconciled',
    rows: [
      dist('exit: command end → journal "exited with code"', total, 'p95 < 100'),
      dist('exit:   of which worker teardown (→ exit file)', worker),
      dist('exit:   of which daemon (exit file → journal)', daemon),
      dist('exit: one /proc marker scan (daemon: 3 per exit)', scans),
      dist('exit: command end → next task\'s worker started', toNext),
    ],
    notes,
  };
}
