// Task settings: the nested `- key: value` bullets under a checklist item. Values are plain text; a
// value wrapped in backticks is unwrapped. Unknown keys are kept (in `extra`) with a warning, so a
// typo is visible and a newer file still loads in an older aura.
import { type Diagnostics, fail, warn } from './diagnostics.js';
import type { PendingList, TaskDraft } from './draft.js';
import { truncate } from './ids.js';
import { parseMemSetting } from '../executors/slurm/units.js';

export const KNOWN_SETTINGS = ['run', 'produces', 'verify', 'id', 'needs', 'budget', 'worker', 'parallel', 'executor', 'mem', 'cpus', 'gpus', 'isolate'] as const;
export const KNOWN_WORKERS = ['claude', 'codex', 'opencode', 'gemini', 'shell', 'custom'] as const;

/** One attempt may not run longer than this: timers beyond it are unreliable and it is surely a typo. */
export const MAX_BUDGET_MS = 7 * 24 * 3600_000;

const KNOWN = new Set<string>(KNOWN_SETTINGS);
/** Settings that may be given more than once, or as a nested list under an empty `key:`. */
const LIST_KEYS = new Set(['produces', 'needs']);

/** `key: value` with a lowercase key, or null when the bullet is not a setting. */
export function parseSettingBullet(text: string): { key: string; value: string } | null {
  const m = /^([a-z][a-z0-9_-]*):(?:[ \t]|$)/.exec(text);
  if (m === null) return null;
  return { key: m[1]!, value: text.slice(m[0].length).trim() };
}

/**
 * Unwraps a value that is one backtick code span as a whole: `x` and ``a`b`` unwrap, while
 * `a` && `b` (two spans) stays as written.
 */
export function stripTicks(value: string): string {
  const v = value.trim();
  let n = 0;
  while (n < v.length && v[n] === '`') n++;
  if (n === 0 || n === v.length) return v;
  // The span closes at the first later run of exactly n backticks; it must be the end of the value.
  return findTickRun(v, n, n) === v.length - n ? v.slice(n, v.length - n).trim() : v;
}

/** Splits on commas that are outside backtick spans; each piece is unwrapped. Empty pieces are dropped. */
export function splitList(value: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c === ',') {
      pieces.push(value.slice(start, i));
      start = ++i;
    } else if (c === '`') {
      let n = 0;
      while (value[i + n] === '`') n++;
      const close = findTickRun(value, i + n, n);
      // An unclosed span is literal text to the end of the value, commas included.
      i = close === -1 ? value.length : close + n;
    } else {
      i++;
    }
  }
  pieces.push(value.slice(start));
  return pieces.map(stripTicks).filter((p) => p !== '');
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findTickRun(s: string, from: number, n: number): number {
  let i = from;
  while (i < s.length) {
    if (s[i] !== '`') {
      i++;
      continue;
    }
    let len = 0;
    while (s[i + len] === '`') len++;
    if (len === n) return i;
    i += len;
  }
  return -1;
}

const UNIT_MS: Record<string, number> = {};
for (const [names, ms] of [
  [['h', 'hr', 'hrs', 'hour', 'hours'], 3600_000],
  [['m', 'min', 'mins', 'minute', 'minutes'], 60_000],
  [['s', 'sec', 'secs', 'second', 'seconds'], 1000],
] as const) {
  for (const name of names) UNIT_MS[name] = ms;
}

/** Milliseconds for `90s`, `20m`, `1h30m`, `1.5h`, `2 hours`; a bare number is minutes. Null if unreadable. */
export function parseBudget(raw: string): number | null {
  const s = raw.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 60_000);
  let total = 0;
  let i = 0;
  let parts = 0;
  while (i < s.length) {
    while (s[i] === ' ') i++;
    const numStart = i;
    while (i < s.length && ((s[i]! >= '0' && s[i]! <= '9') || s[i] === '.')) i++;
    const num = s.slice(numStart, i);
    while (s[i] === ' ') i++;
    const unitStart = i;
    while (i < s.length && s[i]! >= 'a' && s[i]! <= 'z') i++;
    const ms = UNIT_MS[s.slice(unitStart, i)];
    if (!/^\d+(\.\d+)?$/.test(num) || ms === undefined) return null;
    total += Number(num) * ms;
    parts++;
    while (s[i] === ' ') i++;
  }
  return parts === 0 ? null : Math.round(total);
}

function parseBool(value: string): boolean | null {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'yes' || v === 'on' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === 'off' || v === '0') return false;
  return null;
}

/**
 * Applies one setting bullet to a task. Returns the pending list when the setting is an empty
 * `produces:` / `needs:` whose values follow as nested bullets (see addListValue).
 */
