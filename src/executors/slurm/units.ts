// Slurm's ways of writing durations and sizes, to numbers. Pure.

/**
 * Seconds for Slurm's durations: `D-HH:MM:SS`, `HH:MM:SS`, `MM:SS`, with optional `.mmm`, and a bare
 * number of seconds. `UNLIMITED`, `INVALID`, `N/A` and anything else unreadable → null.
 */
export function parseDuration(raw: string): number | null {
  const s = raw.trim();
  const m = /^(?:(\d+)-)?(\d+(?::\d+){0,2})(?:\.(\d+))?$/.exec(s);
  if (!m) return null;
  const parts = m[2]!.split(':').map(Number);
  let secs = 0;
  if (parts.length === 3) secs = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
  else if (parts.length === 2) secs = parts[0]! * 60 + parts[1]!;
  else if (m[1] !== undefined) secs = parts[0]! * 3600; // "D-HH": hours after the day
  else secs = parts[0]!;
  if (m[1] !== undefined) secs += Number(m[1]) * 86400;
  if (m[3] !== undefined) secs += Number(`0.${m[3]}`);
  return secs;
}

const UNIT: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/**
 * Bytes for Slurm's sizes: `4208K`, `100M`, `1.50G`, and the old per-node/per-CPU suffixes (`256Mc`).
 * A bare number is in `bareUnit` (MaxRSS prints bytes as a bare number, --mem means megabytes).
 */
export function parseSize(raw: string, bareUnit: 'B' | 'K' | 'M' = 'B'): number | null {
  const m = /^(\d+(?:\.\d+)?)([KMGTP]?)[nc]?$/i.exec(raw.trim());
  if (!m) return null;
  const unit = m[2]!.toUpperCase();
  const mult = unit === '' ? (bareUnit === 'B' ? 1 : (UNIT[bareUnit] as number)) : (UNIT[unit] as number);
  return Math.round(Number(m[1]) * mult);
}

/** `2G`, `512M`, `1.5GB`, `300MB`, `2 GiB` (a task's `mem:`) to bytes; a bare number is GB. Null if unreadable. */
export function parseMemSetting(raw: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt])?(?:i?b)?$/i.exec(raw.trim());
  if (!m) return null;
  const unit = (m[2] ?? 'G').toUpperCase();
  const bytes = Number(m[1]) * (UNIT[unit] as number);
  return bytes > 0 ? Math.round(bytes) : null;
}

/** Slurm's `--time` in whole minutes (Slurm rounds seconds up to minutes anyway); at least 1. */
export function timeMinutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** `--mem` in whole megabytes, rounded up: Slurm takes no fractions. */
export function memMegabytes(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 2 ** 20));
}

/** Slurm's local timestamps (`2026-12-04T11:28:15`, no zone) to epoch ms; `N/A`, `Unknown`, `None` → null. */
export function parseSlurmTime(raw: string): number | null {
  const s = raw.trim();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(s)) return null;
  const t = new Date(s).getTime(); // no zone: local time, as Slurm prints it
  return Number.isFinite(t) ? t : null;
}
