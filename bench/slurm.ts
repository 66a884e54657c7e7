// 10. The Slurm executor against the real test cluster (scripts/slurm-local.sh start): submit →
// running → reconciled latency, and the controller calls each poll makes, with 2 and with 200 jobs
// of the run in the queue at once. The executor is driven directly (no daemon), polling every second;
// every job is a real batch job running aura's runner. Skipped, with the reason, without a Slurm.
//
//   submit → running seen: sbatch called → a poll lists the job RUNNING (queue wait included)
//   end → reconciled:      the runner's exit record (endedAt, inside the job) → the WorkerExit
//   calls per poll:        Slurm commands one poll ran (squeue, plus scontrol/sacct only when a job
//                          ended without its record); sstat runs on the watchdog's own clock
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../src/config/schema.js';
import { SlurmExecutor } from '../src/executors/slurm/executor.js';
import { jobName, runPrefix } from '../src/executors/slurm/names.js';
import { REPO } from '../test/helpers/aura.js';
import { sleep, tempDir, withTimeout, type BenchOptions } from './harness.js';
import { dist, type Row, type Section } from './report.js';
import { summarize } from './stats.js';

const TITLE = '10. Slurm executor';
const RUNNER = path.join(REPO, 'dist', 'workers', 'runner-main.js');

function noSlurm(): string | null {
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 15_000 });
  if (ping.error || !/is UP/.test(ping.stdout ?? '')) return 'no Slurm controller answers here (scripts/slurm-local.sh start)';
  return null;
}

interface Round {
  submitToRunning: number[];
  endToReconciled: number[];
  callsPerPoll: number[];
  squeueMs: number[];
  sbatchMs: number[];
  calls: Map<string, number>;
  polls: number;
  wallS: number;
}

async function round(jobs: number, holdSeconds: number): Promise<Round> {
  const dir = tempDir('aura-bench-slurm-');
  const runId = randomUUID();
  const submitted = new Map<string, number>();
  const running = new Map<string, number>();
  const reconciled = new Map<string, number>();
  const config = { ...defaultConfig(), AURA_EXECUTOR: 'slurm' as const, AURA_SLURM_POLL_SECONDS: 1 };
  const ex = new SlurmExecutor({
    config,
    env: process.env,
    runId: () => runId,
    since: () => new Date(Date.now() - 3600_000).toISOString(),
    onExit: (e) => reconciled.set(e.task, Date.now()),
    onStopped: () => undefined,
    onKill: () => undefined,
    onNotice: (msg, task) => {
      if (task && / is running on /.test(msg)) running.set(task, Date.now());
    },
  });
  const sbatchMs: number[] = [];
  const t0 = Date.now();
  try {
    for (let i = 0; i < jobs; i++) {
      const task = `j${i}`;
      const attemptDir = path.join(dir, task);
      mkdirSync(attemptDir, { recursive: true });
      const specFile = path.join(attemptDir, 'runner.json');
      writeFileSync(specFile, JSON.stringify({ argv: ['/bin/sh', '-c', `sleep ${holdSeconds}`], cwd: dir, backend: 'shell', capBytes: 1 << 20 }));
      const s0 = performance.now();
      submitted.set(task, Date.now());
      await ex.submit({
        task,
        attempt: 1,
        marker: `${runId}:${task}:1`,
        name: jobName(runId, task, 1),
        attemptDirAbs: attemptDir,
        projectDir: dir,
        specFile,
        runner: RUNNER,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        budgetMs: 30 * 60_000,
        resources: { memBytes: 64 * 2 ** 20, cpus: 1, gpus: null },
      });
      sbatchMs.push(performance.now() - s0);
    }
    await withTimeout(
      (async () => {
        while (reconciled.size < jobs) await sleep(100);
      })(),
      Math.max(120_000, jobs * holdSeconds * 1000),
      `${jobs} jobs to end`,
    );
  } finally {
    ex.close();
    const left = spawnSync('squeue', ['-h', '-o', '%i|%j'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes(runPrefix(runId)));
    if (left.length) spawnSync('scancel', left.map((l) => l.split('|')[0]!));
  }
  const submitToRunning: number[] = [];
  const endToReconciled: number[] = [];
  for (let i = 0; i < jobs; i++) {
    const task = `j${i}`;
    const r = running.get(task);
    if (r !== undefined) submitToRunning.push(r - (submitted.get(task) as number));
    const exit = JSON.parse(readFileSync(path.join(dir, task, 'exit.json'), 'utf8')) as { endedAt: string };
    endToReconciled.push((reconciled.get(task) as number) - Date.parse(exit.endedAt));
  }
  return { submitToRunning, endToReconciled, callsPerPoll: [...ex.stats.callsPerPoll], squeueMs: [...ex.stats.squeueMs], sbatchMs, calls: new Map(ex.ctl.calls), polls: ex.stats.polls, wallS: (Date.now() - t0) / 1000 };
}

export async function benchSlurm(o: BenchOptions): Promise<Section> {
  const why = noSlurm();
  if (why) return { title: TITLE, rows: [{ label: 'slurm: skipped', value: why }], notes: [] };
  const rows: Row[] = [];
  const notes: string[] = [];
  const sizes = o.quick ? [2, 20] : [2, 200];
  for (const n of sizes) {
    // Two jobs: several rounds for a distribution. Many: one round; every job is a sample.
    const rounds = n <= 2 ? Math.max(1, Math.min(o.trials, 10)) : 1;
    const all: Round[] = [];
    for (let i = 0; i < rounds; i++) all.push(await round(n, 3));
    const cat = (k: 'submitToRunning' | 'endToReconciled' | 'callsPerPoll' | 'squeueMs' | 'sbatchMs') => all.flatMap((r) => r[k]);
    rows.push(
      dist(`slurm ${n} jobs: submit → running seen`, cat('submitToRunning')),
      dist(`slurm ${n} jobs: end → reconciled`, cat('endToReconciled'), '≤ poll (1 s) + squeue'),
      dist(`slurm ${n} jobs: squeue per poll`, cat('squeueMs')),
      dist(`slurm ${n} jobs: sbatch`, cat('sbatchMs')),
    );
    const cpp = summarize(cat('callsPerPoll'));
    rows.push({ label: `slurm ${n} jobs: controller calls per poll`, value: `mean ${cpp.mean.toFixed(2)}, max ${cpp.max}` });
    const calls = new Map<string, number>();
    for (const r of all) for (const [k, v] of r.calls) calls.set(k, (calls.get(k) ?? 0) + v);
    const polls = all.reduce((a, r) => a + r.polls, 0);
    notes.push(`${n} jobs: ${polls} polls over ${all.reduce((a, r) => a + r.wallS, 0).toFixed(0)} s, calls by command: ${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  notes.push('the test node runs 8 jobs at once (4× its cores), so with 200 jobs most wait in the queue; submit → running then measures queue wait too.');
  return { title: TITLE, rows, notes };
}
