// state.json: the daemon's snapshot of the run, saved after the journal entries it includes
// (write-ahead, see replay.ts). Two generations are kept on disk:
//
//   save:  write state.json.tmp-* and fsync → rename state.json → state.prev.json
//          → rename tmp → state.json → fsync the directory
//
// Every rename is atomic, so no reader ever sees a half-written snapshot; a crash between the two
// renames leaves no state.json but an intact state.prev.json, which load() treats as the snapshot
// (the journal then supplies whatever the lost save contained). Recovery itself lives in recover.ts.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, removeTemp, writeTempPieces } from '../util/atomic.js';
import { AuraError, errnoCode } from '../util/errors.js';
import type { Now } from './aside.js';
import type { Layout } from './layout.js';
import { recoverState, type LoadResult } from './recover.js';
import { RunState, TaskState } from './schema.js';
import { StateSerializer } from './serialize.js';
import { removeStaleTemps } from './temps.js';

export type { LoadResult, Recovery } from './recover.js';

export interface StateStoreOptions {
  now?: Now;
  /** Recorded in a state rebuilt from the journal alone. */
  taskFile?: string;
}


/** The run's own fields, checked in full; tasks are checked one by one, only those that changed. */
const RunShell = RunState.omit({ tasks: true });

export class StateStore {
  private readonly layout: Layout;
  private readonly now: Now;
  private readonly taskFile: string | undefined;
  // Saves are serialised: two interleaved rename pairs could leave state.prev.json newer than state.json.
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly serializer = new StateSerializer();
  /** Size of the last snapshot written, in bytes. */
  lastBytes = 0;

  constructor(layout: Layout, opts: StateStoreOptions = {}) {
    this.layout = layout;
    this.now = opts.now ?? Date.now;
    this.taskFile = opts.taskFile;
  }

  /**
   * The state to resume from, repairing what needs repairing (only the lock holder may call this).
   * See recover.ts for the order of fallbacks and the wording of `recovery.reason`.
   */
  async load(): Promise<LoadResult> {
    this.assertOpen();
    const result = await recoverState(this.layout, { readOnly: false, now: this.now, taskFile: this.taskFile });
    await this.removeLeftoverTemps();
    return result;
  }

  /**
   * Writes the snapshot. `changed`: the task ids changed since the last save (only those are
   * validated, besides the run's own fields); without it every task is.
   */
  save(state: RunState, changed?: ReadonlySet<string>): Promise<void> {
    this.assertOpen();
    const run = this.queue.then(() => this.write(state, changed));
    // The queue only orders saves; each caller still sees its own failure through `run`.
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async write(state: RunState, changed?: ReadonlySet<string>): Promise<void> {
    // load() would quarantine an invalid file; better to fail loudly at the source.
    const refuse = (where: string, i: { path: PropertyKey[]; message: string } | undefined) => {
      throw new AuraError('INTERNAL', `refusing to save invalid state (${where}${i?.path.map(String).join('.')}: ${i?.message})`);
    };
    if (changed) {
      const { tasks, ...run } = state;
      const shell = RunShell.safeParse(run);
      if (!shell.success) refuse('', shell.error.issues[0]);
      if (typeof tasks !== 'object' || tasks === null || Array.isArray(tasks)) refuse('', { path: ['tasks'], message: 'expected an object' });
      for (const id of changed) {
        const t = state.tasks[id];
        if (t === undefined) continue;
        const r = TaskState.safeParse(t);
        if (!r.success) refuse(`tasks.${id}.`, r.error.issues[0]);
      }
    } else {
      const check = RunState.safeParse(state);
      if (!check.success) refuse('', check.error.issues[0]);
    }
    const { stateDir, stateFile, statePrevFile } = this.layout;
    await fsp.mkdir(stateDir, { recursive: true });
    // Without `changed` every task is made again (and the serializer's cache with it).
    const { tmp, bytes } = await writeTempPieces(stateFile, this.serializer.pieces(state, changed ?? new Set(Object.keys(state.tasks))));
    this.lastBytes = bytes;
    try {
      try {
        await fsp.rename(stateFile, statePrevFile);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err; // the first save has no previous generation
      }
      await fsp.rename(tmp, stateFile);
    } catch (err) {
      await removeTemp(tmp, err);
      throw err;
    }
    await fsyncDir(stateDir);
  }

  /**
   * Temp files of saves that never finished: never authoritative (the journal was written first).
   * Our own pid's are skipped: they may belong to a save in flight.
   */
  private async removeLeftoverTemps(): Promise<void> {
    await removeStaleTemps(this.layout);
  }

  private assertOpen(): void {
    if (this.closed) throw new AuraError('INTERNAL', 'state store is closed');
  }

  /** Waits for a save in progress. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }
}

/**
 * For `aura status` and other readers that do not hold the lock: the same fallbacks as load(), but
 * damaged files stay where they are and nothing is written; `recovery` says what was used instead.
 */
export function readStateReadOnly(layout: Layout, opts: StateStoreOptions = {}): Promise<LoadResult> {
  return recoverState(layout, { readOnly: true, now: opts.now ?? Date.now, taskFile: opts.taskFile });
}
