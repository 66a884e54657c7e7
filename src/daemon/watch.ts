// Watches the task file. Editors save in place, by rename (write temp + rename over), or vim-style
// (move away, write new); chokidar's `atomic` mode folds all of these into one `change`. A short
// debounce turns a burst of saves into one wake; the daemon compares content hashes, so a save that
// changes nothing costs one read.
import { watch, type FSWatcher } from 'chokidar';

export class TaskFileWatcher {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly debounceMs: number,
    private readonly onChange: (event: string) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    const w = watch(this.file, { ignoreInitial: true, atomic: true, persistent: true });
    w.on('all', (event) => this.fire(event));
    w.on('error', (err) => this.onError(err));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
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
    if (w) await w.close();
  }
}
