// `npm run bench [-- --quick] [-- --only wake,save,exit,idle,commands,scan,stop,watchdog,planner,dashboard]`
//
// Latency and footprint figures for the daemon, printed, never asserted (machines are shared and
// noisy). Needs a built CLI (`npm run build`). Settings:
//   --quick              5 trials, 5 s idle window (a smoke run)
//   --only a,b           run only these measurements (wake, save, exit, idle, commands, scan, stop,
//                        watchdog, planner, scale, dashboard, slurm, spawn, endurance, worktree,
//                        crash-status)
//   BENCH_TRIALS         trials per latency figure (default 30; 5 with --quick; at most 10 for the
//                        stubborn stops and the watchdog kills, which wait out a grace or strikes)
//   BENCH_IDLE_SECONDS   idle window, also the watchdog's 1 Hz sampling windows (default 60; 5 with --quick)
//   BENCH_SCALE_SIZES    task counts for the scale measurement (default 200,1000,2000,5000,20000)
//   BENCH_CRASH_SIZE, BENCH_CRASH_KILLS  tasks and kill -9s for crash-status (default 20000 and 12)
//   BENCH_ENDURANCE_MINUTES  length of the endurance run (default 10; 1 with --quick); days-scale: run it long
//   BENCH_ENDURANCE_HEAP=0   endurance without its heap probe (a forced full GC a minute, for heapUsed)
//   BENCH_REPO_FILES     files in the worktree measurement's repository (default 10000)
//   BENCH_PROFILE=DIR    each daemon started by a measurement writes a V8 CPU profile into DIR at exit
//   BENCH_AURA_BIN       measure another build of aura (e.g. an older commit's bin/aura.js) with this harness
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from '../test/helpers/aura.js';
import { benchCommands } from './commands.js';
import { benchExit } from './exit.js';
import { cleanupAll, cleanupSync, processCount, type BenchOptions } from './harness.js';
import { benchIdle } from './idle.js';
import { line, table, type Section } from './report.js';
import { benchSave } from './save.js';
import { benchScan } from './scan.js';
import { benchStop } from './stop.js';
import { benchWake } from './wake.js';
import { benchWatchdog } from './watchdog-sampling.js';
import { benchPlanner } from './planner.js';
import { benchScale } from './scale.js';
import { benchSpawn } from './spawn.js';
import { benchEndurance } from './endurance.js';
import { benchDashboard } from './dashboard.js';
import { benchSlurm } from './slurm.js';
import { benchWorktree } from './worktree.js';
import { benchCrashStatus } from './crash-status.js';

const MEASUREMENTS: Array<[string, string, (o: BenchOptions) => Promise<Section>]> = [
  ['wake', '1. aura wake → cycle start', benchWake],
  ['save', '2. task.md save → cycle start', benchSave],
  ['exit', '3. worker exit → reconciled', benchExit],
  ['idle', '4. idle daemon', benchIdle],
  ['commands', '5. command wall time', benchCommands],
  ['scan', '6. /proc scans', benchScan],
  ['stop', '7. stopping a worker tree', benchStop],
  ['watchdog', '8. watchdog sampling', benchWatchdog],
  ['planner', '9. LLM planner request', benchPlanner],
  ['scale', '10. daemon cost as the run grows', benchScale],
  ['dashboard', '11. dashboard', benchDashboard],
  ['slurm', '12. Slurm executor (a real Slurm)', benchSlurm],
  ['spawn', '13. spawn decision → worker running', benchSpawn],
  ['endurance', '14. endurance (RSS and fd slope with a live worker)', benchEndurance],
  ['worktree', '15. git worktree per attempt (create, commit, merge, cleanup)', benchWorktree],
  ['crash-status', '16. aura status after kill -9 mid-run', benchCrashStatus],
];

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return v;
}

function parseArgs(argv: string[]): { quick: boolean; only: Set<string> | null } {
  let quick = false;
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      only = new Set((v ?? '').split(',').map((s) => s.trim()).filter(Boolean));
      const known = new Set(MEASUREMENTS.map((m) => m[0]));
      for (const n of only) if (!known.has(n)) throw new Error(`--only: unknown measurement "${n}" (known: ${[...known].join(', ')})`);
    } else throw new Error(`unknown argument "${a}" (use --quick, --only <names>)`);
  }
  return { quick, only };
}

function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return [
    `machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `         ${os.type()} ${os.release()}, node ${process.version}, load ${load}, ${processCount()} processes`,
  ].join('\n');
}

async function main(): Promise<number> {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const o: BenchOptions = {
    quick,
    trials: Math.round(positiveNumber('BENCH_TRIALS', quick ? 5 : 30)),
    idleSeconds: positiveNumber('BENCH_IDLE_SECONDS', quick ? 5 : 60),
    log: (l) => console.log(l),
  };
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js'))) {
    console.error('bench: dist/ is missing; run `npm run build` first (the CLI runs from dist/)');
    return 2;
  }
  console.log(`aura bench${quick ? ' (quick)' : ''}: ${o.trials} trials per figure, ${o.idleSeconds} s idle window`);
  console.log(machine());
  const sections: Section[] = [];
  let failed = false;
  for (const [name, title, fn] of MEASUREMENTS) {
    if (only && !only.has(name)) continue;
    if (stopping) break;
    console.log(`\n${title}`);
    const t0 = Date.now();
    try {
      const s = await fn(o);
      sections.push(s);
      for (const r of s.rows) console.log(`  ${r.label}: ${r.summary ? line(r.summary) : r.value}`);
      for (const n of s.notes) console.log(`  note: ${n}`);
    } catch (err) {
      failed = true;
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.log(`  FAILED: ${msg}`);
      sections.push({ title, rows: [], notes: [], error: err instanceof Error ? err.message : String(err) });
    }
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  console.log(`\nSummary (percentiles are nearest-rank; targets are context, not assertions)\n`);
  console.log(table(sections));
  console.log(`\n${machine()}`);
  return failed ? 1 : 0;
}

// Daemons, marked processes and temp dirs go away however the run ends.
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\nbench: ${sig}, cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
process.on('exit', cleanupSync);

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    return 1;
  })
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  });
