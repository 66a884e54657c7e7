// Watches the task file through its directory. Editors save in place, by rename (write a temp file,
// rename it over), vim-style (move away, write anew), or a person runs `rm task.md; cp task.bak
// task.md`: a watch on the file itself follows one inode and goes blind when that inode goes (a
// chokidar single-file watch lost every later edit in 4 of 10 delete-and-recreate trials). A watch on
// the directory (inotify through fs.watch; aura is Linux-only) sees every name that changes in it,
// whatever happened to the old inode, so only events for the task file's name count.
// A short debounce turns a burst of saves into one wake; the daemon compares content hashes, so a
// save that changes nothing costs one read. The daemon also re-checks the file's stat on every
// heartbeat and `aura wake` (see TaskFileProbe), so even a lost event costs one heartbeat at most.
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

export class TaskFileWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly dir: string;
  private readonly base: string;

  constructor(
    file: string,
    private readonly debounceMs: number,
    private readonly onChange: (event: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {
    this.dir = path.dirname(file);
    this.base = path.basename(file);
  }

  async start(): Promise<void> {
    const w = watch(this.dir, { persistent: true }, (event, name) => {
      // A null name means the kernel dropped events (queue overflow): the file may have changed.
      if (name === null || name === this.base) this.fire(event);
    });
    w.on('error', (err) => this.onError(err));
    this.watcher = w;
  }

  private fire(event: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange(event);
    }, this.debounceMs);
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const w = this.watcher;
    this.watcher = null;
    w?.close();
  }
}

/** The cheap identity of the task file's current version: one stat, no read. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * The safety net under the watcher: one stat per heartbeat or `aura wake`; a read (and hash compare)
 * only when the stamp moved. Missing file: no stamp (the read then reports what is wrong).
 */
export class TaskFileProbe {
  private last: FileStamp | null = null;

  constructor(private readonly file: string) {}

  /** The file's stamp now; take it before reading, and accept() it once that read was dealt with. */
  stamp(): Promise<FileStamp | null> {
    return stampOf(this.file);
  }

  accept(s: FileStamp | null): void {
    this.last = s;
  }

  /** Whether the file looks different from the version last remembered. */
  async changed(): Promise<boolean> {
    const now = await stampOf(this.file);
    const before = this.last;
    if (now === null || before === null) return now !== before;
    return now.ino !== before.ino || now.size !== before.size || now.mtimeMs !== before.mtimeMs || now.ctimeMs !== before.ctimeMs;
  }
}

async function stampOf(file: string): Promise<FileStamp | null> {
  try {
    const s = await stat(file);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs };
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}
