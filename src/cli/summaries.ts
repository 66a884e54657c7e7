// `aura summaries [<task>]`: the per-task summaries and the final report under .aura/summaries/.
// Read-only: a summary not written yet is rendered from the current state instead (and says so).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { taskForest, type TaskNode } from '../progress/tree.js';
import { layoutFor, type Layout } from '../store/layout.js';
import type { RunState } from '../store/schema.js';
import type { SummariesListJson, SummaryEntryJson, SummaryJson } from '../summaries/json.js';
import { isFinalStatus, renderFinalReport, renderTaskSummary } from '../summaries/task-summary.js';
import { FINAL_REPORT, finalReportDue, finalReportPath, mtimeOf, notableEvents, summaryPath } from '../summaries/write.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { findProject } from './project.js';

export interface SummariesOptions {
  dir?: string;
  json?: boolean;
}

/** The run's state, read-only (zod and the store load here, not when the CLI starts). */
export async function loadState(dir: string | undefined): Promise<{ project: string; layout: Layout; state: RunState }> {
  const project = findProject(dir);
  const layout = layoutFor(project);
  const { readStateReadOnly } = await import('../store/state-store.js');
  const { state, recovery } = await readStateReadOnly(layout);
  if (!state) throw new AuraError('NO_DAEMON', `no aura run in ${project} (no .aura/state/state.json)`, 'start one with `aura <task-file>`');
  if (recovery) process.stderr.write(`aura: note: ${recovery.reason}\n`);
  return { project, layout, state };
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

function flatten(nodes: readonly TaskNode[]): TaskNode['task'][] {
  return nodes.flatMap((n) => [n.task, ...flatten(n.children)]);
}

export async function listSummaries(layout: Layout, state: RunState): Promise<SummariesListJson> {
  const forest = taskForest(state);
  const tasks: SummaryEntryJson[] = [];
  for (const t of [...flatten(forest.live), ...flatten(forest.archived)]) {
    const file = summaryPath(layout, t.id);
    const mtime = await mtimeOf(file);
    if (mtime === null && !isFinalStatus(t.status)) continue;
    const changed = Date.parse(t.updatedAt);
    tasks.push({ task: t.id, title: t.title, status: t.status, path: file, written: mtime !== null, upToDate: mtime !== null && !(mtime < changed) });
  }
  const fr = finalReportPath(layout);
  const frMtime = await mtimeOf(fr);
  const due = finalReportDue(state);
  return {
    project: layout.project,
    dir: path.dirname(fr),
    finalReport: { path: fr, written: frMtime !== null, upToDate: frMtime !== null && (due === null || frMtime >= due), due: due !== null },
    tasks,
  };
}

export async function summariesCommand(task: string | undefined, o: SummariesOptions): Promise<number> {
  const { project, layout, state } = await loadState(o.dir);
  if (task === undefined) {
    const list = await listSummaries(layout, state);
    if (o.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return 0;
    }
    const rel = (p: string) => path.relative(project, p) || p;
    if (list.tasks.length === 0) process.stdout.write('no finished tasks yet, so no task summaries\n');
    const w = Math.max(4, ...list.tasks.map((t) => t.task.length));
    for (const t of list.tasks) {
      const note = !t.written ? '  (not written yet)' : !t.upToDate ? '  (older than the task’s last change)' : '';
      process.stdout.write(`${t.task.padEnd(w)}  ${t.status.padEnd(9)}  ${rel(t.path)}${note}\n`);
    }
    const fr = list.finalReport;
    process.stdout.write(
      fr.written
        ? `final report: ${rel(fr.path)}${fr.upToDate ? '' : '  (older than the latest change)'}\n`
        : fr.due
          ? `final report: not written yet (\`aura summaries ${FINAL_REPORT.replace(/\.md$/, '')}\` renders it now)\n`
          : 'final report: written once every task is done\n',
    );
    return 0;
  }

  let file: string;
  let render: () => Promise<string>;
  let id: string | null = task;
  if (state.tasks[task]) {
    file = summaryPath(layout, task);
    render = async () => renderTaskSummary(state, task);
  } else if (task === 'final-report' || task === FINAL_REPORT) {
    id = null;
    file = finalReportPath(layout);
    render = async () => renderFinalReport(state, await notableEvents(layout));
  } else {
    const known = Object.keys(state.tasks);
    throw new AuraError('BAD_USAGE', `no task "${task}" in this run`, `known tasks: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}; or final-report`);
  }
  const onDisk = await readOrNull(file);
  const markdown = onDisk ?? (await render());
  if (o.json) {
    const out: SummaryJson = { task: id, path: file, written: onDisk !== null, markdown };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  if (onDisk === null) process.stderr.write(`aura: ${path.relative(project, file)} is not written yet; rendered from the current state\n`);
  process.stdout.write(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return 0;
}
