// Shared plumbing for the measurements: temp projects, daemons that are always cleaned up, timed
// command spawns, /proc readers. Project and CLI helpers come from the test suite.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { environHas } from '../src/proc/parse.js';
import { AURA_BIN, makeProject, startDaemon, testEnv, waitFor, type Daemon, type Project } from '../test/helpers/aura.js';
import { JournalTail } from './journal-tail.js';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface BenchOptions {
  quick: boolean;
  /** Trials per latency measurement (≥ 20 for a full run). */
  trials: number;
  idleSeconds: number;
  log: (line: string) => void;
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// ── cleanup registry ─────────────────────────────────────────────────────────────────────────────

const projects = new Set<{ project: Project; home: string }>();
const daemons = new Set<Daemon>();
const tempDirs = new Set<string>();
/** `KEY=value` environment entries: every live process carrying one is SIGKILLed on cleanup. */
const markers = new Set<string>();

/** A temp dir removed by cleanupAll/cleanupSync (or earlier with removeTempDir). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/**
 * Processes a measurement starts carry `key=value` in their environment (inherited by every
 * descendant, setsid or not): until untrackMarker, cleanup kills whatever still carries it.
 */
export function trackMarker(key: string, value: string): void {
  markers.add(`${key}=${value}`);
}

export function untrackMarker(key: string, value: string): void {
  markers.delete(`${key}=${value}`);
}

/** Synchronous /proc sweep: SIGKILL every live process whose environment holds `entry`. Returns how many. */
export function killMarkedSync(entry: string): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if (!environHas(readFileSync(`/proc/${pid}/environ`), entry)) continue;
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      // gone meanwhile, or not ours to read: nothing to do
    }
  }
  return n;
}

function sweepMarkersAndDirs(): void {
  for (const m of markers) killMarkedSync(m);
  markers.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

export function newProject(files: Record<string, string>, extraEnv: Record<string, string> = {}): { project: Project; env: NodeJS.ProcessEnv } {
  const project = makeProject(files);
  const env = testEnv(extraEnv);
  projects.add({ project, home: env.HOME! });
  return { project, env };
}

export async function stopDaemon(d: Daemon, timeoutMs = 10_000): Promise<void> {
  if (d.child.exitCode === null && d.child.signalCode === null) {
    d.kill('SIGTERM');
    const t = setTimeout(() => d.kill('SIGKILL'), timeoutMs);
    await d.exited;
    clearTimeout(t);
  }
  daemons.delete(d);
}

/** Stops every daemon and marked process still running and removes every temp dir. Safe to call more than once. */
export async function cleanupAll(): Promise<void> {
  await Promise.all([...daemons].map((d) => stopDaemon(d).catch(() => undefined)));
  sweepMarkersAndDirs();
  for (const p of projects) {
    rmSync(p.project.dir, { recursive: true, force: true });
    rmSync(p.home, { recursive: true, force: true });
  }
  projects.clear();
}

/** Last resort on a hard exit (no awaiting possible): SIGKILL daemons and marked processes, remove dirs. */
export function cleanupSync(): void {
  for (const d of daemons) d.kill('SIGKILL');
  daemons.clear();
  sweepMarkersAndDirs();
  for (const p of projects) {
    rmSync(p.project.dir, { recursive: true, force: true });
    rmSync(p.home, { recursive: true, force: true });
  }
  projects.clear();
}

// ── daemons ──────────────────────────────────────────────────────────────────────────────────────

export interface RunningDaemon {
  project: Project;
  env: NodeJS.ProcessEnv;
  daemon: Daemon;
  pid: number;
  socketPath: string;
  journal: JournalTail;
  stop(): Promise<void>;
}

/** A one-task file whose task finishes at once, so the daemon is soon asleep with everything done. */
export const DONE_TASK_FILE = '# Bench: nothing left to do\n\n- [ ] Only step\n  - id: only\n  - run: `true`\n';

/**
 * BENCH_PROFILE=DIR: every daemon the benchmarks start writes a V8 CPU profile (10 ms samples) into DIR
 * when it exits (Node's --cpu-prof; open it in Chrome's DevTools or read its samples by time).
 */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`, '--cpu-prof-interval=10000'] : [];
}

export function launchDaemon(project: Project, env: NodeJS.ProcessEnv, args: string[]): Daemon {
  const d = startDaemon(args, { cwd: project.dir, env, nodeArgs: profileArgs() });
  daemons.add(d);
  return d;
}

export interface LockFile {
  pid: number;
  socketPath: string;
}

export function readLockFile(project: Project): LockFile {
  return JSON.parse(readFileSync(project.file('.aura/run/daemon.lock'), 'utf8')) as LockFile;
}

/** Starts a daemon on a project whose tasks all finish at once and waits until it sleeps (interval 3600). */
export async function sleepingDaemon(taskFile = DONE_TASK_FILE, extraEnv: Record<string, string> = {}): Promise<RunningDaemon> {
  const { project, env } = newProject({ 'task.md': taskFile }, extraEnv);
  const daemon = launchDaemon(project, env, ['task.md', '--interval', '3600', '--quiet']);
  const died = daemon.exited.then((e) => {
    throw new Error(`daemon exited early (${e.code ?? e.signal}):\n${daemon.output()}`);
  });
  died.catch(() => undefined);
  await Promise.race([waitFor('all tasks done', () => project.state().doneAt, 20_000), died]);
  const lock = await waitFor('daemon.lock', () => readLockFile(project), 5_000);
  const journal = new JournalTail(project.file('.aura/state/journal.jsonl'));
  journal.poll();
  await sleep(200); // let the last cycle render progress.md and the daemon go to sleep
  return { project, env, daemon, pid: lock.pid, socketPath: lock.socketPath, journal, stop: () => stopDaemon(daemon) };
}

// ── timed commands ───────────────────────────────────────────────────────────────────────────────

export interface Timed {
  /** Wall-clock Date.now() just before the spawn (for comparing with daemon timestamps). */
  startWall: number;
  /** performance.now() spawn → exit, in ms. */
  wallMs: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export function spawnTimed(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const startWall = Date.now();
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${argv.join(' ')} timed out`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' (not 'exit'): the output is complete, as a shell user waiting for the prompt sees it.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ startWall, wallMs: performance.now() - t0, code, stdout, stderr });
    });
  });
}

export const auraArgv = (...args: string[]) => [process.execPath, AURA_BIN, ...args];

// ── /proc ────────────────────────────────────────────────────────────────────────────────────────

export interface ProcSample {
  /** utime + stime, in clock ticks. */
  ticks: number;
  rssKb: number;
  hwmKb: number;
  at: number;
}

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that closes comm start at field 3 (state); utime is 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[14 - 3]) + Number(rest[15 - 3]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { ticks, rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), at: performance.now() };
}

/** Processes on the machine: the daemon scans all of /proc after every worker exit. */
export function processCount(): number {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
}

export function attemptFile(project: Project, attemptDir: string, name: string): string {
  return path.join(project.dir, '.aura', attemptDir, name);
}
