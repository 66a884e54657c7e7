// Ids and dependencies for the parsed drafts: explicit ids first (they win), derived ids fill in around
// them; then each task's `needs` is resolved (explicit, or implied by its place in the file, see
// parse.ts) and the whole graph is checked for cycles, hierarchy included.
import { type Diagnostics, fail } from './diagnostics.js';
import { flatten, type TaskDraft } from './draft.js';
import { deriveId, GOAL_RESERVED_ID, ID_RULES, idProblem, MAX_DERIVED_ID, RESERVED_ID, truncate, uniqueId } from './ids.js';

const MAX_LISTED_IDS = 30;

/** Gives every draft its id. `all` is in document order, so derived suffixes (-2, -3) follow the file. */
export function assignIds(d: Diagnostics, all: readonly TaskDraft[]): void {
  // Lowercased: ids are directory names, and macOS / Windows file systems ignore case.
  const taken = new Map<string, number>([
    [RESERVED_ID, 0],
    [GOAL_RESERVED_ID, 0],
  ]);
  for (const t of all) {
    if (t.rawId === undefined) continue;
    const { value, line } = t.rawId;
    const problem = idProblem(value);
    if (problem !== null) fail(d, line, `invalid task id ${JSON.stringify(truncate(value))}: ${problem}`, ID_RULES);
    const first = taken.get(value.toLowerCase());
    if (first !== undefined) {
      fail(
        d,
        line,
        `duplicate id "${value}" (also on line ${first})`,
        'give each task its own id (ids are compared ignoring case), or remove one of the id: lines',
      );
    }
    taken.set(value.toLowerCase(), line);
    t.id = value;
    t.explicitId = true;
  }
  const takenSet = new Set(taken.keys());
  for (const t of all) {
    if (t.explicitId) continue;
    t.id = uniqueId(deriveId(t.title), takenSet, MAX_DERIVED_ID + 6);
    takenSet.add(t.id.toLowerCase());
  }
}

/** Fills `resolvedNeeds` for every draft: explicit `needs:` or the implicit step ordering. */
export function resolveNeeds(d: Diagnostics, roots: readonly TaskDraft[], all: readonly TaskDraft[]): void {
  const byId = new Map<string, TaskDraft>();
  const byLower = new Map<string, TaskDraft>();
  for (const t of all) {
    byId.set(t.id, t);
    byLower.set(t.id.toLowerCase(), t);
  }
  for (const t of all) {
    if (t.needs === null) continue;
    const out = new Set<string>();
    const { tokens, line } = t.needs;
    const none = tokens.some((x) => x.toLowerCase() === RESERVED_ID);
    if (none && tokens.length > 1) {
      fail(d, line, `"needs: none" cannot be combined with other ids`, 'write either `needs: none` or a list of ids');
    }
    for (const token of none ? [] : tokens) {
      // Exact id, then ignoring case, then the title-style spelling (`needs: Prepare the data`).
      const target = byId.get(token) ?? byLower.get(token.toLowerCase()) ?? byLower.get(deriveId(token));
      if (target === undefined) {
        fail(
          d,
          line,
          `task "${t.id}" needs "${truncate(token, 60)}", which is not a task id in this file ` +
            `(known ids: ${listIds(all)})`,
          'use the id of another task: its `id:` setting, or the id derived from its title',
        );
      }
      if (target === t) fail(d, line, `task "${t.id}" needs itself`, 'remove its own id from its needs: line');
      out.add(target.id);
    }
    t.resolvedNeeds = [...out];
  }
  implicitNeeds(roots, true);
  for (const t of all) if (t.children.length > 0) implicitNeeds(t.children, false, t.parallel);
}

function listIds(all: readonly TaskDraft[]): string {
  const ids = all.slice(0, MAX_LISTED_IDS).map((t) => t.id);
  const more = all.length - ids.length;
  return ids.join(', ') + (more > 0 ? `, … and ${more} more` : '');
}

