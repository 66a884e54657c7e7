// What a group's subtasks add up to, kept one change at a time: how many are live (not archived),
// how many of those are done, and which are failed or blocked. The rules judge a group by these
// (childrenVerdict in rules-planner.ts scans the subtasks for the same answer); a parallel section of
// 20,000 tasks used to be scanned whole each time one of them changed.
//
// A task counts for every group whose `children` lists it (membership is the parent's list, exactly
// what the scan reads), and only while it exists in the state. Pure data, no I/O.
import type { RunState, TaskState } from '../store/schema.js';

export interface ChildrenVerdict {
  allDone: boolean;
  /** The first failed or blocked subtask in the group's order. */
  failed: TaskState | undefined;
}

interface Tally {
  live: number;
  done: number;
  bad: Set<string>;
}

const isBad = (t: TaskState): boolean => t.status === 'failed' || t.status === 'blocked';

export class ChildTally {
  /** subtask id → the groups whose children list it. */
  private groupsOf = new Map<string, Set<string>>();
  private tally = new Map<string, Tally>();

  rebuild(state: RunState): void {
    this.groupsOf.clear();
    this.tally.clear();
    for (const t of Object.values(state.tasks)) if (t.children.length) this.relist(state, undefined, t);
  }

  /** One task changed (or was created): `before` as it was, undefined for a new one. */
  update(state: RunState, before: TaskState | undefined, after: TaskState): void {
    if (!before || before.children !== after.children) this.relist(state, before, after);
    for (const g of this.groupsOf.get(after.id) ?? []) {
      const tally = this.tally.get(g);
      if (!tally) continue;
      if (before) this.count(tally, before, -1);
      this.count(tally, after, +1);
    }
  }

  /** The group's verdict; `place` gives a subtask's position among its siblings (to find the first bad one). */
  verdict(state: RunState, group: TaskState, place: (id: string) => number | undefined): ChildrenVerdict {
    const tally = this.tally.get(group.id);
    if (!tally) return { allDone: true, failed: undefined };
    let failed: string | undefined;
    if (tally.bad.size === 1) failed = tally.bad.values().next().value;
    else if (tally.bad.size > 1) {
      let best = Infinity;
      for (const id of tally.bad) {
        const p = place(id) ?? group.children.indexOf(id);
        if (p < best) [best, failed] = [p, id];
      }
    }
    return { allDone: tally.live === tally.done, failed: failed === undefined ? undefined : state.tasks[failed] };
  }

  /** The group's children list changed: membership and its tally from a scan (rare: edits, replans). */
  private relist(state: RunState, before: TaskState | undefined, after: TaskState): void {
    const now = new Set(after.children);
    for (const c of before?.children ?? []) if (!now.has(c)) this.groupsOf.get(c)?.delete(after.id);
    const tally: Tally = { live: 0, done: 0, bad: new Set() };
    for (const c of now) {
      let groups = this.groupsOf.get(c);
      if (!groups) this.groupsOf.set(c, (groups = new Set()));
      groups.add(after.id);
      const k = state.tasks[c];
      if (k) this.count(tally, k, +1);
    }
    if (now.size) this.tally.set(after.id, tally);
    else this.tally.delete(after.id);
  }

  private count(tally: Tally, t: TaskState, sign: 1 | -1): void {
    if (t.status === 'archived') return;
    tally.live += sign;
    if (t.status === 'done') tally.done += sign;
    if (isBad(t)) {
      if (sign > 0) tally.bad.add(t.id);
      else tally.bad.delete(t.id);
    }
  }
}
