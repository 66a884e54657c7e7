// The torture runner: every fault kind, `--count` iterations each, every random choice seeded.
//   npm run torture -- [--count N] [--seed S] [--only kind1,kind2|family] [--iteration I] [--verbose] [--list]
// --count N is iterations PER FAULT KIND (default 3). A violation prints
//   seed=<S> fault=<kind> iteration=<i>
// and the command that replays exactly that iteration; the exit code is then 1.
import { performance } from 'node:perf_hooks';
import { iterationSeed, makeProject, prng, rmrf, testEnv, type Ctx, type FaultKind, type Project } from './common.js';
import { CONFIG_FAULTS } from './config-faults.js';
import { DAEMON_FAULTS } from './daemon-faults.js';
import { SECRET_FAULTS } from './secret-faults.js';
import { STORE_FAULTS, storeMode } from './store-faults.js';
import { statusCacheSeen } from './status-cache-check.js';
import { TASKFILE_FAULTS } from './taskfile-faults.js';
import { WORKER_FAULTS } from './worker-faults.js';
import { MODEL_FAULTS } from './model-faults.js';

/**
 * Violations this suite found that need a fix outside the files it may change: reported as KNOWN
 * on every run (with the note), failing the run only with --strict. Remove an entry once fixed.
 */
export const KNOWN: Array<{ kind: string; match: RegExp; note: string }> = [];

export const ALL: FaultKind[] = [...DAEMON_FAULTS, ...STORE_FAULTS, ...TASKFILE_FAULTS, ...CONFIG_FAULTS, ...WORKER_FAULTS, ...SECRET_FAULTS, ...MODEL_FAULTS];

interface Args {
  count: number;
  seed: number;
  only: string[] | null;
  iteration: number | null;
  verbose: boolean;
  list: boolean;
  keep: boolean;
  strict: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { count: 3, seed: Date.now() % 2 ** 31, only: null, iteration: null, verbose: false, list: false, keep: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v!;
    };
    const int = (v: string) => (/^\d+$/.test(v) ? Number(v) : usage(`${flag} takes a whole number, not ${v}`));
    if (flag === '--count') a.count = int(value());
    else if (flag === '--seed') a.seed = int(value());
    else if (flag === '--only') a.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (flag === '--iteration') a.iteration = int(value());
    else if (flag === '--verbose' || flag === '-v') a.verbose = true;
    else if (flag === '--list') a.list = true;
    else if (flag === '--keep') a.keep = true;
    else if (flag === '--strict') a.strict = true;
    else usage(`unknown argument ${arg}`);
  }
  return a;
}

function usage(msg: string): never {
  process.stderr.write(`torture: ${msg}\nusage: npm run torture -- [--count N] [--seed S] [--only kind,family] [--iteration I] [--verbose] [--keep] [--strict] [--list]\n`);
  process.exit(2);
}

interface Row {
  kind: string;
  injected: number;
  violations: number;
  known: number;
  ms: number;
}

