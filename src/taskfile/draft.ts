// The mutable task record the parser fills in while walking the file; parse.ts turns the finished
// drafts into plain TaskSpec data once ids and dependencies are resolved.

export interface PendingList {
  key: 'produces' | 'needs';
  line: number;
  /** Values that arrived as nested bullets under an empty `produces:` / `needs:`. */
  count: number;
}

export interface TaskDraft {
  title: string;
  checked: boolean;
  line: number;
  /** 1 for a top-level task. */
  depth: number;
  parent: TaskDraft | null;
  children: TaskDraft[];
  /** Top-level tasks only: index of the heading section they sit under (0 before any heading). */
  section: number;
  /** Top-level tasks only: that section's heading ends in "(parallel)". */
  sectionParallel: boolean;

  run?: string;
  verify?: string;
  worker?: string;
  budgetMs?: number;
  produces: string[];
  parallel: boolean;
  extra: Record<string, string>;
  /** The `id:` value as written (validated later, so the error can name its line). */
  rawId?: { value: string; line: number };
  /** `needs:` tokens as written, all `needs:` lines together; null when none was written. */
  needs: { tokens: string[]; line: number } | null;
  /** Which settings were already given, and on which line (duplicate warnings). */
  seen: Map<string, number>;
  pendingLists: PendingList[];
  /** Note lines with their indentation (columns) so the block can be dedented as a whole. */
  noteLines: Array<{ indent: number; text: string }>;

  /** Assigned by assignIds. */
  id: string;
  explicitId: boolean;
  /** Resolved by resolveNeeds. */
  resolvedNeeds: string[];
}

export function newDraft(
  title: string,
  checked: boolean,
  line: number,
  parent: TaskDraft | null,
  section: { index: number; parallel: boolean },
): TaskDraft {
  return {
    title,
    checked,
    line,
    depth: parent === null ? 1 : parent.depth + 1,
    parent,
    children: [],
    section: section.index,
    sectionParallel: section.parallel,
    produces: [],
    parallel: false,
    extra: {},
    needs: null,
    seen: new Map(),
    pendingLists: [],
    noteLines: [],
    id: '',
    explicitId: false,
    resolvedNeeds: [],
  };
}

/** Every draft in document order (parents before their children). Iterative: depth is bounded, but cheaply. */
export function flatten(roots: readonly TaskDraft[]): TaskDraft[] {
  const out: TaskDraft[] = [];
  const stack: TaskDraft[] = [...roots].reverse();
  while (stack.length > 0) {
    const d = stack.pop()!;
    out.push(d);
    for (let i = d.children.length - 1; i >= 0; i--) stack.push(d.children[i]!);
  }
  return out;
}
