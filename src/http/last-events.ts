// The last journal entry about each task ("last event" on the page), kept current from the journal's
// append listener: one map write per entry, so it costs nothing while nobody looks.
import type { JournalEntry } from '../store/schema.js';
import type { DashboardHost } from './host.js';

export class LastEvents {
  private readonly byTask = new Map<string, JournalEntry>();
  private off: (() => void) | null = null;

  constructor(private readonly host: DashboardHost) {}

  /** Seeds from the journal's tail, then follows appends. Entries seen live are never overwritten by older ones. */
  async start(scan = 2000): Promise<void> {
    if (this.off) return;
    this.off = this.host.subscribe((batch) => batch.forEach((e) => this.note(e)));
    for (const e of await this.host.journalSince(0, scan)) this.note(e);
  }

  private note(e: JournalEntry): void {
    if (!e.task) return;
    const had = this.byTask.get(e.task);
    if (!had || had.seq < e.seq) this.byTask.set(e.task, e);
  }

  get map(): ReadonlyMap<string, JournalEntry> {
    return this.byTask;
  }

  close(): void {
    this.off?.();
    this.off = null;
  }
}