export function applySetting(
  d: Diagnostics,
  task: TaskDraft,
  key: string,
  rawValue: string,
  line: number,
): PendingList | null {
  const name = JSON.stringify(truncate(task.title, 60));
  if (!KNOWN.has(key)) {
    warn(
      d,
      line,
      `unknown setting "${truncate(key, 40)}" on task ${name}; kept as is ` +
        `(known settings: ${KNOWN_SETTINGS.join(', ')})`,
    );
  }
  const earlier = task.seen.get(key);
  if (earlier !== undefined && !LIST_KEYS.has(key)) {
    warn(d, line, `second "${key}:" on task ${name} (first on line ${earlier}); the later value wins`);
  }
  if (earlier === undefined) task.seen.set(key, line);

  const value = stripTicks(rawValue);
  if (value === '') {
    if (key === 'produces' || key === 'needs') {
      if (key === 'needs' && task.needs === null) task.needs = { tokens: [], line };
      const pending: PendingList = { key, line, count: 0 };
      task.pendingLists.push(pending);
      return pending;
    }
    warn(d, line, `"${truncate(key, 40)}:" on task ${name} has no value; ignored`);
    return null;
  }

  switch (key) {
    case 'run':
      task.run = value;
      break;
    case 'verify':
      task.verify = value;
      break;
    case 'id':
      task.rawId = { value, line };
      break;
    case 'produces':
      task.produces.push(...splitList(rawValue));
      break;
    case 'needs':
      addNeeds(task, splitList(rawValue), line);
      break;
    case 'budget':
      task.budgetMs = checkBudget(d, value, line);
      break;
    case 'worker':
      if (!(KNOWN_WORKERS as readonly string[]).includes(value.toLowerCase())) {
        warn(d, line, `worker "${truncate(value, 40)}" on task ${name} is not one of ${KNOWN_WORKERS.join(', ')}`);
      }
      task.worker = value;
      break;
    case 'parallel': {
      const b = parseBool(value);
      if (b === null) warn(d, line, `parallel: "${truncate(value, 40)}" on task ${name} is not true or false; ignored`);
      else task.parallel = b;
      break;
    }
    // Where and with what the worker runs (issue 18): kept in `extra`, checked here so a typo is an
    // error at once rather than a job the cluster refuses later.
    case 'executor': {
      const v = value.toLowerCase();
      if (v !== 'local' && v !== 'slurm') fail(d, line, `executor "${truncate(value, 40)}" on task ${name} is not local or slurm`, 'write executor: slurm (a batch job per attempt) or executor: local');
      task.extra[key] = v;
      break;
    }
    // Issue 14: a worktree of its own (or none) for this task, whatever AURA_WORKTREES says.
    case 'isolate': {
      const v = value.toLowerCase();
      if (v !== 'worktree' && v !== 'none') fail(d, line, `isolate "${truncate(value, 40)}" on task ${name} is not worktree or none`, 'write isolate: worktree (a git worktree and branch per attempt) or isolate: none (the project\'s own tree)');
      task.extra[key] = v;
      break;
    }
    case 'mem':
      if (parseMemSetting(value) === null) fail(d, line, `mem "${truncate(value, 40)}" on task ${name} is not a size`, 'write it like 512M, 2G or 1.5GB (a bare number means GB)');
      task.extra[key] = value;
      break;
    case 'cpus':
    case 'gpus': {
      const min = key === 'cpus' ? 1 : 0;
      if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 4096) fail(d, line, `${key} "${truncate(value, 40)}" on task ${name} is not a whole number from ${min} to 4096`, `write ${key}: 2, say`);
      task.extra[key] = value;
      break;
    }
    default:
      task.extra[key] = value;
  }
  return null;
}

/** One nested bullet under an empty `produces:` / `needs:`. */
export function addListValue(task: TaskDraft, pending: PendingList, text: string, line: number): void {
  const values = splitList(text);
  pending.count += values.length;
  if (pending.key === 'produces') task.produces.push(...values);
  else addNeeds(task, values, line);
}

/** Warnings for list settings that were left empty. Call once the task's lines are all read. */
export function finishSettings(d: Diagnostics, task: TaskDraft): void {
  for (const p of task.pendingLists) {
    if (p.count === 0) {
      warn(d, p.line, `"${p.key}:" on task ${JSON.stringify(truncate(task.title, 60))} has no value; ignored`);
    }
  }
  if (task.needs !== null && task.needs.tokens.length === 0) task.needs = null;
  task.produces = [...new Set(task.produces)];
  if (task.parallel && task.children.length === 0) {
    const name = JSON.stringify(truncate(task.title, 60));
    warn(d, task.line, `parallel: true on task ${name} has no effect: it has no subtasks`);
  }
}

function addNeeds(task: TaskDraft, tokens: string[], line: number): void {
  if (task.needs === null) task.needs = { tokens: [], line };
  task.needs.tokens.push(...tokens);
}

function checkBudget(d: Diagnostics, value: string, line: number): number {
  const hint = 'use a duration like 90s, 20m, 1h30m or 2h (a bare number means minutes)';
  const ms = parseBudget(value);
  if (ms === null) fail(d, line, `invalid budget "${truncate(value, 40)}"`, hint);
  if (ms < 1000) fail(d, line, `budget "${truncate(value, 40)}" is shorter than one second`, hint);
  if (ms > MAX_BUDGET_MS) fail(d, line, `budget "${truncate(value, 40)}" is longer than the 7-day maximum`, hint);
  return ms;
}
