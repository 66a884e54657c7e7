// Following one output file of one attempt for `aura logs -f`: bytes as they are appended, then the
// runner's `<file>.tail` once the head is full (capped-file.ts), then the unseen end of what the
// runner appends when it closes the file. A tail is printed only when it lines up with what was
// printed already (status.json's byte count, or for events the last line printed): torn reads wait.
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { renderEventLine } from '../progress/event-line.js';
import { LOG_FILE, readLog, readOrNull, readRange, sizeOf, TAIL_MARKER, withNewline, type LogKind } from '../workers/capped-read.js';

/** Bytes of printed output kept to line a new tail up with. */
const RECENT = 4096;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface RunnerCounts {
  stdoutBytes?: number;
  stderrBytes?: number;
}

export async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch {
    return null; // absent, or mid-replace
  }
}

/** Follows one file of one attempt: appended bytes, and the runner's `.tail` once the head is full. */
export class FileFollower {
  private headPos = 0;
  private inTail = false;
  /** In tail mode: total stream bytes printed through (stdout/stderr), from status.json. */
  private streamPos = 0;
  private lastTail: Buffer | null = null;
  private lastLine = '';
  private partial = '';
  /** The last bytes printed (stdout/stderr), to check that a new tail lines up with them. */
  private recent: Buffer = Buffer.alloc(0);
  /** The last byte printed was a newline (or nothing was printed): a marker may follow directly. */
  private atLineStart = true;

  constructor(
    private readonly dir: string,
    private readonly kind: LogKind,
    private readonly out: (s: string) => void,
  ) {}

  private get file(): string {
    return path.join(this.dir, LOG_FILE[this.kind]);
  }

  private emit(buf: Buffer): void {
    if (buf.length === 0) return;
    if (this.kind !== 'events') {
      this.out(buf.toString('utf8'));
      this.atLineStart = buf[buf.length - 1] === 0x0a;
      this.recent = Buffer.concat([this.recent, buf.subarray(Math.max(0, buf.length - RECENT))]);
      if (this.recent.length > RECENT) this.recent = this.recent.subarray(this.recent.length - RECENT);
      return;
    }
    const text = this.partial + buf.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) {
      if (l.trim()) this.lastLine = l;
      const r = renderEventLine(l);
      if (r !== null) this.out(`${r}\n`);
    }
  }

  private async streamBytes(): Promise<number | null> {
    if (this.kind === 'events') return null;
    const s = await readJson<RunnerCounts>(path.join(this.dir, 'status.json'));
    const v = this.kind === 'stdout' ? s?.stdoutBytes : s?.stderrBytes;
    return typeof v === 'number' ? v : null;
  }

  private marker(text: string): void {
    this.out(`${this.atLineStart ? '' : '\n'}${text}\n`);
    this.atLineStart = true;
  }

  /**
   * The tail file with the stream byte count it goes with (status.json, written just before it in the
   * same tick): read count, tail, count, and trust the pair only when the count did not move meanwhile.
   */
  private async readTail(): Promise<{ tail: Buffer; total: number | null } | null> {
    for (let i = 0; i < 3; i++) {
      const before = await this.streamBytes();
      const tail = await readOrNull(`${this.file}.tail`);
      if (tail === null) return null;
      if (this.kind === 'events') return { tail, total: null };
      const after = await this.streamBytes();
      if (before !== null && before === after) return { tail, total: after };
      await sleep(20);
    }
    return null; // the writer is busy; next poll
  }

  /** Prints the last `n` lines of what is there now, and follows from there. */
  async start(n: number): Promise<void> {
    const text = await readLog(this.dir, this.kind, n);
    if (text) this.out(withNewline(text));
    this.headPos = (await sizeOf(this.file)) ?? 0;
    const t = existsSync(`${this.file}.tail`) ? await this.readTail() : null;
    if (!t) return;
    this.inTail = true;
    this.lastTail = t.tail;
    this.streamPos = t.total ?? this.headPos + t.tail.length;
    this.recent = t.tail.subarray(Math.max(0, t.tail.length - RECENT));
    const lines = t.tail.toString('utf8').split('\n').filter((l) => l.trim());
    this.lastLine = lines[lines.length - 1] ?? '';
  }

  async poll(): Promise<void> {
    const size = (await sizeOf(this.file)) ?? 0;
    if (size > this.headPos) {
      // Once past the head, growth means the writer is closing the file (note + whole tail): wait
      // until it has finished (exit.json comes after), then print only what was not printed yet.
      if (this.inTail && !existsSync(path.join(this.dir, 'exit.json'))) return;
      const added = await readRange(this.file, this.headPos, size);
      this.headPos = size;
      if (!this.inTail) this.emit(added);
      else await this.emitClosedTail(added);
      return;
    }
    if (!existsSync(`${this.file}.tail`)) return;
    const t = await this.readTail();
    if (!t || (this.lastTail && t.tail.equals(this.lastTail))) return;
    if (!this.inTail) {
      this.inTail = true;
      if (this.partial) this.emit(Buffer.from('\n'));
      this.marker(TAIL_MARKER);
      this.streamPos = this.headPos;
    }
    if (this.emitTail(t.tail, t.total)) this.lastTail = t.tail;
  }

  /**
   * A tail covering the stream bytes [total - len, total): prints what was not printed yet. Returns
   * false (printing nothing) when the tail does not line up with what was printed (a torn read).
   */
  private emitTail(tail: Buffer, total: number | null): boolean {
    if (total !== null) {
      const start = total - tail.length;
      const overlap = this.streamPos - start;
      if (overlap > tail.length || total < this.streamPos) return false;
      if (overlap > 0) {
        const w = Math.min(overlap, this.recent.length);
        if (!tail.subarray(overlap - w, overlap).equals(this.recent.subarray(this.recent.length - w))) return false;
      } else if (overlap < 0) {
        this.marker(`[… ${-overlap} bytes not kept …]`);
      }
      this.emit(tail.subarray(Math.max(0, overlap)));
      this.streamPos = total;
      return true;
    }
    // output.jsonl: no byte count; continue after the last line already printed, if it is still there.
    const text = tail.toString('utf8');
    const at = this.lastLine ? text.lastIndexOf(this.lastLine) : -1;
    let rest = at >= 0 ? text.slice(at + this.lastLine.length).replace(/^\n/, '') : text;
    if (at < 0) rest = rest.slice(rest.indexOf('\n') + 1); // a ring tail starts mid-line
    this.partial = '';
    this.emit(Buffer.from(rest));
    return true;
  }

  /** The writer closed the file: it appended a note and the whole tail. Print only the unseen end. */
  private async emitClosedTail(added: Buffer): Promise<void> {
    const total = await this.streamBytes();
    if (total !== null) {
      const unseen = Math.max(0, total - this.streamPos);
      this.emit(added.subarray(Math.max(0, added.length - unseen)));
      this.streamPos = Math.max(this.streamPos, total);
      return;
    }
    this.emitTail(added, null);
  }

  /** End of the attempt: a last line without a newline still gets printed. */
  finish(): void {
    if (this.partial) {
      const r = renderEventLine(this.partial);
      this.partial = '';
      if (r !== null) this.out(`${r}\n`);
    }
  }
}
