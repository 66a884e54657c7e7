// What the task file says, after parsing: plain data, no I/O.

/** One checklist item (or the goal itself when the file has no checklist). */
export interface TaskSpec {
  /** Stable id: the `id:` setting, else derived from the title (see deriveId). Unique within the file. */
  id: string;
  /** True when the id came from an explicit `id:` setting. */
  explicitId: boolean;
  title: string;
  /** `- [x]`: the user already did it; aura never runs it. */
  checked: boolean;
  /** `run:` shell command; absent means an agent worker does the task. */
  run?: string;
  /** `produces:` artifact paths, relative to the project root. */
  produces: string[];
  /** `verify:` command aura runs itself; exit 0 = verified. */
  verify?: string;
  /**
   * Dependencies by id, resolved: explicit `needs:` when given (`none` clears them), otherwise the
   * implicit ordering: every task of the previous step among its siblings (see parse.ts for steps).
   */
  needs: string[];
  /** True when `needs:` was written explicitly. */
  explicitNeeds: boolean;
  /** `budget:` wall clock for one attempt, in milliseconds. */
  budgetMs?: number;
  /** `worker:` backend override (claude, codex, opencode, gemini, shell, custom). */
  worker?: string;
  /** `parallel: true` on a task with subtasks: its subtasks run side by side. */
  parallel: boolean;
  /** Any other `key: value` settings, kept verbatim so later features (and the user) lose nothing. */
  extra: Record<string, string>;
  /**
   * Nested bullets and paragraphs under the item that are neither settings nor subtasks, dedented and
   * trimmed ('' when none). Workers get them as instructions for this task.
   */
  notes: string;
  /** 1-based line of the checklist item in the file. */
  line: number;
  children: TaskSpec[];
}

export interface TaskFileSpec {
  /** The first `# ` heading. */
  goal: string;
  /**
   * Everything that belongs to no task (the goal heading, checklist items and their settings and notes
   * excluded): the context, verbatim except that runs of blank lines collapse to one, trimmed.
   */
  context: string;
  /** Top-level tasks. When the file has no checklist this holds one task: the goal itself. */
  tasks: TaskSpec[];
  /** True when the task list was synthesised from the goal (no checklist in the file). */
  goalOnly: boolean;
  /** Non-fatal findings worth telling the user (unknown setting keys, odd values). */
  warnings: string[];
}
