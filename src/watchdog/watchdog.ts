// The resource watchdog: every POLL seconds one /proc pass, one meminfo read and (when a GPU limit is
// set) one nvidia-smi spawn; readings go into each worker's rolling window, and a limit over its
// average for STRIKES polls in a row produces onKill(taskId, verdict). The daemon does the killing
// (stopTree) and the escalation (escalation.ts); the watchdog only measures and judges.
import { gpuLimitsSet, limitsFromConfig, type Limits, type WatchdogConfig } from './limits.js';
import { GpuSampler, type Clock, type GpuPoll } from './gpu.js';
import { PmonMonitor, pmonInterval, type SpawnPmon } from './pmon.js';
import { preflight, type Preflight } from './preflight.js';
import { gpuFigures, gpuFree, gpuReserveCharges, type GpuReserveCharge } from './readings.js';
import type { RunCommand } from '../util/run-command.js';
import { cpuCount, procConstants, readMemory, type SystemMemory } from './system.js';
import { TreeSampler } from './tree-sample.js';
import { overLimit, step, underReserve, cpuPercent, reserveCulprit, type Check, type KillVerdict, type Metric } from './verdict.js';
import { SampleWindow, type Reading } from './window.js';
import { buildSnapshot, newWorker, type Worker, type WatchdogSnapshot } from './view.js';
import { Placer } from './placer.js';
import type { Placement } from './cpusets.js';

export interface WatchdogOptions {
  config: WatchdogConfig;
  onKill: (taskId: string, verdict: KillVerdict) => void;
  clock?: Clock;
  /** One-shot command runner for nvidia-smi (tests inject fakes). */
  runGpu?: RunCommand;
  spawnPmon?: SpawnPmon;
  /** Environment nvidia-smi and taskset are looked up and run in (default process.env). */
  env?: NodeJS.ProcessEnv;
  gpuTimeoutMs?: number;
  /** 'auto': sample GPUs only when a GPU limit or reserve is set. */
  sampleGpu?: 'auto' | 'always' | 'never';
  tree?: TreeSampler;
  memory?: () => SystemMemory;
  cpus?: number;
  onNotice?: (message: string) => void;
}

export interface WorkerRef {
  pid: number;
  startTicks: number | null;
  /** The process is aura's runner, not the worker: only its descendants are measured. */
  supervisor?: boolean;
}

const performanceClock: Clock = { now: () => performance.now() };

export class Watchdog {
  readonly limits: Limits;
  private readonly clock: Clock;
  private readonly workers = new Map<string, Worker>();
  private readonly tree: TreeSampler;
  private readonly gpu: GpuSampler | null;
  private pmon: PmonMonitor | null = null;
  private readonly memory: () => SystemMemory;
  private readonly cpus: number;
  private readonly sysWindow: SampleWindow<'free'>;
  private readonly gpuWindows = new Map<string, SampleWindow<'free'>>();
  private readonly placer: Placer;
  private lastGpu: GpuPoll;
  private lastMemory: SystemMemory | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;
  private readonly noticeCounts = new Map<string, number>();
  /** Poll start times (last 50) and counters: the rhythm, for views and tests. */
  readonly stats = { polls: 0, skipped: 0, lastDurationMs: 0, starts: [] as number[] };

  constructor(private readonly o: WatchdogOptions) {
    this.limits = limitsFromConfig(o.config);
    this.clock = o.clock ?? performanceClock;
    this.tree = o.tree ?? new TreeSampler();
    this.memory = o.memory ?? readMemory;
    this.cpus = o.cpus ?? cpuCount();
    this.sysWindow = new SampleWindow(this.limits.windowMs);
    const mode = o.sampleGpu ?? 'auto';
    const wantGpu = mode === 'always' || (mode === 'auto' && gpuLimitsSet(this.limits));
    this.gpu = wantGpu
      ? new GpuSampler({ clock: this.clock, notice: (m) => this.notice(m), run: o.runGpu, env: o.env, timeoutMs: o.gpuTimeoutMs })
      : null;
    this.lastGpu = wantGpu ? { status: 'unknown', reason: 'no poll yet' } : { status: 'off', reason: 'no GPU limit set' };
    this.placer = new Placer(this.limits, o.env ?? process.env);
  }

  track(taskId: string, marker: string, root: WorkerRef | null): void {
    if (this.closed) return;
    this.workers.set(taskId, newWorker(taskId, marker, root, this.limits.windowMs));
  }

