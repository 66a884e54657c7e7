// After the user edits the task file, decide which new task is which old one, so a reworded or moved
// task keeps its id and with it its attempts, logs and status. Pure: state in, a mapping out; the core
// applies it (archiving removed tasks, creating added ones).
//
// Matching tiers, in order; each pairs tasks one-to-one among those still unmatched, in file order:
//   1. id:       the spec's explicit `id:` equals a state id
//   2. title:    same normalised title (case, emphasis, punctuation and spacing ignored)
//   3. run:      same non-empty `run:` command; then produces: same non-empty set of artifacts
//   4. position: same parent, same position among the unmatched siblings, and the titles share at
//                least half their words (of the longer title)
// Ties inside a tier prefer a candidate under the same parent, then the earliest in the old file.
import type { TaskState } from '../store/schema.js';
import { normaliseTitle, uniqueId } from './ids.js';
import type { TaskFileSpec, TaskSpec } from './spec.js';

/** What reconcile needs from the stored state; a TaskState fits as is. */
export type PreviousTask = Pick<TaskState, 'id' | 'title' | 'parent' | 'produces' | 'order'> &
  Partial<Pick<TaskState, 'run' | 'status'>>;

export type MatchTier = 'id' | 'title' | 'run' | 'produces' | 'position';

export interface Reconciliation {
  /** Every spec id → its state id: the matched task's id, or for an added task its own (or a fresh) id. */
  mapping: Map<string, string>;
  /** Why each matched spec id was matched (added tasks are absent). */
  matchedBy: Map<string, MatchTier>;
  /** Spec ids of tasks that match nothing in the state, in file order. */
  added: string[];
  /** State ids that nothing in the file matches, in old file order: the core archives them. */
  removed: string[];
  /** Matched tasks whose title changed (state id, old title, new title). */
  renamed: Array<{ id: string; from: string; to: string }>;
  /** Matched tasks whose parent changed (state ids; null = top level). */
  moved: Array<{ id: string; from: string | null; to: string | null }>;
}

export interface ReconcileOptions {
  /** Ids that exist in the state but must never be reused, e.g. archived tasks. */
  reserved?: Iterable<string>;
}

interface SpecEntry {
  spec: TaskSpec;
  parent: TaskSpec | null;
}

export function reconcile(
  previous: readonly PreviousTask[],
  next: TaskFileSpec,
  options: ReconcileOptions = {},
): Reconciliation {
  // Archived tasks are never matched again, but their ids stay taken.
  const live = previous.filter((p) => p.status !== 'archived');
  const taken = new Set([...(options.reserved ?? []), ...previous.map((p) => p.id)].map((id) => id.toLowerCase()));
  const prevOrder = documentOrder(live);
  const specs = flattenSpecs(next.tasks);

  const mapping = new Map<string, string>();
  const matchedBy = new Map<string, MatchTier>();
  const used = new Set<string>();
  const match = (s: TaskSpec, p: PreviousTask, tier: MatchTier): void => {
    mapping.set(s.id, p.id);
    matchedBy.set(s.id, tier);
    used.add(p.id);
  };
  const parentState = (e: SpecEntry): string | null | undefined =>
    e.parent === null ? null : mapping.get(e.parent.id);

  // Tier 1: explicit ids.
  const prevById = new Map(live.map((p) => [p.id, p] as const));
  for (const { spec } of specs) {
    const p = spec.explicitId ? prevById.get(spec.id) : undefined;
    if (p !== undefined && !used.has(p.id)) match(spec, p, 'id');
  }

  // Tiers 2 and 3: equal keys.
  const byKey = (tier: MatchTier, keyOfPrev: (p: PreviousTask) => string, keyOfSpec: (s: TaskSpec) => string) => {
    const groups = new Map<string, PreviousTask[]>();
    for (const p of prevOrder) {
      const key = keyOfPrev(p);
      if (key === '' || used.has(p.id)) continue;
      const g = groups.get(key);
      if (g === undefined) groups.set(key, [p]);
      else g.push(p);
    }
    for (const e of specs) {
      if (mapping.has(e.spec.id)) continue;
      const group = groups.get(keyOfSpec(e.spec));
      if (group === undefined) continue;
      const p = pick(group, used, parentState(e));
      if (p !== undefined) match(e.spec, p, tier);
    }
  };
  byKey('title', (p) => titleKey(p.title), (s) => titleKey(s.title));
  byKey('run', (p) => (p.run ?? '').trim(), (s) => (s.run ?? '').trim());
  byKey('produces', (p) => producesKey(p.produces), (s) => producesKey(s.produces));

  // Tier 4: position among unmatched siblings, top-down so parents are mapped before their children.
  const prevChildren = new Map<string | null, PreviousTask[]>();
  for (const p of prevOrder) {
    const g = prevChildren.get(p.parent);
    if (g === undefined) prevChildren.set(p.parent, [p]);
    else g.push(p);
  }
  const matchPositions = (siblings: readonly TaskSpec[], stateParent: string | null): void => {
    const specLeft = siblings.filter((s) => !mapping.has(s.id));
    const prevLeft = (prevChildren.get(stateParent) ?? []).filter((p) => !used.has(p.id));
    const n = Math.min(specLeft.length, prevLeft.length);
    for (let i = 0; i < n; i++) {
      if (shareHalfTheWords(specLeft[i]!.title, prevLeft[i]!.title)) match(specLeft[i]!, prevLeft[i]!, 'position');
    }
  };
  matchPositions(next.tasks, null);
  for (const { spec } of specs) {
    const state = mapping.get(spec.id);
    // Children of a new task have no old siblings to line up with.
    if (spec.children.length > 0 && state !== undefined) matchPositions(spec.children, state);
  }

  // Added tasks keep their spec id when it is free; otherwise they get a fresh one, never an old id.
  const added = specs.filter((e) => !mapping.has(e.spec.id)).map((e) => e.spec.id);
  const clashing: string[] = [];
  for (const id of added) {
    if (taken.has(id.toLowerCase())) clashing.push(id);
    else {
      mapping.set(id, id);
      taken.add(id.toLowerCase());
    }
  }
  for (const id of clashing) {
    const fresh = uniqueId(id, taken);
    mapping.set(id, fresh);
    taken.add(fresh.toLowerCase());
  }

  const renamed: Reconciliation['renamed'] = [];
  const moved: Reconciliation['moved'] = [];
  for (const e of specs) {
    const p = matchedBy.has(e.spec.id) ? prevById.get(mapping.get(e.spec.id)!) : undefined;
    if (p === undefined) continue;
    if (p.title !== e.spec.title) renamed.push({ id: p.id, from: p.title, to: e.spec.title });
    const to = e.parent === null ? null : mapping.get(e.parent.id)!;
    if (p.parent !== to) moved.push({ id: p.id, from: p.parent, to });
  }
  const removed = prevOrder.filter((p) => !used.has(p.id)).map((p) => p.id);
  return { mapping, matchedBy, added, removed, renamed, moved };
}

