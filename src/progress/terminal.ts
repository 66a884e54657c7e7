// renderStatusText: the progress view → `aura status` output. Compact, one line per task, every
// line ≤ LINE_MAX characters. Symbols are decoration only: each is followed by the status word,
// so the text reads the same where a terminal cannot draw emoji.
import { doneRunText, moreText } from './compact.js';
import { clipChars, plural } from './format.js';
import { countsText } from './overall.js';
import type { ProgressView, TaskView } from './types.js';

export const LINE_MAX = 100;
/** Deeper subtasks stop indenting so titles keep some room. */
const INDENT_MAX = 6;
/** Tasks listed in full before finished ones fold and the list is cut (compact.ts). */
export const STATUS_TASKS_MAX = 100;
/** Removed tasks named on their line before "and N more". */
export const REMOVED_NAMED = 20;
/** Recent decisions shown here; progress.md has the longer list. */
const DECISIONS_SHOWN = 5;
/** Workers on record with no daemon watching them (it was killed, or stopped with --leave-workers). */
export const ORPHANS_HINT =
  'No daemon watches these workers: they were running when it stopped and may still be. Start it again (`aura <task-file>`) to re-adopt them, or to record how they ended.';

export function renderStatusText(view: ProgressView): string {
  const lines: string[] = [];
  lines.push(`aura · ${view.goal}`);
  lines.push(...wrap(view.overall.line, '  '));
  if (view.spend) lines.push(...wrapWords(`${view.spend.warning ? '⚠ ' : ''}${view.spend.text}`, '  '));
  lines.push(daemonLine(view));
  lines.push('');
  lines.push(`Tasks: ${countsText(view.counts)}`);
  if (view.tasks.roots === 0) lines.push('  (no tasks)');
  for (const item of view.tasks.list(STATUS_TASKS_MAX)) {
    const ind = '  '.repeat(Math.min(item.depth + 1, INDENT_MAX));
    if (item.kind === 'task') taskLines(item.task, item.depth + 1, lines);
    else if (item.kind === 'done') lines.push(`${ind}✓ ${doneRunText(item, (id) => id)}`);
    else lines.push(`${ind}${moreText(item)}`);
  }
  if (view.workers.length > 0) {
    lines.push('', 'Workers:');
    for (const w of view.workers) {
      const budget = w.budget ?? 'no limit';
      lines.push(`  ${w.job ? `job ${w.job}` : `pid ${w.pid ?? '—'}`}  ${w.taskId}  ${w.elapsed}  ${budget}  $ ${w.command}`);
      if (w.resources) lines.push(`      ${w.resources}`);
    }
    if (view.daemon.mode === 'stopped') lines.push(...wrapWords(`  ${ORPHANS_HINT}`, '  '));
  }
  if (view.branches.length > 0) {
    lines.push('', 'Branches for you:');
    for (const b of view.branches) lines.push(`  ${b}`);
  }
  if (view.decisions.length > 0) {
    lines.push('', 'Recent (newest first, UTC):');
    for (const d of view.decisions.slice(0, DECISIONS_SHOWN)) {
      lines.push(`  ${d.shortTime}  ${d.taskId ? `${d.taskId}: ` : ''}${d.text}`);
    }
  }
  if (view.removed.roots > 0) {
    const more = view.removed.roots > REMOVED_NAMED ? ` and ${view.removed.roots - REMOVED_NAMED} more` : '';
    lines.push('', `Removed from task.md: ${view.removed.rootIds(REMOVED_NAMED).join(', ')}${more}`);
  }
  const t = view.totals;
  lines.push('', `${plural(t.tasks, 'task')} · ${plural(t.attempts, 'attempt')}${t.usage ? ` · ${t.usage}` : ''} · ${t.finished ? 'ran' : 'running'} ${t.runTime} since ${t.since}`);
  if (t.planner) lines.push(t.planner);
  return `${lines.map(fit).join('\n')}\n`;
}

function daemonLine(view: ProgressView): string {
  const d = view.daemon;
  const who = d.pid !== null ? `daemon pid ${d.pid} ${d.mode}` : `daemon ${d.mode}`;
  const parts = [d.uptime ? `${who}, up ${d.uptime}` : who, `updated ${view.generatedAt}`];
  if (d.note) parts.push(d.note);
  return parts.join(' · ');
}

function taskLines(t: TaskView, depth: number, out: string[]): void {
  const ind = '  '.repeat(Math.min(depth, INDENT_MAX));
  const facts: string[] = [t.statusText];
  if (t.current) {
    facts.push(`attempt ${t.current.n}`, t.current.elapsed);
    if (t.current.budget) facts.push(t.current.budget);
  } else if (t.attempts > 0) {
    facts.push(plural(t.attempts, 'attempt'));
    if (t.usage) facts.push(t.usage);
  }
  out.push(`${ind}${t.symbol} ${t.title} [${t.id}] · ${facts.join(' · ')}`);
  // Only where a person may need to act or wait is the "why" worth a second line.
  const why = whyLine(t);
  if (why) out.push(`${ind}   ${why}`);
  if (t.git) out.push(`${ind}   git: ${t.git}`);
}

function whyLine(t: TaskView): string | null {
  if (t.status === 'done' || t.status === 'running' || t.status === 'verifying') return null;
  const e = t.evidence;
  if (t.status === 'failed' && e && !e.passed) {
    const key = e.verify && !e.verify.ok ? telling(e.verify.tail) : null;
    return key ? `${e.summary} — ${key}` : e.summary;
  }
  return t.reason || t.lastEnd;
}

/** The output line most likely to say what went wrong: the last error-looking one, else the last. */
function telling(tail: readonly string[]): string | null {
  const errorish = /error|fail|not ok|assert|exception|denied|cannot|unable/i;
  const pick = [...tail].reverse().find((l) => errorish.test(l)) ?? tail.at(-1);
  return pick ? pick.trim() : null;
}

/** Breaks a "a, b, c" line at its commas so a long status line wraps instead of being cut. */
function wrap(line: string, indent: string): string[] {
  if (Array.from(line).length <= LINE_MAX) return [line];
  const out: string[] = [];
  let cur = '';
  for (const piece of line.split(', ')) {
    const next = cur === '' ? piece : `${cur}, ${piece}`;
    if (cur !== '' && Array.from(next).length > LINE_MAX) {
      out.push(`${cur},`);
      cur = `${indent}${piece}`;
    } else {
      cur = next;
    }
  }
  out.push(cur);
  return out;
}

/** Breaks a sentence at spaces so it stays within LINE_MAX, later lines indented. */
function wrapWords(text: string, indent: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    const next = cur === '' ? word : `${cur} ${word}`;
    if (cur !== '' && Array.from(next).length > LINE_MAX) {
      out.push(cur);
      cur = `${indent}${word}`;
    } else {
      cur = next;
    }
  }
  out.push(cur);
  return out;
}

/** Clip to LINE_MAX characters (code points), after the caller's text has been put on one line. */
function fit(line: string): string {
  return clipChars(line.replace(/\s+$/, ''), LINE_MAX);
}
