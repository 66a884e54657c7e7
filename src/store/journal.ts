// The decision journal, .aura/state/journal.jsonl: append-only, one JournalEntry per line, written
// ahead of every state snapshot (see replay.ts for why that order matters).
//
// Durability: each append() is one write() of whole lines to an O_APPEND fd, then fdatasync; the
// promise resolves only after that. A crash can therefore leave at most a torn LAST line, which
// open() moves aside (never drops) and cuts off, so the next append starts on a clean line.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, writeFileAtomic } from '../util/atomic.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { fileStamp, uniqueSibling, type Now } from './aside.js';
import { forEachLine, parseLine, readJournal, readJournalSince, readJournalTail } from './journal-read.js';
import type { Layout } from './layout.js';
import { JournalEntry } from './schema.js';

export { readJournal, readJournalSince, readJournalTail } from './journal-read.js';

/** A line longer than this has its `data` replaced, so one runaway payload cannot bloat every reader. */
export const MAX_LINE_BYTES = 1024 * 1024;
const MAX_MSG_CHARS = 64 * 1024;

export type NewJournalEntry = Omit<JournalEntry, 'seq'>;

export interface JournalOpenOptions {
  /** Scan and read only: no repair, no directory creation, append() refuses. */
  readOnly?: boolean;
  now?: Now;
  /**
   * Lowest seq to continue from (state.journalSeq). If journal.jsonl was lost while state.json
   * survived, restarting at 1 would produce entries that replay considers already applied.
   */
  seqFloor?: number;
  /**
   * Called with every valid entry the opening scan reads, first to last (the scan parses every line
   * anyway): a view of the whole run, such as the final report's notable events, is seeded there
   * instead of reading the journal again; onAppend keeps it current.
   */
  onEntry?: (e: JournalEntry) => void;
}

interface Scan {
  size: number;
  lastSeq: number;
  invalidLines: number;
  tornStart: number;
}

async function scan(file: string, onEntry?: (e: JournalEntry) => void): Promise<Scan> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, 'r');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { size: 0, lastSeq: 0, invalidLines: 0, tornStart: 0 };
    throw err;
  }
  try {
    let lastSeq = 0;
    let invalidLines = 0;
    // The latest complete line is judged only once we know whether it is the last one.
    let pending: { start: number; json: boolean; valid: boolean } | null = null;
    const walk = await forEachLine(fh, (line, start) => {
      if (pending && !pending.valid) invalidLines++;
      const p = parseLine(line);
      if (p.entry) {
        lastSeq = Math.max(lastSeq, p.entry.seq);
        onEntry?.(p.entry);
      }
      pending = { start, json: p.json, valid: p.entry !== null };
    });
    const last = pending as { start: number; json: boolean; valid: boolean } | null;
    let tornStart = walk.tailStart;
    if (last && !last.json) tornStart = last.start;
    else if (last && !last.valid) invalidLines++;
    return { size: walk.size, lastSeq, invalidLines, tornStart };
  } finally {
    await fh.close();
  }
}

/** Replaces an oversized entry's data (and, if that is not enough, its message) with a note. */
function capEntry(e: JournalEntry): { entry: JournalEntry; line: string } {
  let line = JSON.stringify(e);
  if (Buffer.byteLength(line) <= MAX_LINE_BYTES) return { entry: e, line };
  const bytes = Buffer.byteLength(JSON.stringify(e.data ?? null));
  let entry: JournalEntry = { ...e, data: { truncated: true, bytes } };
  line = JSON.stringify(entry);
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) {
    entry = { ...entry, msg: `${e.msg.slice(0, MAX_MSG_CHARS)} … (message truncated, ${e.msg.length} chars)` };
    line = JSON.stringify(entry);
  }
  return { entry, line };
}

export class Journal {
  readonly file: string;
  readonly readOnly: boolean;
  /** What open() repaired, in words; null when the file was clean. */
  readonly repaired: string | null;
  /** Complete lines that are not valid entries (kept in place, skipped by readers). */
  readonly invalidLines: number;
  /** Torn bytes at the end left alone because the journal was opened read-only. */
  readonly tornBytes: number;
  private seq: number;
  private size: number;
  private fh: fsp.FileHandle | null;
  private queue: Promise<unknown> = Promise.resolve();
  private broken: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly listeners = new Set<(entries: JournalEntry[]) => void>();
  /** The error of the last listener that threw and was unsubscribed (for diagnostics). */
  listenerFailure: unknown = null;

  private constructor(file: string, fh: fsp.FileHandle | null, s: Scan, repaired: string | null, tornBytes: number) {
    this.file = file;
    this.fh = fh;
    this.readOnly = fh === null;
    this.seq = s.lastSeq;
    this.size = s.size;
    this.invalidLines = s.invalidLines;
    this.repaired = repaired;
    this.tornBytes = tornBytes;
  }

