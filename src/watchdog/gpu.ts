// GPU figures, at most one nvidia-smi spawn per poll.
//
// Choice: one short-lived `sh -c 'nvidia-smi --query-gpu=… || exit; echo MARK; exec nvidia-smi
// --query-compute-apps=…'` per poll, rather than two resident `-lms` loop samplers:
// - one spawn from the daemon per poll (sh execs the second nvidia-smi, so 3 execs, 2 processes);
//   the two queries run back to back in one child, so the per-process rows join with their GPUs;
// - a resident loop needs restart logic, and `--query-compute-apps` prints nothing in an interval
//   with no processes, so "no processes" and "loop stalled" look the same;
// - the cost is what nvidia-smi itself costs (~10–20 ms per query with persistence mode, §4.5),
//   against a poll of seconds. bench/watchdog-sampling.ts measured the daemon side with a fake
//   nvidia-smi: 3.5 ms CPU per poll for this one spawn vs 5.3 ms for two separate spawns.
// A hard timeout kills the whole group; the poll only waits a part of its interval and otherwise
// reports "unknown", taking a late result at the next poll, so a hung driver never stalls the loop
// and never reads as 0%.
import { findOnPath } from './which.js';
import { parseComputeApps, parseQueryGpu, SECTION_MARK, splitSections, type ComputeApp, type GpuInfo } from './gpu-parse.js';
import { runCommand, type RunCommand, type RunResult } from '../util/run-command.js';

export type GpuPoll =
  | { status: 'off'; reason: string }
  | { status: 'unknown'; reason: string }
  | { status: 'ok'; at: number; gpus: GpuInfo[]; apps: ComputeApp[] };

export interface Clock {
  /** Milliseconds, monotonic where possible (performance.now() based in the daemon). */
  now(): number;
}

export interface GpuSamplerOptions {
  clock: Clock;
  notice: (message: string) => void;
  run?: RunCommand;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

const GPU_FIELDS = 'index,uuid,utilization.gpu,memory.used,memory.total';
const APP_FIELDS = 'pid,gpu_uuid,used_gpu_memory';

/** The one shell line; `bin` is an absolute path, quoted for sh. */
export function gpuQueryArgv(bin: string, withMig: boolean): string[] {
  const q = `'${bin.replace(/'/g, `'\\''`)}'`;
  const gpuFields = withMig ? `${GPU_FIELDS},mig.mode.current` : GPU_FIELDS;
  return [
    'sh',
    '-c',
    `${q} --query-gpu=${gpuFields} --format=csv,noheader,nounits || exit $?; echo ${SECTION_MARK}; exec ${q} --query-compute-apps=${APP_FIELDS} --format=csv,noheader,nounits`,
  ];
}

export class GpuSampler {
  private readonly run: RunCommand;
  private readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  private bin: string | null | undefined;
  private withMig = true;
  private off: string | null = null;
  private inflight: Promise<void> | null = null;
  private latest: GpuPoll | null = null;
  private lastProblem = 'no reading yet';
  private readonly abort = new AbortController();
  /** Spawns so far (tests check "at most one per poll"). */
  spawns = 0;

  constructor(private readonly o: GpuSamplerOptions) {
    this.run = o.run ?? runCommand;
    this.env = o.env ?? process.env;
    this.timeoutMs = o.timeoutMs ?? 3000;
  }

  /** The nvidia-smi binary, or null once it is known to be missing. */
  get binary(): string | null {
    if (this.bin === undefined) {
      this.bin = findOnPath('nvidia-smi', this.env);
      if (this.bin === null) this.turnOff('nvidia-smi not found: GPU limits inactive');
    }
    return this.bin;
  }

  /**
   * This poll's figures. Starts a query unless one is still running, waits for it at most
   * `waitMs`, and returns the newest result not returned before, else "unknown".
   */
  async sample(waitMs: number): Promise<GpuPoll> {
    if (this.binary === null || this.off !== null) return { status: 'off', reason: this.off ?? 'nvidia-smi not found' };
    if (this.inflight === null) this.inflight = this.query(this.binary);
    const current = this.inflight;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([current, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    if (this.off !== null) return { status: 'off', reason: this.off };
    const got = this.latest;
    this.latest = null;
    if (got !== null) return got;
    return { status: 'unknown', reason: this.inflight !== null ? 'nvidia-smi still running' : this.lastProblem };
  }

  close(): void {
    this.abort.abort();
  }

  private async query(bin: string): Promise<void> {
    this.spawns++;
    try {
      const r = await this.run(gpuQueryArgv(bin, this.withMig), { timeoutMs: this.timeoutMs, env: this.env, signal: this.abort.signal });
      this.take(r);
    } finally {
      this.inflight = null;
    }
  }

  private take(r: RunResult): void {
    if (r.status === 'missing' || (r.status === 'exit' && r.code === 127)) {
      this.turnOff('nvidia-smi not found: GPU limits inactive');
      return;
    }
    if (r.status === 'timeout') return this.problem(`nvidia-smi timed out after ${this.timeoutMs / 1000} s: GPU figures unknown for this poll`);
    if (r.status === 'error') return this.problem(`nvidia-smi could not run: ${r.message}`);
    if (r.code !== 0) {
      const why = firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.code ?? r.signal}`;
      // Drivers older than MIG do not know the field: ask without it from now on.
      if (this.withMig && /not a valid field/i.test(`${r.stdout}\n${r.stderr}`)) {
        this.withMig = false;
        this.o.notice('nvidia-smi does not know mig.mode.current: MIG detection off');
      }
      return this.problem(`nvidia-smi failed: ${why}`);
    }
    const parts = splitSections(r.stdout);
    if (parts === null) return this.problem('nvidia-smi output had no process section');
    const gpus = parseQueryGpu(parts[0]);
    if (gpus.length === 0) return this.problem('nvidia-smi reported no GPUs');
    this.latest = { status: 'ok', at: this.o.clock.now(), gpus, apps: parseComputeApps(parts[1]) };
  }

  private problem(reason: string): void {
    this.lastProblem = reason;
    this.o.notice(reason);
  }

  private turnOff(reason: string): void {
    if (this.off !== null) return;
    this.off = reason;
    this.o.notice(reason);
  }
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}
