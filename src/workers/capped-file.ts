// A log file that can never grow past its cap: the first half of the cap is kept as written (the
// head), after that only the most recent bytes (the tail) are kept, in a side file rewritten now and
// then. At close the tail is appended after a line saying how much was dropped. A worker that floods
// its output cannot fill the disk, and what it said first and last is still there.
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

export class CappedFile {
  private fd: number;
  private head = 0;
  private ring: Buffer[] = [];
  private ringBytes = 0;
  private dropped = 0;
  private tailDirty = false;
  private closed = false;
  readonly headCap: number;
  readonly tailCap: number;

  constructor(readonly path: string, capBytes: number) {
    this.headCap = Math.floor(capBytes / 2);
    this.tailCap = capBytes - this.headCap;
    this.fd = openSync(path, 'a');
  }

  get written(): number {
    return this.head + this.ringBytes + this.dropped;
  }

  write(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    let rest = chunk;
    if (this.head < this.headCap) {
      const n = Math.min(this.headCap - this.head, rest.length);
      writeSync(this.fd, rest, 0, n);
      this.head += n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) return;
    this.ring.push(Buffer.from(rest));
    this.ringBytes += rest.length;
    this.tailDirty = true;
    while (this.ringBytes > this.tailCap && this.ring.length > 0) {
      const first = this.ring[0]!;
      const over = this.ringBytes - this.tailCap;
      if (first.length <= over) {
        this.ring.shift();
        this.ringBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.ring[0] = first.subarray(over);
        this.ringBytes -= over;
        this.dropped += over;
      }
    }
  }

  private tailText(): Buffer {
    return Buffer.concat(this.ring);
  }

  /** Writes the current tail to `<path>.tail` so it survives a crash of the writer. */
  flushTail(): void {
    if (!this.tailDirty || this.closed) return;
    this.tailDirty = false;
    const tmp = `${this.path}.tail.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, this.tailText());
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, `${this.path}.tail`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ringBytes > 0) {
      const note = this.dropped > 0 ? `\n[aura: ${this.dropped} bytes dropped here to keep this log under its cap]\n` : '';
      writeSync(this.fd, Buffer.from(note));
      writeSync(this.fd, this.tailText());
    }
    closeSync(this.fd);
    try {
      unlinkSync(`${this.path}.tail`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
