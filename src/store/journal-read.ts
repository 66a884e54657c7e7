// Reading journal.jsonl without opening it for writing (CLI read-only commands use these directly).
// Only complete lines count: bytes after the last newline are an append in progress or a torn write.
// Lines that are not valid entries are skipped here; Journal.open counts them.
import fsp from 'node:fs/promises';
import { errnoCode } from '../util/errors.js';
import { JOURNAL_KINDS, TASK_STATUSES } from './kinds.js';
import type { JournalEntry } from './schema.js';

const CHUNK = 64 * 1024;
const NL = 0x0a;

export interface ParsedLine {
  /** The line is JSON at all (a torn write usually is not). */
  json: boolean;
  entry: JournalEntry | null;
}

export function parseLine(line: Buffer | string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) return { json: false, entry: null };
    throw err;
  }
  return { json: true, entry: asJournalEntry(value) };
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
const optString = (v: unknown) => v === undefined || typeof v === 'string';
const optStatus = (v: unknown) => v === undefined || (TASK_STATUSES as readonly unknown[]).includes(v);

/**
 * The JournalEntry schema checked by hand, not with zod: read-only commands read the journal and
 * must start fast. (test/store checks it agrees with the zod schema.)
 */
export function asJournalEntry(v: unknown): JournalEntry | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (!isInt(o.seq, 1) || typeof o.ts !== 'string' || !isInt(o.cycle, 0)) return null;
  if (!(JOURNAL_KINDS as readonly unknown[]).includes(o.kind) || typeof o.msg !== 'string') return null;
  if (!optString(o.task) || !optStatus(o.from) || !optStatus(o.to)) return null;
  if (o.data !== undefined && (typeof o.data !== 'object' || o.data === null || Array.isArray(o.data))) return null;
  return o as unknown as JournalEntry;
}

async function openOrNull(file: string): Promise<fsp.FileHandle | null> {
  try {
    return await fsp.open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

async function readAt(fh: fsp.FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const { bytesRead } = await fh.read(buf, got, len - got, pos + got);
    if (bytesRead === 0) break; // the file shrank under us
    got += bytesRead;
  }
  return got === len ? buf : buf.subarray(0, got);
}

export interface LineWalk {
  size: number;
  /** Offset just past the last newline: where a torn tail (if any) starts. */
  tailStart: number;
}

/** Calls `onLine` for every complete line, first to last, with its start offset. */
export async function forEachLine(
  fh: fsp.FileHandle,
  onLine: (line: Buffer, start: number) => void,
): Promise<LineWalk> {
  let pos = 0;
  let carry = Buffer.alloc(0);
  let carryStart = 0;
  for (;;) {
    const chunk = await readAt(fh, pos, CHUNK);
    if (chunk.length === 0) break;
    pos += chunk.length;
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(NL); nl !== -1; nl = data.indexOf(NL, start)) {
      onLine(data.subarray(start, nl), carryStart + start);
      start = nl + 1;
    }
    carry = Buffer.from(data.subarray(start));
    carryStart += start;
  }
  return { size: pos, tailStart: carryStart };
}

/** Complete lines from last to first, reading the file backwards in chunks. */
export async function* linesBackward(fh: fsp.FileHandle): AsyncGenerator<Buffer> {
  const { size } = await fh.stat();
  let pos = size;
  let carry = Buffer.alloc(0);
  let seenNewline = false;
  while (pos > 0) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const data = Buffer.concat([await readAt(fh, pos, len), carry]);
    let end = data.length;
    for (let nl = data.lastIndexOf(NL, end - 1); nl !== -1; nl = end > 0 ? data.lastIndexOf(NL, end - 1) : -1) {
      // What follows the very last newline is incomplete: skip it.
      if (seenNewline) yield data.subarray(nl + 1, end);
      seenNewline = true;
      end = nl;
    }
    carry = Buffer.from(data.subarray(0, end));
  }
  if (seenNewline) yield carry;
}

/**
 * Calls `onEntry` with every valid entry, in file order, keeping none of them: memory stays at one
 * chunk however long the journal (a finished 20,000-task run's is tens of MB, its entries several
 * times that as objects). A missing journal has none.
 */
export async function forEachEntry(file: string, onEntry: (e: JournalEntry) => void): Promise<void> {
  const fh = await openOrNull(file);
  if (!fh) return;
  try {
    await forEachLine(fh, (line) => {
      const { entry } = parseLine(line);
      if (entry) onEntry(entry);
    });
  } finally {
    await fh.close();
  }
}

/** Every valid entry, in file order. A missing journal is an empty one. */
export async function readJournal(file: string): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  await forEachEntry(file, (e) => out.push(e));
  return out;
}

/** Walks backwards collecting valid entries while `keep` says so; returns them in file order. */
async function collectBackward(file: string, keep: (e: JournalEntry, taken: number) => boolean): Promise<JournalEntry[]> {
  const fh = await openOrNull(file);
  if (!fh) return [];
  const out: JournalEntry[] = [];
  try {
    for await (const line of linesBackward(fh)) {
      const { entry } = parseLine(line);
      if (!entry) continue;
      if (!keep(entry, out.length)) break;
      out.push(entry);
    }
  } finally {
    await fh.close();
  }
  return out.reverse();
}

/** The last `n` valid entries, in file order; cost grows with n, not with the journal's size. */
export function readJournalTail(file: string, n: number): Promise<JournalEntry[]> {
  if (n <= 0) return Promise.resolve([]);
  return collectBackward(file, (_e, taken) => taken < n);
}

/**
 * Entries with seq > `seq`, in file order (seqs only grow, so the walk stops at the first older one);
 * with `limit`, only the newest `limit` of them.
 */
export function readJournalSince(file: string, seq: number, limit = Number.POSITIVE_INFINITY): Promise<JournalEntry[]> {
  return collectBackward(file, (e, taken) => e.seq > seq && taken < limit);
}
