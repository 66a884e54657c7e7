// Task file → TaskFileSpec. Pure: text in, plain data out; every problem is an AuraError
// ('BAD_TASK_FILE') naming the line, or a warning in the result.
//
// What the file means:
// - The first `# ` heading is the goal. Everything that belongs to no task is context.
// - Checklist items (`- [ ]`, `* [ ]`, `+ [ ]`, `1. [ ]`) are tasks; `[x]` means the user already did
//   it. A checklist item indented past another item's marker is its subtask (tabs count 4 columns).
// - Under a task, bullets `- key: value` with a lowercase key are settings (run, produces, verify, id,
//   needs, budget, worker, parallel; others are kept in `extra` with a warning). Every other nested
//   bullet or paragraph is the task's notes. Fenced code blocks (``` or ~~~) are never tasks or
//   headings; they belong to whatever the fence line itself belongs to.
//
// Ordering (what runs before what):
// 1. Items at the same level run as ordered steps: each item implicitly needs every item of the
//    previous step. By default each item is its own step, so a list runs top to bottom.
// 2. Under a `## ... (parallel)` heading (level 2 or deeper, case-insensitive), the top-level items
//    form one step: they run side by side, and the next item after the section waits for all of them.
// 3. `parallel: true` on a task makes its children one step: its subtasks run side by side.
// 4. An explicit `needs: a, b` replaces the implicit dependency; `needs: none` means no dependency.
// 5. Subtasks only get needs among their siblings; a subtask waiting for its parent's own needs, and a
//    parent being done only when its subtasks are, is the core's parent gating (cycles through it are
//    still rejected here).
// A file with no checklist at all has no items: the goal itself is the one task (goalOnly; the goal is
// always the root of the run's tree, see core/tree.ts).
// HTML comments are the author's notes: removed first, they never become tasks, context or notes.
// Numbered items (`1. Add tests`) outside any task are context, not tasks; the ancestor (aura-agent)
// treated them as tasks, so they get a warning naming the lines and how to write them as tasks.
import { stripComments } from './comments.js';
import { type Diagnostics, createDiagnostics, fail, warn } from './diagnostics.js';
import type { TaskDraft } from './draft.js';
import { orderTasks } from './order.js';
import { buildOutline, notesText } from './outline.js';
import { normaliseText, scanLines } from './scan.js';
import { finishSettings } from './settings.js';
import type { TaskFileSpec, TaskSpec } from './spec.js';

export interface ParseOptions {
  /** File name used in messages (`task.md:12: ...`); messages say `line 12: ...` without it. */
  file?: string;
}

export function parseTaskFile(text: string, options: ParseOptions = {}): TaskFileSpec {
  const d = createDiagnostics(options.file);
  const outline = buildOutline(d, scanLines(stripComments(normaliseText(text))));
  if (outline.goal === null) {
    fail(
      d,
      1,
      'no goal heading: the file needs a `# ` heading saying what the work is for',
      'add a first line like `# Train the model`',
    );
  }
  if (outline.goal === '') {
    fail(d, outline.goalLine, 'the goal heading is empty', 'write the goal after the `#`, like `# Train the model`');
  }
  const goal = outline.goal;

  warnNumbered(d, outline.numberedContext);
  if (outline.roots.length === 0) {
    return { goal, context: outline.context, tasks: [], goalOnly: true, warnings: d.warnings };
  }
  finishAll(d, outline.roots);
  orderTasks(d, outline.roots);
  return {
    goal,
    context: outline.context,
    tasks: outline.roots.map(toSpec),
    goalOnly: false,
    warnings: d.warnings,
  };
}

function finishAll(d: Diagnostics, roots: readonly TaskDraft[]): void {
  const stack = [...roots];
  while (stack.length > 0) {
    const t = stack.pop()!;
    finishSettings(d, t);
    stack.push(...t.children);
  }
}

/** One warning for all numbered context items, naming their lines (runs shown as ranges). */
function warnNumbered(d: Diagnostics, lines: readonly number[]): void {
  if (lines.length === 0) return;
  const runs: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    runs.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  const where = runs.length > 6 ? `${runs.slice(0, 6).join(', ')}, …` : runs.join(', ');
  warn(
    d,
    lines[0]!,
    `numbered item${lines.length > 1 ? 's' : ''} on line${lines.length > 1 ? 's' : ''} ${where} ${lines.length > 1 ? 'are' : 'is'} context, not tasks: ` +
      'aura runs only checklist items (aura-agent ran numbered items as tasks). To make one a task, write it as `- [ ] Add error handling`',
  );
}

// Recursion depth is bounded by MAX_DEPTH, so plain recursion is fine here.
function toSpec(t: TaskDraft): TaskSpec {
  const spec: TaskSpec = {
    id: t.id,
    explicitId: t.explicitId,
    title: t.title,
    checked: t.checked,
    produces: t.produces,
    needs: t.resolvedNeeds,
    explicitNeeds: t.needs !== null,
    parallel: t.parallel,
    extra: t.extra,
    notes: notesText(t.noteLines),
    line: t.line,
    children: t.children.map(toSpec),
  };
  // Optional fields only when set, so specs compare and serialise cleanly.
  if (t.run !== undefined) spec.run = t.run;
  if (t.verify !== undefined) spec.verify = t.verify;
  if (t.budgetMs !== undefined) spec.budgetMs = t.budgetMs;
  if (t.worker !== undefined) spec.worker = t.worker;
  return spec;
}
