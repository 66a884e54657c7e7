// Rolling windows of readings and the short history the views draw. Pure: every call takes the time
// it should act at, so tests drive it with plain numbers and the watchdog with its injected clock.

/** One poll's readings: a field is null when it could not be measured this poll ("unknown"). */
export type Reading<K extends string> = Record<K, number | null>;

interface Stamped<K extends string> {
  t: number;
  r: Reading<K>;
}

/**
 * Readings from the last `windowMs`. The average of a field skips unknown readings, so an
 * nvidia-smi timeout does not drag a GPU average toward 0; all unknown → null.
 */
export class SampleWindow<K extends string> {
  private samples: Stamped<K>[] = [];

  constructor(readonly windowMs: number) {
    if (!(windowMs > 0)) throw new RangeError(`window must be positive, got ${windowMs}`);
  }

  push(t: number, r: Reading<K>): void {
    this.samples.push({ t, r });
    this.trim(t);
  }

  /** Drops readings at or before now − window; the newest one always stays. */
  trim(now: number): void {
    const from = now - this.windowMs;
    let i = 0;
    while (i < this.samples.length - 1 && (this.samples[i] as Stamped<K>).t <= from) i++;
    if (i > 0) this.samples.splice(0, i);
  }

  average(key: K): number | null {
    let sum = 0;
    let n = 0;
    for (const s of this.samples) {
      const v = s.r[key];
      if (v === null) continue;
      sum += v;
      n++;
    }
    return n === 0 ? null : sum / n;
  }

  get size(): number {
    return this.samples.length;
  }

  /** Time the window actually covers (newest − oldest), for the journal: "over 30 s". */
  spanMs(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    return first && last ? last.t - first.t : 0;
  }
}

/** Peaks since tracking began and the last `keep` readings of each field, for sparklines. */
export class History<K extends string> {
  readonly peaks: Partial<Record<K, number>> = {};
  private readonly recent = new Map<K, Array<number | null>>();

  constructor(readonly keep = 60) {}

  push(r: Reading<K>): void {
    for (const key of Object.keys(r) as K[]) {
      const v = r[key];
      if (v !== null && (this.peaks[key] === undefined || v > (this.peaks[key] as number))) this.peaks[key] = v;
      let list = this.recent.get(key);
      if (!list) this.recent.set(key, (list = []));
      list.push(v);
      if (list.length > this.keep) list.splice(0, list.length - this.keep);
    }
  }

  values(key: K): Array<number | null> {
    return [...(this.recent.get(key) ?? [])];
  }
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * One bar per value, scaled from `min` (default: 0, or the lowest value if negative) to `max`
 * (default: the highest value). Starting at 0 rather than the lowest value keeps a flat 3.0–3.1 GB
 * line looking flat instead of like a saw. Unknown values are a blank.
 */
export function sparkline(values: ReadonlyArray<number | null>, scale: { min?: number; max?: number } = {}): string {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return ' '.repeat(values.length);
  const lo = scale.min ?? Math.min(0, ...known);
  const hi = scale.max ?? Math.max(...known);
  let out = '';
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) out += ' ';
    else if (hi <= lo) out += BARS[0];
    else {
      const f = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
      out += BARS[Math.min(BARS.length - 1, Math.floor(f * BARS.length))];
    }
  }
  return out;
}