  /**
   * Scans the journal once (last seq, invalid lines, torn tail). Writable opens repair a torn tail and
   * are for the lock holder only; anyone else opens read-only or uses the read helpers.
   */
  static async open(layout: Layout, opts: JournalOpenOptions = {}): Promise<Journal> {
    const file = layout.journalFile;
    const now = opts.now ?? Date.now;
    const s = await scan(file, opts.onEntry);
    s.lastSeq = Math.max(s.lastSeq, opts.seqFloor ?? 0);
    const torn = s.size - s.tornStart;
    if (opts.readOnly) return new Journal(file, null, s, null, torn);

    await fsp.mkdir(layout.stateDir, { recursive: true });
    const existed = s.size > 0 || (await exists(file));
    const fh = await fsp.open(file, 'a', 0o644);
    try {
      if (!existed) await fsyncDir(layout.stateDir);
      let repaired: string | null = null;
      if (torn > 0) {
        const bytes = await readRange(file, s.tornStart, torn);
        const keep = await uniqueSibling(path.join(path.dirname(file), `journal.torn-${fileStamp(now())}`));
        // Keep the bytes durably before cutting them off: a crash in between leaves a copy, never none.
        await writeFileAtomic(keep, bytes);
        await fh.truncate(s.tornStart);
        await fh.datasync();
        s.size = s.tornStart;
        repaired =
          `${path.basename(file)} ended with a torn line (${torn} bytes, no complete entry); ` +
          `kept them as ${path.basename(keep)} and truncated the journal to its last complete line`;
      }
      return new Journal(file, fh, s, repaired, 0);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  /** Sequence number of the last entry written (or the seq floor). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Bytes in the journal file (what a replay from the start would read). */
  get bytes(): number {
    return this.size;
  }

  /**
   * Appends entries with consecutive seq numbers; resolves once they are on disk. Calls are queued,
   * so concurrent appends keep file order equal to seq order.
   */
  append(entries: NewJournalEntry[]): Promise<JournalEntry[]> {
    if (this.closing) return Promise.reject(new AuraError('INTERNAL', `journal ${this.file} is closed`));
    const run = this.queue.then(() => this.write(entries));
    // The queue only orders calls; each caller still sees its own failure through `run`.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async write(entries: NewJournalEntry[]): Promise<JournalEntry[]> {
    const fh = this.fh;
    if (!fh) throw new AuraError('INTERNAL', `journal ${this.file} was opened read-only`);
    if (this.broken) throw new AuraError('STATE', `journal ${this.file} failed earlier: ${this.broken.message}`);
    if (entries.length === 0) return [];
    const out: JournalEntry[] = [];
    const lines: string[] = [];
    let seq = this.seq;
    for (const e of entries) {
      const r = JournalEntry.safeParse({ ...e, seq: seq + 1 });
      if (!r.success) {
        throw new AuraError('INTERNAL', `refusing to journal an invalid ${e.kind} entry: ${r.error.issues[0]?.message}`);
      }
      seq += 1;
      const capped = capEntry(r.data);
      out.push(capped.entry);
      lines.push(capped.line);
    }
    const buf = Buffer.from(lines.join('\n') + '\n', 'utf8');
    try {
      let done = 0;
      // One write for all lines; the loop only matters if the kernel accepts part of it (disk full).
      while (done < buf.length) {
        const { bytesWritten } = await fh.write(buf, done, buf.length - done);
        if (bytesWritten === 0) throw new Error(`write to ${this.file} made no progress`);
        done += bytesWritten;
      }
      await fh.datasync();
    } catch (err) {
      await this.rollBack(fh, err);
      throw err;
    }
    this.size += buf.length;
    this.seq = seq;
    this.notify(out);
    return out;
  }

  /**
   * Calls `fn` with each batch once it is on disk, in seq order (live views: the dashboard's event
   * stream). Returns the unsubscribe function. A listener that throws is unsubscribed: a view must
   * never make an append that already reached the disk look failed.
   */
  onAppend(fn: (entries: JournalEntry[]) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  private notify(entries: JournalEntry[]): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(entries);
      } catch (err) {
        this.listeners.delete(fn);
        this.listenerFailure = err;
      }
    }
  }

  /** Cuts a failed append off again; if even that fails the file is in an unknown state: stop using it. */
  private async rollBack(fh: fsp.FileHandle, cause: unknown): Promise<void> {
    try {
      await fh.truncate(this.size);
      await fh.datasync();
    } catch (err) {
      this.broken = new AggregateError([cause, err], `append failed and could not be undone`);
    }
  }

  readAll(): Promise<JournalEntry[]> {
    return readJournal(this.file);
  }

  readTail(n: number): Promise<JournalEntry[]> {
    return readJournalTail(this.file, n);
  }

  readSince(seq: number): Promise<JournalEntry[]> {
    return readJournalSince(this.file, seq);
  }

  /** Waits for queued appends, then closes the file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.queue;
      this.listeners.clear();
      await this.fh?.close();
    })();
    return this.closing;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.lstat(file);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

async function readRange(file: string, pos: number, len: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(len);
    const { bytesRead } = await fh.read(buf, 0, len, pos);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
