// What the daemon prints while it runs in the foreground. On a terminal: log lines scroll above a
// live status line that is redrawn in place (workers, elapsed, cost so far, next wake). Elsewhere
// (a pipe, a service's log): plain timestamped lines only. --quiet prints nothing, --verbose adds
// the per-cycle detail. Everything also goes to .aura/logs/aura.log (JSON lines, rotated).
// The terminal may go away while the daemon runs (`aura task.md | head`, a closed pipe, a parent
// that died): a write error on stdout or stderr then means "nobody is reading", never a crash; the
// daemon goes on, and its lines go to the log file only (the file says so once).
import type { RotatingLog } from '../daemon/log-file.js';
import { timestamp } from './output.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export class DaemonConsole {
  private statusText = '';
  private timer: NodeJS.Timeout | null = null;
  private file: RotatingLog | null = null;
  readonly tty: boolean;

  constructor(
    private readonly verbosity: Verbosity,
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {
    this.tty = !!out.isTTY && verbosity !== 'quiet';
    // Without a listener, an EPIPE on either stream is an uncaught exception; with one, the write
    // is simply lost. Both streams: --quiet's warnings and the log file's own notes use stderr.
    for (const [name, stream] of [['stdout', out], ['stderr', process.stderr]] as const) {
      stream.on('error', (err: NodeJS.ErrnoException) => {
        if (this.gone.has(name)) return;
        this.gone.add(name);
        this.file?.write('warn', `the daemon's ${name} is gone (${err.code ?? err.message}): nothing reads it any more; lines go to this log file only`);
      });
    }
  }

  /** Streams that failed a write: nothing is written to them again. */
  private readonly gone = new Set<'stdout' | 'stderr'>();

  private write(line: string): void {
    if (!this.gone.has('stdout')) this.out.write(line);
  }

  attachFile(file: RotatingLog): void {
    this.file = file;
  }

  /** A line for people (and the log file). */
  log = (line: string): void => {
    this.file?.write('info', line);
    if (this.verbosity === 'quiet') return;
    this.print(`[${timestamp()}] ${line}`);
  };

  /** A line a person must see even with --quiet (there it goes to stderr, like the config warnings). */
  warn = (line: string): void => {
    this.file?.write('warn', line);
    if (this.verbosity === 'quiet') {
      if (!this.gone.has('stderr')) process.stderr.write(`aura: ${line}\n`);
    }
    else this.print(`[${timestamp()}] ${line}`);
  };

  /** A line for the terminal only, never the log file (the dashboard link, which carries its token). */
  tell = (line: string): void => {
    if (this.verbosity === 'quiet') return;
    this.print(`[${timestamp()}] ${line}`);
  };

  /** Detail shown only with --verbose (always in the log file). */
  debug = (line: string): void => {
    this.file?.write('debug', line);
    if (this.verbosity === 'verbose') this.print(`[${timestamp()}] ${line}`);
  };

  private print(line: string): void {
    if (this.tty && this.statusText) this.write(`\r\x1b[2K${line}\n${this.statusText}`);
    else this.write(`${line}\n`);
  }

  /** Keeps the status line current on a terminal: `render` is asked once a second. */
  startStatus(render: () => string): void {
    if (!this.tty || this.timer) return;
    const draw = () => {
      const cols = this.out.columns || 100;
      const text = render();
      this.statusText = text.length > cols - 1 ? `${text.slice(0, cols - 2)}…` : text;
      this.write(`\r\x1b[2K${this.statusText}`);
    };
    draw();
    this.timer = setInterval(draw, 1000);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty && this.statusText) this.write('\r\x1b[2K');
    this.statusText = '';
  }
}
