// Shared by the live watchdog tests: marked worker processes (own group, marker in the environment,
// like src/workers/spawn.ts), config building, and waiting.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../src/config/schema.js';
import { readStat } from '../../src/proc/index.js';
import type { WatchdogConfig } from '../../src/watchdog/limits.js';
import { readProcTable } from '../../src/watchdog/proc-table.js';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Marked {
  child: ChildProcess;
  marker: string;
  ref: { pid: number; startTicks: number | null };
}

let seq = 0;

export function startMarked(t: { after(fn: () => void): void }, argv: string[], env: NodeJS.ProcessEnv = {}): Marked {
  const marker = `test-${process.pid}:W${++seq}:1`;
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { PATH: process.env.PATH, ...env, AURA_WORKER_MARKER: marker },
    stdio: 'ignore',
    detached: true,
  });
  t.after(() => killGroup(child.pid));
  const st = readStat(child.pid as number);
  return { child, marker, ref: { pid: child.pid as number, startTicks: st?.startTicks ?? null } };
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function config(o: Partial<WatchdogConfig>): WatchdogConfig {
  return { ...defaultConfig(), AURA_WORKER_RESOURCE_POLL_SECONDS: 0.2, AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: 0.4, AURA_WORKER_RESOURCE_VIOLATION_STRIKES: 2, ...o };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(fn: () => T | null | undefined | Promise<T | null | undefined>, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Every descendant pid of `root` now (for finding a grandchild to report to the fake nvidia-smi). */
export async function descendants(root: number): Promise<Array<{ pid: number; comm: string; depth: number }>> {
  const rows = await readProcTable();
  const out: Array<{ pid: number; comm: string; depth: number }> = [];
  const walk = (pid: number, depth: number) => {
    for (const r of rows) if (r.ppid === pid) {
      out.push({ pid: r.pid, comm: r.comm, depth });
      walk(r.pid, depth + 1);
    }
  };
  walk(root, 1);
  return out;
}

/** Grows RSS to `mb` MB over `overMs` (touched pages, not lazy zero pages), then holds. */
export function hogScript(mb: number, overMs: number): string {
  const steps = 20;
  return `const a=[];let i=0;const t=setInterval(()=>{a.push(Buffer.allocUnsafe(${Math.ceil(mb / steps)}*1048576).fill(1));if(++i>=${steps})clearInterval(t)},${Math.floor(overMs / steps)});setInterval(()=>{},1e6)`;
}
