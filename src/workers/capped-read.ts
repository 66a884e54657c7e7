// Reading what the runner's capped files (capped-file.ts) hold, for `aura logs` and the dashboard.
// Past its cap a running worker's file holds only the head and the latest bytes are in `<file>.tail`
// (rewritten about once a second): that reads as head, TAIL_MARKER, tail. At close the writer appends
// the tail after a note of its own, so a closed file reads as it is. A big file is never read whole
// unless all of it is asked for.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { renderEvents } from '../progress/event-line.js';
import { errnoCode } from '../util/errors.js';

/** Where the head of a capped file ends and its tail begins, as `aura logs` and the dashboard show it. */
export const TAIL_MARKER = '[… tail …]';

export type LogKind = 'stdout' | 'stderr' | 'events';

/** The file of each kind in an attempt directory (the runner's names). */
export const LOG_FILE: Record<LogKind, string> = { stdout: 'stdout.log', stderr: 'stderr.log', events: 'output.jsonl' };

export async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

export async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Bytes [from, to) of a file; fewer when it is shorter. */
export async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, to - from));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** The last `n` lines of a file (0: all of it) without reading a big file whole. */
export async function readLastLines(file: string, n: number): Promise<Buffer | null> {
  const size = await sizeOf(file);
  if (size === null) return null;
  if (n <= 0) return (await readOrNull(file)) ?? Buffer.alloc(0);
  const CHUNK = 64 * 1024;
  let start = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const from = Math.max(0, start - CHUNK);
    buf = Buffer.concat([await readRange(file, from, start), buf]);
    start = from;
    // n lines need n newlines before them (ignoring a trailing newline at the very end).
    const body = buf.length && buf[buf.length - 1] === 0x0a ? buf.subarray(0, buf.length - 1) : buf;
    let count = 0;
    for (let i = body.length - 1; i >= 0; i--) if (body[i] === 0x0a && ++count >= n) return buf.subarray(i + 1);
    if (start === 0) return buf;
  }
}

export function lastLinesOf(text: string, n: number): string {
  if (n <= 0) return text;
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  if (lines.length <= n) return text;
  return lines.slice(-n).join('\n') + (trailing ? '\n' : '');
}

export function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/**
 * The last `n` lines (0: all) of one kind of an attempt's output, head / marker / tail when the file
 * is capped; events are rendered as readable lines first, so `n` counts those. Null: no such file.
 */
export async function readLog(attemptDirAbs: string, kind: LogKind, n: number): Promise<string | null> {
  const file = path.join(attemptDirAbs, LOG_FILE[kind]);
  const tail = await readOrNull(`${file}.tail`);
  const render = (s: string, partial = false) => (kind === 'events' ? renderEvents(s, partial) : s);
  if (tail === null) {
    const buf = await readLastLines(file, kind === 'events' ? 0 : n);
    if (buf === null) return null;
    return kind === 'events' ? lastLinesOf(render(buf.toString('utf8')), n) : buf.toString('utf8');
  }
  const tailText = lastLinesOf(render(tail.toString('utf8'), true), n);
  const tailCount = tailText.split('\n').length - (tailText.endsWith('\n') ? 1 : 0);
  const headN = n <= 0 ? 0 : Math.max(0, n - tailCount);
  let headText = '';
  if (n <= 0 || headN > 0) {
    const head = (await readOrNull(file)) ?? Buffer.alloc(0);
    headText = lastLinesOf(render(head.toString('utf8')), headN);
  }
  return `${withNewline(headText)}${TAIL_MARKER}\n${tailText}`;
}
