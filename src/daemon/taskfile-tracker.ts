// task.md while the daemon runs: read when the watcher says it changed, or when its stamp moved (the
// safety net: one stat per cycle), applied to the run (core/apply-taskfile.ts), an invalid version
// reported and worked around, renames of running tasks applied once they are idle, and the diff kept
// for the LLM planner (HTML comments stripped first: they never reach the model).
import { randomUUID } from 'node:crypto';
import { applyTaskFile } from '../core/apply-taskfile.js';
import { lineDiff } from '../core/line-diff.js';
import type { RunState } from '../store/schema.js';
import { stripComments } from '../taskfile/comments.js';
import { parseTaskFile } from '../taskfile/parse.js';
import { readTaskFile } from '../taskfile/read.js';
import type { TaskFileSpec } from '../taskfile/spec.js';
import { AuraError } from '../util/errors.js';
import type { CycleCtx } from './cycle-ctx.js';
import { TaskFileProbe, type FileStamp } from './watch.js';

export class TaskFileTracker {
  private dirty = false;
  private lastBadHash: string | null = null;
  private text = '';
  private readonly probe: TaskFileProbe;
  /** task.md renames (A → A2) waiting for the task's worker or evidence check to end. */
  private deferred: Array<{ from: string; to: string }> = [];
  /** Changes the LLM planner has not seen yet, as a diff (null when none, or no LLM planner). */
  diff: string | null = null;

  constructor(
    private readonly x: CycleCtx,
    private readonly keepDiff: () => boolean,
  ) {
    this.probe = new TaskFileProbe(x.taskFile);
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** The first read: the text the CLI validated before the daemon started. */
  start(prev: RunState | null, taskText: { text: string; hash: string; stamp?: FileStamp | null }): void {
    // If the file moved since that read, the first cycle reads it again.
    this.probe.accept(taskText.stamp ?? null);
    this.apply(prev, parseTaskFile(taskText.text), taskText.hash);
    this.text = taskText.text;
  }

  /** The current id a deferred rename will change to `id` (for the operator's answers). */
  renamedFrom(id: string): string | null {
    return this.deferred.find((r) => r.to === id)?.from ?? null;
  }

  /** Each cycle: read the file if it changed. */
  async gather(): Promise<void> {
    // The safety net under the watcher: one stat; a read only when the file moved.
    if (!this.dirty && (await this.probe.changed().catch(() => false))) {
      this.dirty = true;
      this.x.debug('task file changed without a watcher event; reading it');
    }
    if (this.dirty) await this.read();
  }

  /** After exits and evidence: a rename that waited for its task's worker or check takes effect now. */
  applyWaitingRenames(): void {
    const tasks = this.x.book.state.tasks;
    if (this.deferred.some((r) => !['running', 'verifying'].includes(tasks[r.from]?.status ?? ''))) {
      this.apply(this.x.book.state, parseTaskFile(this.text), this.x.book.state.taskFileHash);
    }
  }

  private apply(prev: RunState | null, spec: TaskFileSpec, hash: string): void {
    const x = this.x;
    const r = applyTaskFile(prev, spec, { taskFile: x.taskFile, hash, now: x.clock.now(), runId: prev?.runId ?? randomUUID() });
    const before = prev?.taskFileWarnings ?? [];
    x.book.adopt(r.state);
    if (r.changed) x.book.record(...r.entries);
    for (const s of r.stop) void x.pool.stop(s.task, s.reason);
    this.deferred = r.deferred;
    for (const e of r.entries) if (e.kind === 'warning') x.log(`task file: ${e.msg}`);
    // Said at start and when they change, not at every save.
    if (prev === null || before.join('\n') !== spec.warnings.join('\n')) for (const w of spec.warnings) x.log(`task file: ${w}`);
  }

  private async read(): Promise<void> {
    this.dirty = false;
    let text;
    try {
      text = await readTaskFile(this.x.taskFile);
    } catch (err) {
      this.probe.accept(await this.probe.stamp().catch(() => null));
      return this.invalid(err, null);
    }
    this.probe.accept(text.stamp);
    if (text.hash === this.x.book.state.taskFileHash) {
      // Back to the version in use (an invalid edit undone): nothing to apply, but the banner goes.
      this.fixed();
      return;
    }
    try {
      this.apply(this.x.book.state, parseTaskFile(text.text), text.hash);
      this.fixed();
      if (this.keepDiff()) {
        const diff = lineDiff(stripComments(this.text), stripComments(text.text));
        this.diff = this.diff ? `${this.diff}\n${diff}` : diff;
      }
      this.text = text.text;
    } catch (err) {
      this.invalid(err, text.hash);
    }
  }

  /** The banner about an invalid version goes: it must not outlive the problem. */
  private fixed(): void {
    this.lastBadHash = null;
    this.x.notes.clear('taskfile');
  }

  /** An invalid edit while running: keep working from the last good version and say so. */
  private invalid(err: unknown, hash: string | null): void {
    if (!(err instanceof AuraError)) throw err;
    if (hash !== null && hash === this.lastBadHash) return;
    this.lastBadHash = hash;
    const msg = `task file is invalid, still using the last good version: ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
    this.x.book.record({ kind: 'taskfile', msg, data: { error: err.message } });
    this.x.notes.add(msg, 'taskfile');
    this.x.log(msg);
  }
}
