// What a daemon holds while it runs, opened in order and closed in reverse: the private .aura, the
// control socket's path, the project lock, the dashboard's port (bound before anything is written,
// so a busy port fails the start cleanly), the state (loaded or recovered) and the journal. Whatever
// was opened is in `held`, so a failure part-way still lets the caller close exactly that.
import { mkdir, rm } from 'node:fs/promises';
import { openDashboard, type Dashboard } from '../http/open.js';
import { Journal } from '../store/journal.js';
import type { Layout } from '../store/layout.js';
import { acquireLock, type LockHandle } from '../store/lock.js';
import { ensurePrivateRoot } from '../store/private-root.js';
import { StateStore, type LoadResult } from '../store/state-store.js';
import { NotableEvents } from '../summaries/task-summary.js';
import { makeFilesPrivate } from '../util/umask.js';
import { chooseSocketPath } from './control.js';
import type { DaemonOptions } from './daemon-options.js';

export interface Held {
  lock: LockHandle | null;
  journal: Journal | null;
  dashboard: Dashboard | null;
  /** The private directory holding the socket when the project path is too deep for one in .aura/run. */
  socketDir: string | null;
}

export function nothingHeld(): Held {
  return { lock: null, journal: null, dashboard: null, socketDir: null };
}

export interface Opened {
  socketPath: string;
  store: StateStore;
  loaded: LoadResult;
  /** The final report's notable events over the whole journal, seeded by its opening scan, then kept. */
  notable: NotableEvents;
}

export async function openParts(o: DaemonOptions, L: Layout, held: Held): Promise<Opened> {
  // Everything aura writes from here on is its owner's alone; workers get the person's umask back.
  makeFilesPrivate();
  await ensurePrivateRoot(L.root);
  for (const dir of [L.stateDir, L.memoryDir, L.workspaceDir, L.runDir]) await mkdir(dir, { recursive: true });
  const { socketPath, privateDir } = await chooseSocketPath(L.runDir);
  held.socketDir = privateDir;
  // Lets `ps` (and the lock's liveness check, which looks for "aura" in the command line) see what
  // this process is, however it was started.
  process.title = `aura ${o.taskFile}`;
  held.lock = await acquireLock(L, { socketPath, version: o.version, taskFile: o.taskFile });
  held.dashboard = await openDashboard({ config: o.config, env: o.env, runDir: L.runDir, lock: held.lock, log: o.log, tell: (line) => o.console?.tell?.(line) });
  const store = new StateStore(L);
  const loaded = await store.load();
  // If journal.jsonl was lost but state.json survived, new entries must not reuse old numbers.
  const notable = new NotableEvents();
  held.journal = await Journal.open(L, { seqFloor: loaded.state?.journalSeq ?? 0, onEntry: (e) => notable.add(e) });
  held.journal.onAppend((batch) => batch.forEach((e) => notable.add(e)));
  return { socketPath, store, loaded, notable };
}

/** Closes what `held` holds, newest first. Idempotent. */
export async function closeParts(held: Held): Promise<void> {
  const dir = held.socketDir;
  held.socketDir = null;
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  await held.dashboard?.close();
  held.dashboard = null;
  await held.journal?.close();
  held.journal = null;
  await held.lock?.release();
  held.lock = null;
}
