// renderMarkdown: the progress view → .aura/state/progress.md, laid out by templates/progress.md.
// Pure string building. Everything that came from outside (titles, reasons, output) goes through
// escape.ts; the page must read well both rendered and as raw text in a terminal.
import { doneRunText, moreText } from './compact.js';
import { code, fenced, inline, row } from './escape.js';
import { plural } from './format.js';
import { countsText } from './overall.js';
import { fill } from './template.js';
import type { EvidenceView, ProgressView, TaskList, TaskView, VerifyView } from './types.js';
import { ATTENTION_MAX, STATUS_SYMBOL } from './types.js';

/** Titles in table cells are clipped harder than in the tree: a table row should stay one line. */
const CELL_TITLE_MAX = 60;
/** Tasks listed in full before finished ones fold and the list is cut (compact.ts). */
export const PROGRESS_TASKS_MAX = 300;

export function renderMarkdown(view: ProgressView, template: string): string {
  const page = fill(template, {
    goal: inline(view.goal) || 'Untitled goal',
    overall: overallSection(view),
    spend: spendSection(view),
    generated: generatedLine(view),
    tasks: view.tasks.roots > 0 ? taskList(view.tasks, false) : '_No tasks in task.md yet._',
    workers: workersTable(view),
    decisions: decisionsTable(view),
    removed: `${branchesSection(view)}\n\n${removedSection(view)}`,
    totals: totalsLine(view),
  });
  // An empty section (e.g. nothing removed) leaves a gap of blank lines; close it up. Safe because
  // no value contains a run of blank lines of its own (output tails drop blank lines).
  return `${page.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function branchesSection(view: ProgressView): string {
  if (!view.branches.length) return '';
  return `## Branches for you\n\nVerified work aura did not merge itself (AURA_MERGE=branch, or a conflict it could not solve):\n\n${view.branches.map((b) => `- ${inline(b)}`).join('\n')}`;
}

function title(t: { title: string }, max?: number): string {
  return inline(t.title, max) || '(untitled)';
}

function overallSection(view: ProgressView): string {
  const { overall } = view;
  const lines = [overall.detail ? `**${overall.headline}** — ${inline(overall.detail)}` : `**${overall.headline}**`];
  lines.push('', countsText(view.counts, STATUS_SYMBOL));
  const stuck = view.attention;
  if (stuck.total > 0) {
    const named = stuck.tasks.slice(0, ATTENTION_MAX).map((t) => `${t.symbol} ${title(t, CELL_TITLE_MAX)} ${code(t.id)}`);
    if (stuck.total > ATTENTION_MAX) named.push(`and ${stuck.total - ATTENTION_MAX} more`);
    lines.push('', `**Needs attention:** ${named.join(' · ')}`);
  }
  for (const w of view.taskFileWarnings) lines.push('', `**task.md:** ${inline(w)}`);
  // progress.md lives in .aura/state/; the summaries beside it in .aura/summaries/.
  if (overall.state === 'done') lines.push('', 'Final report: [../summaries/final-report.md](../summaries/final-report.md) · per-task summaries in `.aura/summaries/`');
  return lines.join('\n');
}

/** Near the top, because it is about money: a quote block when nothing limits the spending. */
function spendSection(view: ProgressView): string {
  const s = view.spend;
  if (!s) return '';
  // The text is aura's own words (setting and backend names), never user input: only the setting
  // names need marking up.
  const text = `${s.text.charAt(0).toUpperCase()}${s.text.slice(1)}`.replace(/AURA_[A-Z_]+/g, (k) => code(k));
  return s.warning ? `> ⚠ ${text.replace(/^No spend cap/, '**No spend cap**')}` : `_${text}_`;
}

function generatedLine(view: ProgressView): string {
  const d = view.daemon;
  const who = d.pid !== null ? `daemon pid ${d.pid} ${d.mode}` : `daemon ${d.mode}`;
  const parts = [`Updated ${view.generatedAt}`, d.uptime ? `${who}, up ${d.uptime}` : who];
  if (d.nextWake) parts.push(`next wake ${d.nextWake}`);
  parts.push(`cycle ${view.totals.cycle}`, `journal #${view.journalSeq}`);
  const note = d.note ? `\n\n> ${inline(d.note)}` : '';
  return `_${parts.join(' · ')}_${note}`;
}

function taskList(tasks: TaskList, brief: boolean): string {
  const out: string[] = [];
  for (const item of tasks.list(PROGRESS_TASKS_MAX)) {
    if (item.kind === 'task') taskLines(item.task, item.depth, brief, out);
    else if (item.kind === 'done') out.push(`${'  '.repeat(item.depth)}- ${STATUS_SYMBOL.done} ${doneRunText(item, (id) => code(id))}`);
    else out.push(`${'  '.repeat(item.depth)}- ${inline(moreText(item)).replace('aura status --json', code('aura status --json'))}`);
  }
  return out.join('\n');
}

function taskFacts(t: TaskView): string {
  const facts = [inline(t.statusText)];
  if (t.current) {
    facts.push(`attempt ${t.current.n}`, `${t.current.elapsed} so far`);
    if (t.current.budget) facts.push(t.current.budget);
  } else {
    facts.push(t.attempts > 0 ? plural(t.attempts, 'attempt') : 'not started');
  }
  if (t.usage) facts.push(t.usage);
  return facts.join(' · ');
}

