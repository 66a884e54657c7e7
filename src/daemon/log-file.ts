// .aura/logs/aura.log: one JSON object per line ({ts, level, msg}), rotated by size so a daemon that
// runs for weeks keeps a bounded log: aura.log → aura.log.1 → … → aura.log.<keep>, oldest dropped.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

export class RotatingLog {
  private size: number;
  /** The last write failed (disk full, read-only): said once, retried on every later line. */
  private failing: string | null = null;

  constructor(
    readonly file: string,
    private readonly maxBytes = 5 * 1024 * 1024,
    private readonly keep = 3,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.size = sizeOf(file);
  }

  write(level: 'info' | 'debug' | 'warn', msg: string): void {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, msg }) + '\n';
    // A log that cannot be written must never take the daemon down (a full disk is exactly when it
    // has to keep supervising): the line still reaches the terminal; the failure is said once.
    try {
      if (this.size + line.length > this.maxBytes && this.size > 0) this.rotate();
      appendFileSync(this.file, line);
      this.size += Buffer.byteLength(line);
      if (this.failing) {
        this.failing = null;
        process.stderr.write(`aura: ${this.file} is writable again\n`);
      }
    } catch (err) {
      const code = errnoCode(err) ?? 'error';
      if (this.failing !== code) process.stderr.write(`aura: cannot write ${this.file} (${code}); log lines go to the terminal only until it can\n`);
      this.failing = code;
    }
  }

  private rotate(): void {
    for (let i = this.keep - 1; i >= 1; i--) moveIfThere(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    moveIfThere(this.file, `${this.file}.1`);
    this.size = 0;
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return 0;
    throw err;
  }
}

function moveIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}
