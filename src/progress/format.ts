// Small pure formatters shared by the view and the renderers: times, durations, sizes, clipping.
// Times are always UTC and say so, so progress.md reads the same on every machine and in every TZ.

/** Milliseconds since the epoch, or null for a missing or unparseable timestamp. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function isoParts(ms: number): { date: string; clock: string } {
  const iso = new Date(ms).toISOString(); // 2025-03-01T14:05:00.000Z
  return { date: iso.slice(0, 10), clock: iso.slice(11, 19) };
}

/** "2025-03-01 14:05:00 UTC"; an unparseable value comes back as-is (clipped) rather than throwing. */
export function stamp(iso: string | null | undefined): string {
  const ms = parseTime(iso);
  if (ms === null) return iso ? clip(iso, 40) : '—';
  const { date, clock } = isoParts(ms);
  return `${date} ${clock} UTC`;
}

/** "14:05:00 UTC" when on the same UTC day as now, else the full stamp: short where short is unambiguous. */
export function clockTime(iso: string | null | undefined, now: Date): string {
  const ms = parseTime(iso);
  if (ms === null) return stamp(iso);
  const { date, clock } = isoParts(ms);
  return date === isoParts(now.getTime()).date ? `${clock} UTC` : `${date} ${clock} UTC`;
}

/** Like clockTime but without the "UTC" suffix, for table columns headed "(UTC)". */
export function shortClock(iso: string | null | undefined, now: Date): string {
  return clockTime(iso, now).replace(/ UTC$/, '');
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "45s", "3m 20s", "1h 02m", "2d 03h": two units are enough to read at a glance. */
export function duration(ms: number): string {
  const s = Math.floor(Math.max(0, Number.isFinite(ms) ? ms : 0) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad2(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad2(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad2(h % 24)}h`;
}

/** Milliseconds between two timestamps (end defaults to now), never negative. */
export function elapsedMs(startIso: string | null | undefined, end: number): number {
  const start = parseTime(startIso);
  return start === null ? 0 : Math.max(0, end - start);
}

/** "512 B", "12.3 KB", "4.0 MB". */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(Number.isFinite(n) ? n : 0))} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * "20,000": a count with commas, as toLocaleString('en-US') writes it. By hand: the first
 * toLocaleString loads ICU's number formats, ~30 ms of every `aura status` read from disk.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

// ANSI colour/cursor sequences (verify output is often coloured) and other C0/C1 controls.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Clip to max code points (never splitting a surrogate pair), marking the cut with "…". */
export function clipChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** One line of plain text: controls and newlines become spaces, runs of space collapse, then clip. */
export function clip(text: string, max: number): string {
  const one = text.replace(ANSI, '').replace(/[\r\n\t]+/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
  return clipChars(one, max);
}

/** The last `lines` non-blank lines of process output, each clipped to `width` (indentation kept). */
export function tailLines(text: string, lines: number, width: number): string[] {
  const all = text
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.replace(/\t/g, '  ').replace(CONTROL, '').trimEnd())
    .filter((l) => l.trim() !== '');
  return all.slice(-lines).map((l) => clipChars(l, width));
}
