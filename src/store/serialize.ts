// state.json's text, made without re-serialising 20,000 unchanged tasks on every snapshot: each task's
// JSON is kept by the task object it was made from (tasks are replaced, never edited in place, when
// they change) and made again for every task the caller says changed. The result is byte for byte
// JSON.stringify(state) + '\n' (tested): the same keys in the same order. The store writes it in
// pieces (pieces()), so a 20,000-task snapshot is not one 15 MB string per save.
import type { RunState, TaskState } from './schema.js';

/** Compact: at 20,000 tasks indentation alone was a third of the file, and people read progress.md. */
export function serializeState(state: RunState): string {
  return JSON.stringify(state) + '\n';
}

/** Stands for the tasks in the run's own JSON; no other key can hold it (NULs, and the key is ours). */
const MARK = '\u0000aura-tasks\u0000';
const HOLE = `"tasks":${JSON.stringify(MARK)}`;

export class StateSerializer {
  private cache = new WeakMap<TaskState, string>();

  /**
   * The text in pieces of about `pieceChars` (a task's JSON is never split). `changed`: ids whose
   * JSON is made again whatever the cache holds (belt and braces). The run is read now, in full, so a state that changes while the pieces are written does not change them; each
   * piece is joined only when it is asked for, and is garbage as soon as it is written.
   */
  pieces(state: RunState, changed?: ReadonlySet<string>, pieceChars = PIECE_CHARS): Iterable<string> {
    const parts: string[] = [];
    for (const [id, t] of Object.entries(state.tasks)) {
      let json = changed?.has(id) ? undefined : this.cache.get(t);
      if (json === undefined) {
        json = JSON.stringify(t);
        this.cache.set(t, json);
      }
      parts.push(`${JSON.stringify(id)}:${json}`);
    }
    const shell = JSON.stringify({ ...state, tasks: MARK });
    const at = shell.indexOf(HOLE);
    return joinPieces(`${shell.slice(0, at)}"tasks":{`, parts, `}${shell.slice(at + HOLE.length)}\n`, pieceChars);
  }
}

/** Below V8's large-object size (128 KB), so a written piece dies young, freed by a scavenge. */
export const PIECE_CHARS = 32 * 1024;

function* joinPieces(head: string, parts: readonly string[], tail: string, max: number): Generator<string> {
  let piece = head;
  for (let i = 0; i < parts.length; i++) {
    const p = i === 0 ? parts[i]! : `,${parts[i]!}`;
    if (piece.length > 0 && piece.length + p.length > max) {
      yield piece;
      piece = '';
    }
    piece += p;
  }
  yield piece + tail;
}
