// Walks the scanned lines once and decides where each belongs: the goal, the context, a task, a
// task's settings or a task's notes. Ownership follows indentation, like Markdown list nesting: a line
// belongs to the innermost open list item whose marker it is indented past. See parse.ts for the rules.
import { type Diagnostics, fail } from './diagnostics.js';
import { newDraft, type PendingList, type TaskDraft } from './draft.js';
import type { ScannedLine } from './scan.js';
import { addListValue, applySetting, parseSettingBullet } from './settings.js';

export const MAX_DEPTH = 8;
/** Checklist items in one file; the daemon's cycle costs the same per task up to here (bench: scale). */
export const MAX_TASKS = 20_000;

export interface Outline {
  goal: string | null;
  goalLine: number;
  context: string;
  roots: TaskDraft[];
  /** Lines of numbered items (`1. Add tests`) that are context here, not tasks (the ancestor's tasks). */
  numberedContext: number[];
}

interface OpenItem {
  kind: 'task' | 'setting' | 'other';
  /** Column of the list marker. */
  indent: number;
  /** The task this item belongs to (itself for a task); null for context lists. */
  task: TaskDraft | null;
  /** For an empty `produces:` / `needs:` setting: where its nested values go. */
  pending: PendingList | null;
}

export function buildOutline(d: Diagnostics, lines: readonly ScannedLine[]): Outline {
  const roots: TaskDraft[] = [];
  const context: string[] = [];
  const numberedContext: number[] = [];
  const stack: OpenItem[] = [];
  let goal: string | null = null;
  let goalLine = 0;
  let section = { index: 0, parallel: false };
  let taskCount = 0;
  let blanks = 0;
  let fenceOwner: TaskDraft | null = null;

  // Blank lines go to whoever gets the next content, so a gap left by a task does not pile up in context.
  const emit = (dest: TaskDraft | null, line: ScannedLine): void => {
    if (blanks > 0) {
      if (dest === null && context.length > 0 && context[context.length - 1] !== '') context.push('');
      if (dest !== null && dest.noteLines.length > 0) dest.noteLines.push({ indent: 0, text: '' });
      blanks = 0;
    }
    emitVerbatim(dest, line);
  };
  const emitVerbatim = (dest: TaskDraft | null, line: ScannedLine): void => {
    if (dest === null) context.push(line.raw);
    else dest.noteLines.push({ indent: line.indent, text: line.body });
  };
  const popTo = (indent: number): OpenItem | undefined => {
    while (stack.length > 0 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    return stack[stack.length - 1];
  };

  for (const line of lines) {
    switch (line.kind) {
      case 'fence-body':
        emitVerbatim(fenceOwner, line);
        break;
      case 'blank':
        blanks++;
        break;
      case 'heading': {
        // `  ## Details` indented under a task is part of that task (its notes), not a new section.
        const inside = line.indent > 0 ? (popTo(line.indent)?.task ?? null) : null;
        if (inside !== null) {
          emit(inside, line);
          break;
        }
        stack.length = 0;
        // Every heading, the goal included, starts a new section.
        if (line.level === 1 && goal === null) {
          goal = line.text;
          goalLine = line.n;
        } else {
          emit(null, line);
        }
        section = {
          index: section.index + 1,
          parallel: line.level >= 2 && line.text.toLowerCase().endsWith('(parallel)'),
        };
        break;
      }
      case 'text':
      case 'fence-open': {
        const owner = popTo(line.indent)?.task ?? null;
        emit(owner, line);
        if (line.kind === 'fence-open') fenceOwner = owner;
        break;
      }
      case 'item': {
        const top = popTo(line.indent);
        if (line.checked !== null) {
          const parent = top?.task ?? null;
          if (line.text === '') {
            const hint = 'write the task after the checkbox, e.g. `- [ ] Prepare the data`';
            fail(d, line.n, 'checklist item has no text', hint);
          }
          if (parent !== null && parent.depth >= MAX_DEPTH) {
            fail(
              d,
              line.n,
              `checklist item nested ${parent.depth + 1} levels deep (at most ${MAX_DEPTH})`,
              'flatten the task list: move deep subtasks up a level',
            );
          }
          if (++taskCount > MAX_TASKS) {
            const hint = 'split the work into fewer, larger tasks, or several task files';
            fail(d, line.n, `more than ${MAX_TASKS} tasks`, hint);
          }
          const task = newDraft(line.text, line.checked, line.n, parent, section);
          (parent === null ? roots : parent.children).push(task);
          stack.push({ kind: 'task', indent: line.indent, task, pending: null });
          blanks = 0;
          break;
        }
        if (top?.kind === 'task' && top.task !== null) {
          const setting = parseSettingBullet(line.text);
          if (setting !== null) {
            const pending = applySetting(d, top.task, setting.key, setting.value, line.n);
            stack.push({ kind: 'setting', indent: line.indent, task: top.task, pending });
            blanks = 0;
            break;
          }
        }
        if (top?.kind === 'setting' && top.pending !== null && top.task !== null) {
          addListValue(top.task, top.pending, line.text, line.n);
          stack.push({ kind: 'other', indent: line.indent, task: top.task, pending: null });
          blanks = 0;
          break;
        }
        const owner = top?.task ?? null;
        if (owner === null && line.ordered) numberedContext.push(line.n);
        emit(owner, line);
        stack.push({ kind: 'other', indent: line.indent, task: owner, pending: null });
        break;
      }
    }
  }
  return { goal, goalLine, context: context.join('\n').trim(), roots, numberedContext };
}

/** A task's note lines as one block: dedented to the shallowest line, blank lines at either end dropped. */
export function notesText(lines: ReadonlyArray<{ indent: number; text: string }>): string {
  let min = Infinity;
  for (const l of lines) if (l.text !== '' && l.indent < min) min = l.indent;
  const out = lines.map((l) => (l.text === '' ? '' : ' '.repeat(l.indent - min) + l.text.trimEnd()));
  let first = 0;
  let end = out.length;
  while (first < end && out[first] === '') first++;
  while (end > first && out[end - 1] === '') end--;
  return out.slice(first, end).join('\n');
}
