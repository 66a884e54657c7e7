// Pure parsers for Linux /proc files: no I/O here, so they can be table-tested with odd inputs.

export interface ProcInfo {
  pid: number;
  comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, X dead, ... */
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  utimeTicks: number;
  stimeTicks: number;
  /** Start time in clock ticks since boot: with the pid, identifies a process across PID reuse. */
  startTicks: number;
  rssPages: number;
}

/**
 * Parses /proc/<pid>/stat. comm sits in parentheses and may itself contain spaces and parentheses
 * (a process may name itself `a) b (c`), so the fields are taken after the LAST `)`.
 * Returns null when the text does not have the expected shape.
 *
 * A scan, not a split: the watchdog parses every process on the machine once a second, and a split
 * into ~50 strings per process was most of what the idle daemon allocated (~0.5 MB/s on 120
 * processes), so the young generation filled every second and anything a cycle kept for a couple of
 * seconds was promoted: the old generation, and RSS, crept up between the rare full GCs.
 */
export function parseStat(text: string): ProcInfo | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = intIn(text, 0, open);
  // After `)`: [0]=state [1]=ppid [2]=pgrp [3]=session ... [11]=utime [12]=stime [19]=starttime [21]=rss
  let state = '';
  const nums: number[] = [0, 0, 0, 0, 0, 0, 0];
  let field = 0;
  let i = close + 1;
  for (; field < 22; field++) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && !isBlank(text.charCodeAt(i))) i++;
    if (field === 0) state = i - start === 1 ? text.charAt(start) : '';
    else {
      const slot = WANTED.indexOf(field);
      if (slot !== -1) nums[slot] = intIn(text, start, i);
    }
  }
  if (field < 22) return null;
  if (!Number.isInteger(pid) || pid <= 0 || state.length !== 1 || nums.some((n) => !Number.isInteger(n))) {
    return null;
  }
  const [ppid, pgid, sid, utimeTicks, stimeTicks, startTicks, rssPages] = nums as [
    number, number, number, number, number, number, number,
  ];
  return { pid, comm: text.slice(open + 1, close), state, ppid, pgid, sid, utimeTicks, stimeTicks, startTicks, rssPages };
}

/** Field numbers (after the `)`) of ppid, pgrp, session, utime, stime, starttime, rss, in that order. */
const WANTED = [1, 2, 3, 11, 12, 19, 21];

function isBlank(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The integer spelled by text[from, to) between optional blanks (an optional `-`, then digits); NaN otherwise. */
function intIn(text: string, from: number, to: number): number {
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  const negative = text.charCodeAt(from) === 45;
  if (negative) from++;
  if (from >= to) return Number.NaN;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return negative ? -n : n;
}

/** NUL-separated list (cmdline, environ) → entries; the trailing NUL does not make an empty entry. */
export function splitNul(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const end = buf[buf.length - 1] === 0 ? buf.length - 1 : buf.length;
  return buf.subarray(0, end).toString('utf8').split('\0');
}

/** True when `entry` (e.g. `KEY=value`) is one whole NUL-separated entry of an environ buffer. */
export function environHas(buf: Buffer, entry: string | Buffer): boolean {
  const needle = typeof entry === 'string' ? Buffer.from(entry, 'utf8') : entry;
  if (needle.length === 0) return false;
  let from = 0;
  for (;;) {
    const i = buf.indexOf(needle, from);
    if (i === -1) return false;
    const end = i + needle.length;
    if ((i === 0 || buf[i - 1] === 0) && (end === buf.length || buf[end] === 0)) return true;
    from = i + 1;
  }
}
