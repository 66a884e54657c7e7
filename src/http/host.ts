// What the dashboard needs from the daemon, and nothing more. The daemon implements it
// (src/daemon/dashboard-host.ts); tests can implement it without one.
import type { ControlReply, ControlRequest } from '../daemon/control.js';
import type { Layout } from '../store/layout.js';
import type { JournalEntry } from '../store/schema.js';
import type { DashboardSnapshot } from './state.js';

export interface DashboardHost {
  /** Where attempt files and the journal are (read-only; never locked). */
  readonly layout: Layout;
  /** The daemon's in-memory facts, without I/O; null while it is still starting. */
  snapshot(): DashboardSnapshot | null;
  /**
   * A request exactly as the control socket takes it (ping, wake, kill, retry, pause, resume), so the
   * dashboard's actions are acknowledged and journaled as the CLI's are.
   */
  control(req: ControlRequest): Promise<ControlReply>;
  /** Journal batches once they are on disk, in seq order; returns the unsubscribe function. */
  subscribe(fn: (entries: JournalEntry[]) => void): () => void;
  /** The newest `limit` journal entries with seq > `after`, oldest first. */
  journalSince(after: number, limit: number): Promise<JournalEntry[]>;
}