/** One task as a list item (its children are items of their own); details are sub-items so the raw text stays scannable. */
function taskLines(t: TaskView, depth: number, brief: boolean, out: string[]): void {
  const ind = '  '.repeat(depth);
  const sub = `${ind}  `;
  out.push(`${ind}- ${t.symbol} **${title(t)}** ${code(t.id)} — ${taskFacts(t)}`);
  if (t.reason && t.reason !== t.evidence?.summary) out.push(`${sub}- Reason: ${inline(t.reason)}`);
  if (t.voidTick && t.status !== 'done') out.push(`${sub}- ⚠ Ticked in task.md while its worker ran: that tick does not count (its evidence decides); untick and tick it again to mark it done yourself`);
  // How the last attempt ended matters when no evidence speaks for it (a timeout, a crash).
  const unexplained = t.evidence === null || t.evidence.attempt !== t.attempts;
  if (t.lastEnd && unexplained && t.status !== 'done' && t.status !== 'archived') out.push(`${sub}- Last attempt: ${inline(t.lastEnd)}`);
  if (t.git) out.push(`${sub}- Git: ${inline(t.git)}`);
  if (t.evidence) {
    if (brief) out.push(`${sub}- Evidence: ${t.evidence.passed ? 'passed' : 'failed'} — ${inline(t.evidence.summary)}`);
    else evidenceLines(t.evidence, sub, out);
  }
}

function evidenceLines(e: EvidenceView, ind: string, out: string[]): void {
  const verdict = e.passed ? '**passed**' : '**failed**';
  const dirty = e.workerClean ? '' : ' (worker did not exit cleanly)';
  out.push(`${ind}- Evidence from attempt ${e.attempt}, ${e.checkedAt}: ${verdict}${dirty} — ${inline(e.summary)}`);
  const sub = `${ind}  `;
  for (const a of e.artifacts) out.push(`${sub}- ${a.ok ? '✓' : '✗'} ${code(a.path)} — ${inline(a.detail)}`);
  if (e.moreArtifacts > 0) out.push(`${sub}- … and ${plural(e.moreArtifacts, 'more artifact')}`);
  if (e.verify) verifyLines(e.verify, sub, out);
}

function verifyLines(v: VerifyView, ind: string, out: string[]): void {
  const log = v.logPath ? ` (full log: ${code(v.logPath)})` : '';
  const head = `${ind}- ${v.ok ? '✓' : '✗'} verify ${code(v.command)} — ${inline(v.result)}`;
  // A passing check needs one line of proof; a failing one gets the tail that explains it.
  if (v.ok || v.tail.length === 0) {
    const last = v.tail[v.tail.length - 1];
    out.push(last ? `${head}: ${code(last)}${log}` : `${head}${log}`);
    return;
  }
  out.push(`${head}${log}`);
  out.push(...fenced(v.tail, `${ind}  `));
}

function workersTable(view: ProgressView): string {
  if (view.workers.length === 0) return '_No workers running._';
  const withRes = view.workers.some((w) => w.resources);
  const head = ['Task', 'PID', 'Command', 'Elapsed', 'Budget left', ...(withRes ? ['Resources'] : [])];
  const lines = [row(head), `|---|--:|---|--:|--:|${withRes ? '---|' : ''}`];
  for (const w of view.workers) {
    lines.push(
      row([
        `${title(w, CELL_TITLE_MAX)} ${code(w.taskId, { table: true })}`,
        w.pid !== null ? String(w.pid) : w.job ? `job ${w.job}` : 'starting',
        code(w.command, { table: true, max: 80 }),
        w.elapsed,
        w.budget ? (w.overBudget ? `**${w.budget}**` : w.budget.replace(/ left$/, '')) : 'no limit',
        ...(withRes ? [inline(w.resources ?? '—')] : []),
      ]),
    );
  }
  return lines.join('\n');
}

function decisionsTable(view: ProgressView): string {
  if (view.decisions.length === 0) return '_Nothing decided yet._';
  const lines = [row(['Time (UTC)', 'Task', 'What happened']), '|---|---|---|'];
  for (const d of view.decisions) {
    const task = d.taskTitle !== null ? inline(d.taskTitle, CELL_TITLE_MAX) : d.taskId ? code(d.taskId, { table: true }) : '—';
    lines.push(row([d.time.replace(/ UTC$/, ''), task, inline(d.text)]));
  }
  return `${lines.join('\n')}\n\n_Newest first; the full record is .aura/state/journal.jsonl._`;
}

function removedSection(view: ProgressView): string {
  if (view.removed.roots === 0) return '';
  return `## Removed from task.md\n\nKept for the record; aura will not run these again.\n\n${taskList(view.removed, true)}`;
}

function totalsLine(view: ProgressView): string {
  const t = view.totals;
  const tasks = t.archived > 0 ? `${plural(t.tasks, 'task')} (+${t.archived} removed)` : plural(t.tasks, 'task');
  const ran = t.finished ? `ran for ${t.runTime}` : `running for ${t.runTime}`;
  const usage = t.usage ? ` · ${t.usage}` : '';
  const line = `${tasks} · ${plural(t.attempts, 'attempt')}${usage} · ${ran} since ${t.since} · ${plural(t.cycle, 'cycle')}`;
  return t.planner ? `${line}\n\n${t.planner}` : line;
}
