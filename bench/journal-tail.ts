// Reads journal.jsonl incrementally: each poll reads only the bytes appended since the last one, so
// polling every few milliseconds stays cheap however long the journal gets. The figures never come
// from when the bench noticed an entry, only from the entry's own `ts`, so the poll rate does not
// bias them.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { JournalEntry } from '../src/store/schema.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class JournalTail {
  private offset = 0;
  private partial = '';
  readonly entries: JournalEntry[] = [];

  constructor(private readonly file: string) {}

  /** Reads whatever was appended; returns the new entries. */
  poll(): JournalEntry[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return []; // not created yet
    }
    const fresh: JournalEntry[] = [];
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        // replaced or truncated (journal repair): start over
        this.offset = 0;
        this.partial = '';
        this.entries.length = 0;
      }
      if (size === this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      const got = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += got;
      const text = this.partial + buf.subarray(0, got).toString('utf8');
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const e = JSON.parse(line) as JournalEntry;
        this.entries.push(e);
        fresh.push(e);
      }
    } finally {
      closeSync(fd);
    }
    return fresh;
  }

  /** Polls until an entry (new or already read) matches; throws after timeoutMs. */
  async waitFor(what: string, match: (e: JournalEntry) => boolean, timeoutMs = 10_000, everyMs = 5): Promise<JournalEntry> {
    const t0 = Date.now();
    for (;;) {
      this.poll();
      const hit = this.entries.find(match);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for journal entry: ${what}`);
      await sleep(everyMs);
    }
  }

  get lastSeq(): number {
    return this.entries[this.entries.length - 1]?.seq ?? 0;
  }
}
