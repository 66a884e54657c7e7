// Test helpers: real temp projects, the real built CLI (bin/aura.js → dist/), real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayJournal } from '../../src/store/replay.js';
import type { JournalEntry, RunState } from '../../src/store/schema.js';

/** The snapshot as StateStore.load() takes it: between a save's two renames only state.prev.json is there. */
function readSnapshot(dir: string): RunState {
  try {
    return JSON.parse(readFileSync(path.join(dir, '.aura/state/state.json'), 'utf8')) as RunState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return JSON.parse(readFileSync(path.join(dir, '.aura/state/state.prev.json'), 'utf8')) as RunState;
  }
}

function currentState(dir: string): RunState {
  const snap = readSnapshot(dir);
  let text = '';
  try {
    text = readFileSync(path.join(dir, '.aura/state/journal.jsonl'), 'utf8');
  } catch {
    return snap;
  }
  const after: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (e.seq > snap.journalSeq) after.push(e);
    } catch {
      // a line being written: the next read has it whole
    }
  }
  return after.length ? replayJournal(snap, after).state : snap;
}

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The CLI under test; BENCH_AURA_BIN points the benchmarks at another build (an older commit, to compare). */
export const AURA_BIN = process.env.BENCH_AURA_BIN ?? path.join(REPO, 'bin', 'aura.js');

export interface Project {
  dir: string;
  file(rel: string): string;
  write(rel: string, text: string): void;
  read(rel: string): string;
  exists(rel: string): boolean;
  state(): RunState;
  journal(): JournalEntry[];
  progress(): string;
  cleanup(): void;
}

/**
 * For a test file: a `project()` maker whose projects are all removed after the file's tests.
 * Call it at the top level of the file.
 */
export function projectsForThisFile(): (files?: Record<string, string>) => Project {
  const made: Project[] = [];
  after(() => made.forEach((p) => p.cleanup()));
  return (files = {}) => {
    const p = makeProject(files);
    made.push(p);
    return p;
  };
}

export function makeProject(files: Record<string, string> = {}): Project {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-test-'));
  const p: Project = {
    dir,
    file: (rel) => path.join(dir, rel),
    write(rel, text) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    },
    read: (rel) => readFileSync(path.join(dir, rel), 'utf8'),
    exists: (rel) => existsSync(path.join(dir, rel)),
    // As aura itself reads it: the snapshot, then the journal entries it has not seen yet (the daemon
    // writes state.json only now and then; the journal is the truth).
    state: () => currentState(dir),
    journal: () =>
      readFileSync(path.join(dir, '.aura/state/journal.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as JournalEntry),
    progress: () => readFileSync(path.join(dir, '.aura/state/progress.md'), 'utf8'),
    // A daemon or worker still finishing may write while we remove (ENOTEMPTY): retry a little.
    cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }),
  };
  for (const [rel, text] of Object.entries(files)) p.write(rel, text);
  return p;
}

const homes: string[] = [];
process.once('exit', () => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

/** A clean environment for the CLI: no user config leaks in (HOME is a temp dir), fast defaults. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = mkdtempSync(path.join(os.tmpdir(), 'aura-home-'));
  homes.push(home);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AURA_') && !k.startsWith('NODE_TEST')) env[k] = v;
  return { ...env, HOME: home, AURA_RETRY_BACKOFF_SECONDS: '0', AURA_KILL_GRACE_SECONDS: '2', ...extra };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runAura(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AURA_BIN, ...args], { cwd: opts.cwd, env: opts.env ?? testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aura ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface Daemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(sig?: NodeJS.Signals): void;
}

export function startDaemon(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] }): Daemon {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), AURA_BIN, ...args], { cwd: opts.cwd, env: opts.env ?? testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, output: () => out, exited, kill: (sig = 'SIGTERM') => child.kill(sig) };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const t0 = Date.now();
  let lastErr: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (err) {
      lastErr = err; // files may be mid-replace or absent early on
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${String(lastErr)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** PIDs of live (non-zombie) processes whose environment has KEY=value. */
export function pidsWithEnv(entry: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`);
      if (!env.toString('latin1').split('\0').includes(entry)) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      out.push(Number(name));
    } catch {
      // the process went away mid-scan
    }
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Bytes in a directory tree (files only), e.g. to check an output cap. */
export function dirBytes(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    n += st.isDirectory() ? dirBytes(p) : st.size;
  }
  return n;
}