  untrack(taskId: string): void {
    this.workers.delete(taskId);
    this.tree.forget(taskId);
    this.placer.release(taskId);
  }

  /** Where to run a worker: taskset prefix (CPU ceiling) and CUDA_VISIBLE_DEVICES. Released on untrack. */
  placement(taskId: string): Placement {
    const p = this.placer.place(taskId);
    if (p.note) this.notice(p.note);
    return p;
  }

  /** May a worker start now? Free RAM and, when known, free GPU memory against the reserves. */
  preflight(): Preflight {
    const m = this.memory();
    const gpus = this.lastGpu.status === 'ok' ? this.lastGpu.gpus : null;
    const free = gpus && gpuFree(gpus);
    return preflight({
      minFreeMemBytes: this.limits.minFreeMemBytes,
      minFreeGpuBytes: this.limits.minFreeGpuBytes,
      cudaVisibleDevices: this.limits.cudaVisibleDevices,
      memAvailableBytes: m.availableBytes,
      gpus: gpus && gpus.map((g) => ({ index: g.index, uuid: g.uuid, freeBytes: free?.get(g.uuid) ?? null })),
    });
  }

  start(): void {
    if (this.timer || this.closed) return;
    if (!this.limits.guard) {
      this.notice('resource guard off (AURA_WORKER_RESOURCE_GUARD=false): workers are not watched');
      return;
    }
    const bin = this.gpu?.binary ?? null;
    if (bin !== null && this.limits.gpuUtilPercent > 0) {
      const intervalS = pmonInterval(this.limits.pollMs / 1000);
      this.pmon = new PmonMonitor({ bin, intervalS, clock: this.clock, notice: (m) => this.notice(m), env: this.o.env, spawn: this.o.spawnPmon });
      this.pmon.start();
    }
    this.timer = setInterval(() => void this.tick(), this.limits.pollMs);
    this.timer.unref();
  }