async function runOne(k: FaultKind, args: Args, i: number): Promise<string[]> {
  const seed = iterationSeed(args.seed, k.name, i);
  const violations: string[] = [];
  const projects: Project[] = [];
  const ctx: Ctx = {
    rand: prng(seed),
    kind: k.name,
    iteration: i,
    note: (m) => {
      if (args.verbose) process.stdout.write(`    · ${m}\n`);
    },
    violate: (m) => violations.push(m),
    project: (files) => {
      const p = makeProject(files);
      projects.push(p);
      return p;
    },
    env: (extra) => testEnv(extra),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      k.run(ctx),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: the iteration ran past ${k.timeoutMs} ms`)), k.timeoutMs);
      }),
    ]);
  } catch (err) {
    violations.push(`the fault iteration threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    clearTimeout(timer);
  }
  if (violations.length === 0 && !args.keep) projects.forEach((p) => rmrf(p.dir));
  else if (projects.length) violations.push(`project(s) kept for inspection: ${projects.map((p) => p.dir).join(' ')}`);
  return violations;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const k of ALL) process.stdout.write(`${k.name.padEnd(26)} ${k.family.padEnd(9)} ${k.what}\n`);
    return;
  }
  const kinds = args.only ? ALL.filter((k) => args.only!.includes(k.name) || args.only!.includes(k.family)) : ALL;
  if (kinds.length === 0) usage(`--only ${args.only!.join(',')} matches no fault kind (see --list)`);
  const iterations = args.iteration !== null ? [args.iteration] : Array.from({ length: args.count }, (_, i) => i);
  process.stdout.write(`torture: seed=${args.seed}, ${kinds.length} fault kinds × ${iterations.length} iteration(s)${args.iteration !== null ? ` (iteration ${args.iteration} only)` : ''}\n`);
  const t0 = performance.now();
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const k of kinds) {
    const row: Row = { kind: k.name, injected: 0, violations: 0, known: 0, ms: 0 };
    rows.push(row);
    for (const i of iterations) {
      const s = performance.now();
      const v = await runOne(k, args, i);
      row.injected += 1;
      row.ms += performance.now() - s;
      const tag = `seed=${args.seed} fault=${k.name} iteration=${i}`;
      const real = v.filter((x) => !x.startsWith('project(s) kept'));
      const known = args.strict ? [] : real.filter((x) => KNOWN.some((n) => n.kind === k.name && n.match.test(x)));
      if (known.length > 0) {
        row.known += 1;
        process.stdout.write(`KNOWN ${tag}: ${known.map((x) => x.split('\n')[0]).join('; ')}\n`);
      }
      if (real.length > known.length) {
        row.violations += 1;
        const replay = `npm run torture -- --seed ${args.seed} --only ${k.name} --iteration ${i}`;
        const text = `VIOLATION ${tag}\n  replay: ${replay}\n${v.map((x) => `  - ${x.replace(/\n/g, '\n    ')}`).join('\n')}\n`;
        process.stdout.write(text);
        failures.push(tag);
      } else if (args.verbose) {
        process.stdout.write(`  ok ${tag} (${Math.round(performance.now() - s)} ms)\n`);
      }
    }
    if (!args.verbose) process.stdout.write(`  ${k.name}: ${row.injected} injected, ${row.violations} violations${row.known ? `, ${row.known} known` : ''}, ${(row.ms / 1000).toFixed(1)} s\n`);
  }
  const wall = (performance.now() - t0) / 1000;
  const w = Math.max(...rows.map((r) => r.kind.length), 10);
  process.stdout.write(`\n${'fault'.padEnd(w)}  injected  violations  known  time (s)\n`);
  for (const r of rows) process.stdout.write(`${r.kind.padEnd(w)}  ${String(r.injected).padStart(8)}  ${String(r.violations).padStart(10)}  ${String(r.known).padStart(5)}  ${(r.ms / 1000).toFixed(1).padStart(8)}\n`);
  const total = rows.reduce((a, r) => ({ i: a.i + r.injected, v: a.v + r.violations, k: a.k + r.known }), { i: 0, v: 0, k: 0 });
  process.stdout.write(`${'total'.padEnd(w)}  ${String(total.i).padStart(8)}  ${String(total.v).padStart(10)}  ${String(total.k).padStart(5)}  ${wall.toFixed(1).padStart(8)}  (wall)\n`);
  for (const n of KNOWN) if (rows.some((r) => r.kind === n.kind && r.known > 0)) process.stdout.write(`known (${n.kind}): ${n.note}\n`);
  process.stdout.write(`status caches compared with the run on disk (invariant 6): ${statusCacheSeen.trusted} trusted, ${statusCacheSeen.ignored} absent or out of date\n`);
  if (storeMode.readonly || storeMode.diskFull) process.stdout.write(`store faults used: read-only = ${storeMode.readonly || 'not run'}; disk full = ${storeMode.diskFull || 'not run'}\n`);
  if (failures.length) {
    process.stdout.write(`\n${failures.length} iteration(s) violated an invariant:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

await main();
