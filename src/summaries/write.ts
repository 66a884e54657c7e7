// Writes .aura/summaries/: <task>.md for every task in a final status whose summary is missing or
// older than the task's last change, and final-report.md once the run is done. Atomic writes; a
// failure is returned, never thrown, so a full disk cannot stop the daemon's cycle.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Layout } from '../store/layout.js';
import { forEachEntry } from '../store/journal-read.js';
import type { RunState } from '../store/schema.js';
import { writeFileAtomic } from '../util/atomic.js';
import { errnoCode } from '../util/errors.js';
import { isFinalStatus, NotableEvents, renderFinalReport, renderTaskSummary } from './task-summary.js';

export const FINAL_REPORT = 'final-report.md';

export function summariesDir(layout: Layout): string {
  return path.join(layout.root, 'summaries');
}

/** `<id>.md`; ids are [A-Za-z0-9._-] already, anything else is encoded, and a task may not take final-report.md. */
export function summaryFileName(taskId: string): string {
  const safe = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(taskId) ? taskId : encodeURIComponent(taskId).replace(/^\./, '%2E');
  const name = `${safe}.md`;
  return name === FINAL_REPORT ? `task-${name}` : name;
}

export function summaryPath(layout: Layout, taskId: string): string {
  return path.join(summariesDir(layout), summaryFileName(taskId));
}

export function finalReportPath(layout: Layout): string {
  return path.join(summariesDir(layout), FINAL_REPORT);
}

/** mtime in ms, or null when the file does not exist. */
export async function mtimeOf(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).mtimeMs;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** The newest change the final report reflects: doneAt or any task's last change. */
export function finalReportDue(state: RunState): number | null {
  if (!state.doneAt) return null;
  let t = Date.parse(state.doneAt);
  for (const task of Object.values(state.tasks)) t = Math.max(t, Date.parse(task.updatedAt) || 0);
  return Number.isFinite(t) ? t : 0;
}

function isStale(mtime: number | null, changedIso: string | number): boolean {
  if (mtime === null) return true;
  const changed = typeof changedIso === 'number' ? changedIso : Date.parse(changedIso);
  return Number.isFinite(changed) && mtime < changed;
}

export interface WriteSummariesResult {
  /** Absolute paths written this call. */
  written: string[];
  /** What could not be written, in words. */
  errors: string[];
}

/** The final report's notable events, streamed from the journal (never the whole journal in memory). */
export async function notableEvents(layout: Layout): Promise<NotableEvents> {
  const notable = new NotableEvents();
  await forEachEntry(layout.journalFile, (e) => notable.add(e));
  return notable;
}

/**
 * Brings .aura/summaries/ up to date. The journal is read (streamed) only when the final report
 * needs (re)writing and no kept `notable` is given.
 */
export async function writeSummaries(
  layout: Layout,
  state: RunState,
  /** Only these tasks (those that just ended); every finished task when absent. */
  only?: ReadonlySet<string>,
  /** The notable events as kept by the daemon (daemon-open.ts); streamed from the journal when absent. */
  notable?: NotableEvents,
): Promise<WriteSummariesResult> {
  const out: WriteSummariesResult = { written: [], errors: [] };
  const dir = summariesDir(layout);
  let made = false;
  const write = async (file: string, text: () => string | Promise<string>) => {
    try {
      if (!made) {
        await fsp.mkdir(dir, { recursive: true });
        made = true;
      }
      await writeFileAtomic(file, await text());
      out.written.push(file);
    } catch (err) {
      out.errors.push(`${path.relative(layout.project, file)}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const tasks = only ? [...only].map((id) => state.tasks[id]).filter((t): t is NonNullable<typeof t> => t !== undefined) : Object.values(state.tasks);
  for (const t of tasks) {
    if (!isFinalStatus(t.status)) continue;
    const file = summaryPath(layout, t.id);
    let mtime: number | null;
    try {
      mtime = await mtimeOf(file);
    } catch (err) {
      out.errors.push(`${path.relative(layout.project, file)}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (isStale(mtime, t.updatedAt)) await write(file, () => renderTaskSummary(state, t.id));
  }

  const due = finalReportDue(state);
  if (due !== null) {
    const file = finalReportPath(layout);
    let mtime: number | null = null;
    try {
      mtime = await mtimeOf(file);
    } catch {
      mtime = null;
    }
    if (isStale(mtime, due)) {
      await write(file, async () => renderFinalReport(state, notable ?? (await notableEvents(layout))));
    }
  }
  return out;
}
