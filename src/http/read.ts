// The dashboard's file reads: runners' status.json, a worker's output, the journal. Read-only, and
// never a lock: the daemon and its workers keep writing while these run, and a half-replaced file
// reads as "not there yet" rather than as an error.
import path from 'node:path';
import { liveUsage, readRunnerStatus } from '../daemon/live-status.js';
import { activeAttempt, pickAttempt } from '../progress/task-view.js';
import { readJournalTail } from '../store/journal-read.js';
import type { Layout } from '../store/layout.js';
import type { JournalEntry, RunState, TaskState, UsageRecord } from '../store/schema.js';
import { readLog } from '../workers/capped-read.js';
import type { LogStream, LogTail, TaskDetail } from './detail.js';

/** Most of a log one answer carries; a page asks again for more. */
export const LOG_MAX_CHARS = 256 * 1024;

export interface RunnerFacts {
  usage: Map<string, UsageRecord>;
  runner: Map<string, { lastOutputAt: string | null; lastEventAt: string | null }>;
}

/** Live status of every attempt still running (a few small files: one per running worker). */
export async function readRunners(layout: Layout, state: RunState): Promise<RunnerFacts> {
  const out: RunnerFacts = { usage: new Map(), runner: new Map() };
  await Promise.all(
    Object.values(state.tasks).map(async (t) => {
      const a = activeAttempt(t);
      if (!a) return;
      const s = await readRunnerStatus(path.join(layout.root, a.dir));
      if (!s) return;
      out.runner.set(t.id, { lastOutputAt: s.lastOutputAt ?? null, lastEventAt: s.lastEventAt ?? null });
      const u = liveUsage(s);
      if (u) out.usage.set(`${t.id}#${a.n}`, u);
    }),
  );
  return out;
}

export async function readTaskLive(layout: Layout, t: TaskState): Promise<TaskDetail['live']> {
  const a = activeAttempt(t);
  if (!a) return null;
  const s = await readRunnerStatus(path.join(layout.root, a.dir));
  return s ? { lastOutputAt: s.lastOutputAt ?? null, lastEventAt: s.lastEventAt ?? null, usage: liveUsage(s) } : null;
}

/**
 * The last `lines` lines of an attempt's output (the latest attempt unless `attempt` is given); null
 * when there is no such attempt. A file not written yet reads as empty.
 */
export async function readTaskLog(layout: Layout, t: TaskState, stream: LogStream, lines: number, attempt: number | null): Promise<LogTail | null> {
  const a = pickAttempt(t, attempt);
  if (!a) return null;
  const text = (await readLog(path.join(layout.root, a.dir), stream, lines)) ?? '';
  const clipped = text.length > LOG_MAX_CHARS;
  return { task: t.id, attempt: a.n, stream, text: clipped ? text.slice(text.length - LOG_MAX_CHARS) : text, clipped, ended: a.endedAt !== null };
}

/** Entries about one task among the journal's last `scan` entries, the newest `keep`, oldest first. */
export async function readTaskJournal(layout: Layout, id: string, scan = 2000, keep = 50): Promise<JournalEntry[]> {
  const tail = await readJournalTail(layout.journalFile, scan);
  return tail.filter((e) => e.task === id).slice(-keep);
}
