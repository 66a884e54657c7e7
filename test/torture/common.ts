// Shared pieces of the torture suite: the seeded PRNG, the fault-kind shape, real projects and
// processes with hard time limits. Every random choice a fault makes goes through ctx.rand, so a
// (seed, kind, iteration) triple replays the same faults.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AURA_BIN, makeProject, testEnv, type Project, type RunResult } from '../helpers/aura.js';

export { AURA_BIN, makeProject, testEnv, type Project, type RunResult };

/** mulberry32: tiny, fast, good enough to pick fault moments, and the same on every machine. */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

export interface Rand {
  next(): number;
  /** Whole number in [lo, hi]. */
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** One seed per (run seed, kind, iteration): replaying one iteration needs nothing else. */
export function iterationSeed(seed: number, kind: string, iteration: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of `${kind}#${iteration}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export interface Ctx {
  rand: Rand;
  kind: string;
  iteration: number;
  /** Something worth printing with --verbose (what was injected, when). */
  note(msg: string): void;
  /** Records an invariant violation (the iteration goes on; the run fails at the end). */
  violate(msg: string): void;
  /** A temp project removed after the iteration (kept when the iteration found a violation). */
  project(files?: Record<string, string>): Project;
  /** A clean environment with a temp HOME, as the e2e tests use. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
}

export interface FaultKind {
  name: string;
  family: string;
  /** What is injected, one line, for the table and --list. */
  what: string;
  /** Hard limit for one iteration; running past it is itself a violation (a hang). */
  timeoutMs: number;
  run(ctx: Ctx): Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Proc {
  pid: number;
  output(): string;
  exited: Promise<RunResult>;
  kill(sig?: NodeJS.Signals): void;
}

/** The real CLI as a child, with a hard limit: past it the child is SIGKILLed and `code` is null. */
export function aura(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] }): Proc {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), AURA_BIN, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    if (stdout.length < 4_000_000) stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4_000_000) stderr += c.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const exited = new Promise<RunResult>((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : code, signal, stdout, stderr: timedOut ? `${stderr}\n[torture: timed out after ${opts.timeoutMs ?? 60_000} ms]` : stderr });
    }),
  );
  return { pid: child.pid!, output: () => stdout + stderr, exited, kill: (sig = 'SIGTERM') => child.kill(sig) };
}

export function auraRun(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number; nodeArgs?: string[] }): Promise<RunResult> {
  return aura(args, opts).exited;
}

/** A JavaScript stack trace in output means something crashed instead of explaining itself. */
export function crashed(text: string): string | null {
  const m = /^(\w*Error\b.*)\n\s+at .+\(?.+:\d+:\d+\)?$/m.exec(text) ?? /\n\s+at .+ \(.+\.js:\d+:\d+\)/.exec(text);
  return m ? m[0].slice(0, 300) : null;
}

export function short(r: RunResult, max = 1500): string {
  const t = `${r.stdout}\n${r.stderr}`.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmrf(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

/** A chain of shell tasks with real artifacts, each checked by a verify command. */
export function shellChain(rand: Rand, n: number, opts: { parallelSection?: boolean; maxSleep?: number } = {}): string {
  const lines = ['# Torture run', '', 'Shell workers with real artifacts.', ''];
  const maxSleep = opts.maxSleep ?? 0.8;
  const section = opts.parallelSection ? rand.int(1, Math.max(1, n - 1)) : -1;
  for (let i = 0; i < n; i++) {
    if (i === section) lines.push('## Side by side (parallel)', '');
    const s = (rand.next() * maxSleep).toFixed(2);
    lines.push(
      `- [ ] Step ${i}`,
      `  - id: s${i}`,
      `  - run: \`mkdir -p out; echo "start s${i} $$" >> runs.log; sleep ${s}; printf 'out-${i}\\n' > out/s${i}.txt; echo "end s${i}" >> runs.log\``,
      `  - produces: \`out/s${i}.txt\``,
      `  - verify: \`grep -q out-${i} out/s${i}.txt\``,
      '',
    );
  }
  return lines.join('\n');
}

/** Live aura processes (daemon or command) whose working directory is this project. */
export function auraPidsIn(projectDir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => a.endsWith('bin/aura.js'))) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readlinkSync(`/proc/${name}/cwd`) === projectDir) out.push(Number(name));
    } catch {
      // gone mid-scan
    }
  }
  return out;
}
