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
 */
export function parseStat(text: string): ProcInfo | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const comm = text.slice(open + 1, close);
  // After `)`: [0]=state [1]=ppid [2]=pgrp [3]=session ... [11]=utime [12]=stime [19]=starttime [21]=rss
  const f = text.slice(close + 1).trim().split(/\s+/);
  if (f.length < 22) return null;
  const state = f[0] ?? '';
  const nums = [f[1], f[2], f[3], f[11], f[12], f[19], f[21]].map((s) => Number(s));
  if (!Number.isInteger(pid) || pid <= 0 || state.length !== 1 || nums.some((n) => !Number.isInteger(n))) {
    return null;
  }
  const [ppid, pgid, sid, utimeTicks, stimeTicks, startTicks, rssPages] = nums as [
    number, number, number, number, number, number, number,
  ];
  return { pid, comm, state, ppid, pgid, sid, utimeTicks, stimeTicks, startTicks, rssPages };
}

/** NUL-separated list (cmdline, environ) → entries; the trailing NUL does not make an empty entry. */
export function splitNul(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const end = buf[buf.length - 1] === 0 ? buf.length - 1 : buf.length;
  return buf.subarray(0, end).toString('utf8').split('\0');
}

/** True when `entry` (e.g. `KEY=value`) is one whole NUL-separated entry of an environ buffer. */
export function environHas(buf: Buffer, entry: string): boolean {
  const needle = Buffer.from(entry, 'utf8');
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
