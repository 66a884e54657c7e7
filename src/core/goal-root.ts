// Every run's tree has one root: the goal itself (GOAL_ID). A state from before that was so (top-level
// tasks with no parent, planner and watchdog tasks marked only by extra.origin) is brought into shape
// here, once, with journal entries carrying each changed task so recovery replays the same result.
// Pure.
import type { RunState, TaskState } from '../store/schema.js';
import { renameTask } from './rename.js';
import { freshTask, type JournalDraft } from './transitions.js';
import { GOAL_ID } from './tree.js';

export function normaliseTree(state: RunState, goal: string, now: Date): { state: RunState; entries: JournalDraft[] } {
  let tasks = { ...state.tasks };
  const entries: JournalDraft[] = [];
  const touched = new Set<string>();

  // Before planner tasks had an origin of their own they were marked extra.origin = aura.
  for (const [id, t] of Object.entries(tasks)) {
    if (t.extra.origin === 'aura' && t.origin === 'taskfile') {
      const { origin: _old, ...extra } = t.extra;
      tasks[id] = { ...t, origin: 'aura', extra };
      touched.add(id);
    }
  }

  if (!tasks[GOAL_ID]) {
    const tops = state.roots.filter((id) => tasks[id] !== undefined);
    const only = tops.length === 1 ? tasks[tops[0]!] : undefined;
    if (state.goalOnly && only && only.origin === 'taskfile' && only.title === state.goal) {
      // The old goal-only task was the goal: it becomes the root, with its attempts and subtasks.
      tasks = renameTask(tasks, only.id, GOAL_ID);
      for (const c of (tasks[GOAL_ID] as TaskState).children) touched.add(c);
      touched.add(GOAL_ID);
    } else {
      const root: TaskState = freshTask(
        {
          id: GOAL_ID,
          origin: 'taskfile',
          title: goal,
          parent: null,
          children: tops,
          produces: [],
          needs: [],
          extra: {},
          notes: '',
          userChecked: false,
          line: 0,
          order: 0,
        },
        'the goal',
        now,
      );
      tasks[GOAL_ID] = root;
      touched.add(GOAL_ID);
      for (const id of tops) {
        tasks[id] = { ...(tasks[id] as TaskState), parent: GOAL_ID };
        touched.add(id);
      }
    }
  }
  // Live tasks the root does not reach (a planner subtree left under an archived goal task by the old
  // design, or a parent that lost track of a child) hang under the nearest live ancestor again.
  for (let round = 0; round < 64; round++) {
    const reached = reachable(tasks);
    const lost = Object.values(tasks).filter((t) => t.status !== 'archived' && !reached.has(t.id));
    if (lost.length === 0) break;
    const attach = (t: TaskState, host: TaskState): void => {
      tasks[t.id] = { ...t, parent: host.id };
      tasks[host.id] = { ...host, children: [...host.children.filter((c) => c !== t.id), t.id] };
      touched.add(t.id);
      touched.add(host.id);
    };
    let moved = false;
    for (const t of lost) {
      const parent = t.parent !== null ? tasks[t.parent] : undefined;
      // Under a live parent that is lost too: that parent is placed first and this one comes along.
      if (parent && parent.status !== 'archived' && !reached.has(parent.id)) continue;
      attach(tasks[t.id] as TaskState, parent && parent.status !== 'archived' ? parent : (tasks[GOAL_ID] as TaskState));
      moved = true;
    }
    // Only lost tasks under lost parents are left: a parent cycle. Cut it at the root.
    if (!moved) for (const t of lost) attach(tasks[t.id] as TaskState, tasks[GOAL_ID] as TaskState);
  }
  // A root made here gets its children from the task file next; the caller journals it then.
  if (!state.tasks[GOAL_ID]) touched.delete(GOAL_ID);
  for (const id of touched) {
    const t = tasks[id] as TaskState;
    entries.push({ kind: 'status', task: id, from: t.status, to: t.status, msg: id === GOAL_ID ? 'the goal is the root of the task tree' : `${id} hangs under ${t.parent ?? 'nothing'}`, data: { task: t } });
  }
  return { state: { ...state, tasks, roots: [GOAL_ID] }, entries };
}

function reachable(tasks: Record<string, TaskState>): Set<string> {
  const seen = new Set<string>();
  const stack = [GOAL_ID];
  while (stack.length) {
    const id = stack.pop()!;
    const t = tasks[id];
    if (!t || seen.has(id) || t.status === 'archived') continue;
    seen.add(id);
    stack.push(...t.children);
  }
  return seen;
}
