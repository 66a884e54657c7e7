// Per-worker placement state for the watchdog: the core-set allocator (only with a CPU ceiling) and
// the taskset lookup, done once.
import { allowedCpus } from './system.js';
import { coresPerWorker, CpusetAllocator, place, type Placement } from './cpusets.js';
import type { Limits } from './limits.js';
import { findOnPath } from './which.js';

export class Placer {
  private allocator: CpusetAllocator | null | undefined;
  private taskset: string | null | undefined;

  constructor(
    private readonly limits: Limits,
    private readonly env: NodeJS.ProcessEnv,
    private readonly cores: () => number[] = allowedCpus,
  ) {}

  place(id: string): Placement {
    if (this.allocator === undefined) {
      const cores = this.cores();
      this.allocator = this.limits.cpuPercent > 0 ? new CpusetAllocator(cores, coresPerWorker(this.limits.cpuPercent, cores.length)) : null;
    }
    if (this.allocator !== null && this.taskset === undefined) this.taskset = findOnPath('taskset', this.env);
    return place(id, this.allocator, this.taskset ?? null, this.limits.cudaVisibleDevices);
  }

  release(id: string): void {
    this.allocator?.release(id);
  }
}
