// With a CPU ceiling, concurrent workers get disjoint core sets (`taskset -c <list> argv…`), so one
// worker's `make -j` cannot starve another and each one physically stays near its share: the
// watchdog then rarely has to kill for CPU at all. Pure, apart from nothing: the caller passes the
// cores the daemon may use (system.ts allowedCpus()) and whether taskset exists.
//
// Why taskset rather than a cgroup cpuset: cpuset is not delegated to user systemd managers
// (INTERFACES §6.5), while sched_setaffinity needs no privilege. Affinity is inherited by every
// descendant, including ones that setsid away.

/** "0-3,5,8-9" → [0,1,2,3,5,8,9] (the kernel's cpulist format). Throws on anything else. */
export function parseCpuList(text: string): number[] {
  const out = new Set<number>();
  const t = text.trim();
  if (t === '') return [];
  for (const part of t.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new RangeError(`not a CPU list: ${JSON.stringify(text)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new RangeError(`not a CPU list: ${JSON.stringify(text)}`);
    for (let c = a; c <= b; c++) out.add(c);
  }
  return [...out].sort((x, y) => x - y);
}

/** [0,1,2,5] → "0-2,5": short enough for argv and readable in the journal. */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] as number) === (s[j] as number) + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Cores per worker for a ceiling in percent of the whole machine: at least one. */
export function coresPerWorker(ceilingPercent: number, cpus: number): number {
  return Math.max(1, Math.floor((ceilingPercent * cpus) / 100));
}

export interface Cpuset {
  cpus: number[];
  /** For `taskset -c`. */
  list: string;
}

/** Hands out disjoint core sets, lowest cores first; a released set is free for the next worker. */
export class CpusetAllocator {
  private readonly held = new Map<string, number[]>();

  constructor(
    private readonly cores: readonly number[],
    readonly perWorker: number,
  ) {
    if (!Number.isInteger(perWorker) || perWorker < 1) throw new RangeError(`cores per worker must be ≥ 1, got ${perWorker}`);
  }

  /** The worker's set (the same one again if it already has one), or null when too few cores are free. */
  allocate(id: string): Cpuset | null {
    const mine = this.held.get(id);
    if (mine) return { cpus: [...mine], list: formatCpuList(mine) };
    const busy = new Set([...this.held.values()].flat());
    const free = this.cores.filter((c) => !busy.has(c));
    if (free.length < this.perWorker) return null;
    const got = free.slice(0, this.perWorker);
    this.held.set(id, got);
    return { cpus: [...got], list: formatCpuList(got) };
  }

  release(id: string): void {
    this.held.delete(id);
  }

  get free(): number {
    return this.cores.length - [...this.held.values()].reduce((n, c) => n + c.length, 0);
  }
}

export interface Placement {
  /** Put before the worker's argv: [] or ['taskset', '-c', '0-1']. */
  argvPrefix: string[];
  /** Extra environment: CUDA_VISIBLE_DEVICES when configured. */
  env: Record<string, string>;
  cpus: string | null;
  /** Why there is no core set although a ceiling is set ("sharing" cases), for the journal. */
  note: string | null;
}

/**
 * Where a worker runs. `allocator` is null when no CPU ceiling is set; `tasksetPath` null when
 * util-linux's taskset is missing (then the watchdog's averaging is the only CPU control).
 */
export function place(
  id: string,
  allocator: CpusetAllocator | null,
  tasksetPath: string | null,
  cudaVisibleDevices: string | null,
): Placement {
  const env: Record<string, string> = cudaVisibleDevices === null ? {} : { CUDA_VISIBLE_DEVICES: cudaVisibleDevices };
  if (allocator === null) return { argvPrefix: [], env, cpus: null, note: null };
  if (tasksetPath === null) return { argvPrefix: [], env, cpus: null, note: 'taskset not found (util-linux): workers share all CPUs' };
  const set = allocator.allocate(id);
  if (set === null) {
    return {
      argvPrefix: [],
      env,
      cpus: null,
      note: `not enough free cores for a dedicated set of ${allocator.perWorker}: this worker shares all CPUs`,
    };
  }
  return { argvPrefix: [tasksetPath, '-c', set.list], env, cpus: set.list, note: null };
}
