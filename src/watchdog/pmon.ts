// Per-process SM utilisation from a resident `nvidia-smi pmon -s um -d <s>`, only when a GPU
// utilisation limit is set.
//
// Choice: per-process SM% rather than the whole GPU's utilization.gpu charged to every worker on
// it: GPUs are shared (other users, other workers, a desktop), and the watchdog must not kill a
// worker for someone else's load. pmon blocks ~1 s per sample (§4.3), so it runs resident, off the
// poll, and the poll reads its latest block. No fresh block (just started, stalled, restarting) →
// utilisation "unknown", never 0. MIG GPUs report no per-process utilisation (§4.7): the watchdog
// treats them as unknown for this limit and accounts memory only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errnoCode } from '../util/errors.js';
import type { Clock } from './gpu.js';
import { PmonParser } from './gpu-parse.js';

export type SpawnPmon = (argv: readonly string[], env: NodeJS.ProcessEnv) => ChildProcess;

const defaultSpawn: SpawnPmon = (argv, env) =>
  spawn(argv[0] as string, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'ignore'], detached: true });

export interface PmonOptions {
  bin: string;
  /** pmon's -d: whole seconds 1–10 (nvidia-smi's range). */
  intervalS: number;
  clock: Clock;
  notice: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  spawn?: SpawnPmon;
  restartMs?: number;
}

export function pmonInterval(pollSeconds: number): number {
  return Math.min(10, Math.max(1, Math.round(pollSeconds)));
}

export class PmonMonitor {
  private child: ChildProcess | null = null;
  private stopped = true;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly rows = new Map<string, { gpu: number; pid: number; sm: number; at: number }>();
  private lastBlockAt: number | null = null;
  starts = 0;

  constructor(private readonly o: PmonOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.launch();
  }

  stop(): void {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.kill();
  }

  /**
   * Summed SM% per GPU index of the given processes in pmon's latest block, or null when pmon has
   * not reported within two intervals (unknown). Processes without a row use 0% (idle).
   */
  smByGpu(pids: ReadonlySet<number>): Map<number, number> | null {
    const now = this.o.clock.now();
    const intervalMs = this.o.intervalS * 1000;
    this.pruneOld(now);
    if (this.lastBlockAt === null || now - this.lastBlockAt > 2 * intervalMs + 1000) return null;
    // A block is written in one go; rows older than half an interval before the newest belong to an
    // earlier block (a process that has since exited).
    const from = this.lastBlockAt - intervalMs / 2;
    const out = new Map<number, number>();
    for (const r of this.rows.values()) {
      if (r.at < from || !pids.has(r.pid)) continue;
      out.set(r.gpu, Math.min(100, (out.get(r.gpu) ?? 0) + r.sm));
    }
    return out;
  }

  private launch(): void {
    this.starts++;
    const argv = [this.o.bin, 'pmon', '-s', 'um', '-d', String(this.o.intervalS)];
    const child = (this.o.spawn ?? defaultSpawn)(argv, this.o.env ?? process.env);
    this.child = child;
    const parser = new PmonParser();
    child.on('error', (e) => this.o.notice(`nvidia-smi pmon could not start: ${errnoCode(e) ?? e.message}`));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopped) return;
      const ms = this.o.restartMs ?? 5000;
      this.o.notice(`nvidia-smi pmon exited (${code ?? signal}): restarting in ${ms / 1000} s`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopped) this.launch();
      }, ms);
      this.restartTimer.unref();
    });
    if (child.stdout) {
      const lines = createInterface({ input: child.stdout });
      lines.on('line', (line) => {
        const row = parser.feed(line);
        if (row === null) return;
        const at = this.o.clock.now();
        this.lastBlockAt = at;
        if (row.pid !== null) this.rows.set(`${row.gpu}:${row.pid}`, { gpu: row.gpu, pid: row.pid, sm: row.smPercent, at });
      });
      // A resident sampler must not keep the daemon alive on its own.
      (child.stdout as unknown as { unref?: () => void }).unref?.();
    }
    child.unref();
  }

  /** Rows of processes that stopped appearing (exited) are dropped after a minute. */
  private pruneOld(now: number): void {
    const keepFrom = now - 60_000;
    for (const [k, r] of this.rows) if (r.at < keepFrom) this.rows.delete(k);
  }

  private kill(): void {
    const c = this.child;
    this.child = null;
    if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch (err) {
      if (errnoCode(err) !== 'ESRCH') throw err;
    }
  }
}
