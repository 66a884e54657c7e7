// Summary statistics for benchmark samples. Percentiles use the nearest-rank method (the smallest
// sample with at least p% of samples at or below it), so every figure printed is a real sample.

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending-sorted array; p in (0, 100]. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const mean = n ? s.reduce((a, b) => a + b, 0) / n : Number.NaN;
  return { n, min: s[0] ?? Number.NaN, p50: percentile(s, 50), p95: percentile(s, 95), max: s[n - 1] ?? Number.NaN, mean };
}

/** Formats milliseconds: one decimal below 100 ms, whole numbers above. */
export function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return Math.abs(v) < 100 ? v.toFixed(1) : v.toFixed(0);
}