/**
 * The spec with every id replaced by its state id and every `needs` entry rewritten the same way, so
 * a reworded task keeps its old id and its dependents still point at it. Ids not in the mapping are
 * kept. Returns a new tree; the input is not modified.
 */
export function applyMapping(spec: TaskFileSpec, mapping: ReadonlyMap<string, string>): TaskFileSpec {
  const map = (id: string): string => mapping.get(id) ?? id;
  const remap = (t: TaskSpec): TaskSpec => ({
    ...t,
    id: map(t.id),
    needs: t.needs.map(map),
    produces: [...t.produces],
    extra: { ...t.extra },
    children: t.children.map(remap),
  });
  return { ...spec, tasks: spec.tasks.map(remap), warnings: [...spec.warnings] };
}

/** First unused candidate under the wanted parent, else the first unused one. */
function pick(group: readonly PreviousTask[], used: ReadonlySet<string>, parent: string | null | undefined) {
  let first: PreviousTask | undefined;
  for (const p of group) {
    if (used.has(p.id)) continue;
    if (parent !== undefined && p.parent === parent) return p;
    first ??= p;
  }
  return first;
}

/** The normalised title; a title with no words at all (`...`) must at least match itself exactly. */
function titleKey(title: string): string {
  const key = normaliseTitle(title);
  return key !== '' ? key : `\0${title.trim()}`;
}

function producesKey(produces: readonly string[]): string {
  const set = [...new Set(produces.map((p) => p.trim()).filter((p) => p !== ''))].sort();
  return set.join('\0');
}

function shareHalfTheWords(a: string, b: string): boolean {
  const wa = new Set(normaliseTitle(a).split(' ').filter((w) => w !== ''));
  const wb = new Set(normaliseTitle(b).split(' ').filter((w) => w !== ''));
  let shared = 0;
  for (const w of wa) if (wb.has(w)) shared++;
  return shared > 0 && shared * 2 >= Math.max(wa.size, wb.size);
}

/** Old tasks in file order: depth-first by `order`, starting from those without a (live) parent. */
function documentOrder(tasks: readonly PreviousTask[]): PreviousTask[] {
  const ids = new Set(tasks.map((t) => t.id));
  const children = new Map<string | null, PreviousTask[]>();
  for (const t of tasks) {
    const key = t.parent !== null && ids.has(t.parent) ? t.parent : null;
    const g = children.get(key);
    if (g === undefined) children.set(key, [t]);
    else g.push(t);
  }
  for (const g of children.values()) g.sort((x, y) => x.order - y.order || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const out: PreviousTask[] = [];
  const seen = new Set<string>();
  const stack = [...(children.get(null) ?? [])].reverse();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    out.push(t);
    const kids = children.get(t.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  // A corrupt state with a parent cycle would leave tasks unreachable; keep them rather than lose them.
  for (const t of tasks) if (!seen.has(t.id)) out.push(t);
  return out;
}

function flattenSpecs(roots: readonly TaskSpec[]): SpecEntry[] {
  const out: SpecEntry[] = [];
  const stack: SpecEntry[] = roots.map((spec) => ({ spec, parent: null })).reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    out.push(e);
    for (let i = e.spec.children.length - 1; i >= 0; i--) stack.push({ spec: e.spec.children[i]!, parent: e.spec });
  }
  return out;
}
