// Small views of a parsed spec so tests compare what matters to them.
import type { TaskFileSpec, TaskSpec } from '../../src/taskfile/spec.js';

export function flat(spec: TaskFileSpec): TaskSpec[] {
  const out: TaskSpec[] = [];
  const walk = (ts: TaskSpec[]) => {
    for (const t of ts) {
      out.push(t);
      walk(t.children);
    }
  };
  walk(spec.tasks);
  return out;
}

/** id → needs, in file order. */
export function needsOf(spec: TaskFileSpec): Record<string, string[]> {
  return Object.fromEntries(flat(spec).map((t) => [t.id, t.needs]));
}

/** Joins lines so fixtures read like files. */
export function md(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