/**
 * Groups siblings into steps and makes each task without explicit needs wait for every task of the
 * previous step. A step is one task, or a run of top-level tasks in the same (parallel) section, or
 * all children of a `parallel: true` parent.
 */
function implicitNeeds(siblings: readonly TaskDraft[], topLevel: boolean, parallelParent = false): void {
  let previous: string[] = [];
  let current: string[] = [];
  let currentSection = -1;
  for (let i = 0; i < siblings.length; i++) {
    const t = siblings[i]!;
    const joinsStep = i > 0 && (parallelParent || (topLevel && t.sectionParallel && t.section === currentSection));
    if (!joinsStep) {
      if (i > 0) previous = current;
      current = [];
    }
    currentSection = t.section;
    current.push(t.id);
    if (t.needs === null) t.resolvedNeeds = [...previous];
  }
}

/**
 * Fails on the first deadlock. Each task is two nodes, start and done: a task starts after its needs
 * are done and after its parent may start; it is done after it started and after its children are
 * done. A cycle in that graph is a plan that can never finish, e.g. a subtask needing its own parent.
 */
export function checkCycles(d: Diagnostics, all: readonly TaskDraft[]): void {
  const index = new Map<TaskDraft, number>();
  all.forEach((t, i) => index.set(t, i));
  const byId = new Map(all.map((t) => [t.id, t] as const));
  const start = (i: number) => 2 * i;
  const done = (i: number) => 2 * i + 1;
  const edges: number[][] = Array.from({ length: all.length * 2 }, () => []);
  all.forEach((t, i) => {
    for (const n of t.resolvedNeeds) edges[start(i)]!.push(done(index.get(byId.get(n)!)!));
    if (t.parent !== null) edges[start(i)]!.push(start(index.get(t.parent)!));
    edges[done(i)]!.push(start(i));
    for (const c of t.children) edges[done(i)]!.push(done(index.get(c)!));
  });

  const cycle = findCycle(edges);
  if (cycle === null) return;
  const tasks = cycle.map((node) => all[Math.floor(node / 2)]!);
  const names: string[] = [];
  for (const t of tasks) if (names[names.length - 1] !== t.id) names.push(t.id);
  if (names.length > 1 && names[0] === names[names.length - 1]) names.pop();
  const culprit = tasks.find((t) => t.needs !== null) ?? tasks[0]!;
  fail(
    d,
    culprit.needs?.line ?? culprit.line,
    `dependency cycle: ${[...names, names[0]].join(' → ')}`,
    "break the cycle by removing one of these needs; a subtask starts only after its parent's needs are met, " +
      'and a parent is done only when all its subtasks are',
  );
}

/** A cycle as a list of nodes (first node not repeated), or null. Iterative DFS: no stack overflow. */
function findCycle(edges: readonly number[][]): number[] | null {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const color = new Uint8Array(edges.length);
  const path: number[] = [];
  const nextEdge: number[] = new Array<number>(edges.length).fill(0);
  const onPathAt = new Int32Array(edges.length).fill(-1);
  for (let root = 0; root < edges.length; root++) {
    if (color[root] !== WHITE) continue;
    path.push(root);
    color[root] = GREY;
    onPathAt[root] = 0;
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const out = edges[node]!;
      const k = nextEdge[node]!;
      if (k < out.length) {
        nextEdge[node] = k + 1;
        const to = out[k]!;
        if (color[to] === GREY) return path.slice(onPathAt[to]!);
        if (color[to] === WHITE) {
          color[to] = GREY;
          onPathAt[to] = path.length;
          path.push(to);
        }
      } else {
        color[node] = BLACK;
        path.pop();
      }
    }
  }
  return null;
}

/** Convenience for parse.ts: ids, needs and the cycle check in the one order that works. */
export function orderTasks(d: Diagnostics, roots: readonly TaskDraft[]): TaskDraft[] {
  const all = flatten(roots);
  assignIds(d, all);
  resolveNeeds(d, roots, all);
  checkCycles(d, all);
  return all;
}
