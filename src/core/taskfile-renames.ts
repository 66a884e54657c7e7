// Explicit-id renames in task.md: a person who changes `id: A` to `id: A2` renames the task, history
// and all. A task whose worker runs or whose evidence is being judged keeps its id until that ends
// (its worker, watchdog record and check are known by the old id); an id an archived task still holds
// cannot be taken. Pure: the journal entries go into `entries`.
import type { TaskState } from '../store/schema.js';
import type { TaskFileSpec, TaskSpec } from '../taskfile/spec.js';
import type { JournalDraft } from './transitions.js';
import { renameTask } from './rename.js';

export interface Rename {
  from: string;
  to: string;
}

export function applyRenames(
  tasks: Record<string, TaskState>,
  parsed: TaskFileSpec,
  mapping: Map<string, string>,
  entries: JournalDraft[],
): { tasks: Record<string, TaskState>; renamed: Rename[]; deferred: Rename[] } {
  const renamed: Rename[] = [];
  const deferred: Rename[] = [];
  for (const r of explicitRenames(parsed, mapping)) {
    const st = tasks[r.from]?.status;
    if (st === 'running' || st === 'verifying') {
      deferred.push(r);
      entries.push({ kind: 'warning', task: r.from, msg: `task.md renames ${r.from} to ${r.to}; that takes effect when its ${st === 'running' ? 'worker ends' : 'evidence check ends'} (until then it is ${r.from})` });
      continue;
    }
    if (tasks[r.to]) {
      entries.push({ kind: 'warning', task: r.from, msg: `task.md gives ${r.from} the id ${r.to}, which an archived task still has; keeping ${r.from} (choose another id)` });
      continue;
    }
    tasks = renameTask(tasks, r.from, r.to);
    mapping.set(r.to, r.to);
    renamed.push(r);
    entries.push({ kind: 'status', task: r.to, from: tasks[r.to]!.status, to: tasks[r.to]!.status, msg: `renamed ${r.from} → ${r.to} in task.md; history kept`, data: { task: tasks[r.to], renamedFrom: r.from } });
  }
  return { tasks, renamed, deferred };
}

/** Explicit ids in the file that differ from the state id their task was matched to. */
function explicitRenames(parsed: TaskFileSpec, mapping: ReadonlyMap<string, string>): Array<{ from: string; to: string }> {
  const out: Array<{ from: string; to: string }> = [];
  const walk = (s: TaskSpec): void => {
    const to = mapping.get(s.id);
    if (s.explicitId && to !== undefined && to !== s.id) out.push({ from: to, to: s.id });
    s.children.forEach(walk);
  };
  parsed.tasks.forEach(walk);
  return out;
}