  /** Idempotent: stops the timer, pmon and any nvidia-smi in flight. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pmon?.stop();
    this.gpu?.close();
  }

  get notices(): string[] {
    return [...this.noticeCounts].map(([m, n]) => (n > 1 ? `${m} (×${n})` : m));
  }

  snapshot(): WatchdogSnapshot {
    return buildSnapshot([...this.workers.values()], this.lastGpu, this.lastMemory, this.cpus, this.stats, this.notices, this.limits);
  }

  /** One timer tick: never two polls at once; a tick that finds one running is skipped and counted. */
  private async tick(): Promise<void> {
    if (this.running || this.closed) {
      if (this.running) this.stats.skipped++;
      return;
    }
    this.running = true;
    const t0 = this.clock.now();
    this.stats.starts.push(t0);
    if (this.stats.starts.length > 50) this.stats.starts.shift();
    try {
      await this.poll();
    } catch (err) {
      // A failed poll (e.g. /proc unreadable) must not end the watchdog; it is reported and retried.
      this.notice(`watchdog poll failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.stats.polls++;
      this.stats.lastDurationMs = this.clock.now() - t0;
      this.running = false;
    }
  }

  /** One poll; public so tests and the daemon can drive it without the timer. */
  async poll(): Promise<void> {
    if (this.closed || this.workers.size === 0) return;
    const ws = [...this.workers.values()];
    const gpuWait = this.gpu ? Math.min(this.gpu.timeoutMs, this.limits.pollMs / 2) : 0;
    const gpuP: Promise<GpuPoll> = this.gpu ? this.gpu.sample(gpuWait) : Promise.resolve(this.lastGpu);
    const scanAt = this.clock.now();
    const usage = await this.tree.sample(ws.map((w) => ({ key: w.taskId, marker: w.marker, root: w.root, supervisor: w.root?.supervisor === true })));
    const mem = this.memory();
    const gpu = await gpuP;
    const t = this.clock.now();
    this.lastMemory = mem;
    this.lastGpu = gpu;
    const { clkTck } = procConstants();

    this.sysWindow.push(t, { free: mem.availableBytes });
    const gpuRows = this.gpuFreeRows(gpu, t);
    const gpuUse = new Map<string, Map<string, number>>();
    for (const w of ws) {
      const u = usage.get(w.taskId);
      const pids = new Set(u?.pids ?? []);
      const sm = this.pmon?.smByGpu(pids) ?? null;
      const g = gpuFigures(pids, gpu, sm, this.limits.gpuUtilPercent > 0);
      gpuUse.set(w.taskId, g.byUuid);
      const reading: Reading<Metric> = {
        cpuPercent: cpuPercent(u?.cpuTicksDelta ?? null, w.lastScanAt === null ? 0 : scanAt - w.lastScanAt, clkTck, this.cpus),
        memBytes: u?.rssBytes ?? 0,
        memPercent: ((u?.rssBytes ?? 0) / mem.totalBytes) * 100,
        gpuUtilPercent: g.gpuUtilPercent,
        gpuMemBytes: g.gpuMemBytes,
        gpuMemPercent: g.gpuMemPercent,
      };
      w.lastScanAt = scanAt;
      w.pids = u?.count ?? 0;
      w.last = reading;
      w.window.push(t, reading);
      w.history.push({ cpuPercent: reading.cpuPercent, memBytes: reading.memBytes, gpuMemBytes: reading.gpuMemBytes, gpuUtilPercent: reading.gpuUtilPercent });
    }

    const memCulprit = reserveCulprit(ws.map((w) => ({ id: w.taskId, bytes: w.window.average('memBytes') })));
    const gpuCharges = this.limits.minFreeGpuBytes > 0 ? gpuReserveCharges(this.limits.minFreeGpuBytes, gpuRows, gpuUse) : null;
    const kills: Array<[string, KillVerdict]> = [];
    for (const w of ws) {
      if (w.killed) continue;
      const checks = this.checks(w, memCulprit, gpu.status === 'ok' ? gpuCharges?.get(w.taskId) ?? null : null);
      const r = step(w.strikes, checks, this.limits.strikes, this.limits.windowMs);
      w.strikes = r.strikes;
      if (r.verdict) {
        w.killed = r.verdict;
        kills.push([w.taskId, r.verdict]);
      }
    }
    for (const [taskId, v] of kills) {
      try {
        this.o.onKill(taskId, v);
      } catch (err) {
        this.notice(`onKill(${taskId}) threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private checks(w: Worker, memCulprit: string | null, gpuCharge: GpuReserveCharge | null): Check[] {
    const l = this.limits;
    const out: Check[] = [];
    const ceiling = (key: Metric, limit: number) => {
      if (limit > 0) out.push(overLimit(key, limit, w.last?.[key] ?? null, w.window.average(key)));
    };
    ceiling('cpuPercent', l.cpuPercent);
    ceiling('memPercent', l.memPercent);
    ceiling('memBytes', l.memBytes);
    ceiling('gpuUtilPercent', l.gpuUtilPercent);
    ceiling('gpuMemPercent', l.gpuMemPercent);
    ceiling('gpuMemBytes', l.gpuMemBytes);
    if (l.minFreeMemBytes > 0) {
      const isCulprit = memCulprit === w.taskId;
      out.push(underReserve('memReserve', l.minFreeMemBytes, this.lastMemory?.availableBytes ?? null, this.sysWindow.average('free'), { isCulprit, usedBytes: w.last?.memBytes ?? 0 }));
    }
    if (l.minFreeGpuBytes > 0) {
      const c = gpuCharge;
      out.push(underReserve('gpuReserve', l.minFreeGpuBytes, c?.currentFree ?? null, c?.averageFree ?? null, { isCulprit: c?.isCulprit ?? false, usedBytes: c?.usedBytes ?? 0 }));
    }
    return out;
  }

  /** Per GPU: free memory now and its window average (GPU windows only grow on known polls). */
  private gpuFreeRows(gpu: GpuPoll, t: number): Array<{ uuid: string; currentFree: number | null; averageFree: number | null }> {
    if (gpu.status !== 'ok') return [];
    const rows: Array<{ uuid: string; currentFree: number | null; averageFree: number | null }> = [];
    for (const [uuid, free] of gpuFree(gpu.gpus)) {
      let win = this.gpuWindows.get(uuid);
      if (!win) this.gpuWindows.set(uuid, (win = new SampleWindow<'free'>(this.limits.windowMs)));
      win.push(t, { free });
      rows.push({ uuid, currentFree: free, averageFree: win.average('free') });
    }
    return rows;
  }

  private notice(message: string): void {
    const n = this.noticeCounts.get(message) ?? 0;
    this.noticeCounts.set(message, n + 1);
    if (n === 0) this.o.onNotice?.(message);
  }
}
