// The evidence gate's I/O: artifacts gathered, verify run, judged by the pure core (core/evidence.ts),
// off the cycle, since a verify may take minutes and must not hold up other wakes. A result is taken
// by the next cycle (take()), which applies it; a job ended by a stop proves nothing and is dropped.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { judgedBy } from '../core/contract.js';
import { judge, roundBaseline, shouldRunVerify } from '../core/evidence.js';
import { afterEvidence } from '../core/outcome.js';
import { currentAttempt } from '../core/tree.js';
import type { Attempt, Evidence, MergeRecord, TaskState } from '../store/schema.js';
import { afterConflict } from '../core/isolation.js';
import { judgeDir, keepUnverified, mergeVerified, restoreWorktree } from './worktree-step.js';
import { stopTree } from '../workers/tree-kill.js';
import { workerEnv } from '../workers/shell.js';
import { gatherArtifacts } from './artifacts.js';
import { hashLimits, retryPolicy, type CycleCtx } from './cycle-ctx.js';
import { runVerify } from './verify.js';

interface Result {
  task: string;
  attempt: number | null;
  evidence: Evidence;
  /** Issue 14: what became of a verified attempt's branch. */
  merge?: MergeRecord;
  /** Issue 14: the merge must wait (the person's changes are in the way); why. */
  wait?: string;
}

/** How long a merge that must wait waits before the next try. */
const MERGE_RETRY_MS = 3000;

export class EvidenceJobs {
  /** task → the verify marker of its check in flight. */
  private checking = new Map<string, string>();
  private results: Result[] = [];
  private stopping = false;

  constructor(private readonly x: CycleCtx) {}

  /** Checks in flight plus results not yet taken. */
  get busy(): number {
    return this.checking.size + this.results.length;
  }

  has(task: string): boolean {
    return this.checking.has(task);
  }

  /**
   * Artifacts + verify for an attempt that exited cleanly, or for a group (attempt null); then, for an
   * attempt with a worktree, its merge. `judged`: evidence already taken (a merge that waited).
   */
  start(t: TaskState, a: Attempt | null, judged0: Evidence | null = null): void {
    const x = this.x;
    const L = x.layout;
    const marker = `${x.book.state.runId}:${t.id}:${a?.n ?? 'group'}:verify`;
    this.checking.set(t.id, marker);
    // The bar this attempt started with, whatever task.md says now (a group: its own, checked now).
    const contract = judgedBy(t, a);
    const limits = hashLimits(x.config);
    const judged = a ? { ...a, ...roundBaseline(t, a) } : null;
    const runId = x.book.state.runId;
    const gate = async (): Promise<Evidence> => {
      if (judged0) return judged0;
      if (a?.worktree) await restoreWorktree(x, t, a);
      const dir = judgeDir(x, a);
      const facts = await gatherArtifacts(dir, contract.produces, limits);
      const base = { attempt: judged, artifacts: facts, hasVerify: !!contract.verify, now: x.clock.now() };
      let verify = null;
      if (contract.verify && (a === null ? true : shouldRunVerify(base))) {
        const dirRel = a ? a.dir : path.join('workspace', 'tasks', t.id, 'group-check');
        await mkdir(path.join(L.root, dirRel), { recursive: true });
        verify = await runVerify({
          command: contract.verify,
          projectDir: dir,
          logFile: path.join(L.root, dirRel, 'verify.log'),
          logRel: path.join(dirRel, 'verify.log'),
          env: workerEnv(x.env),
          marker,
          runId,
          timeoutMs: x.config.AURA_VERIFY_TIMEOUT * 1000,
          graceMs: x.config.AURA_KILL_GRACE_SECONDS * 1000,
        });
      }
      return judge({ ...base, verify, now: x.clock.now() });
    };
    const job = async (): Promise<Result> => {
      const evidence = await gate();
      const r: Result = { task: t.id, attempt: a?.n ?? null, evidence };
      if (!a?.worktree) return r;
      if (!evidence.passed) {
        await keepUnverified(x, t, a);
        return r;
      }
      // A git failure (the person's own git holding a lock, say) must not leave the task verifying
      // forever: the merge is tried again shortly, and the failure said once.
      const m = await mergeVerified(x, t, a).catch((err: unknown) => ({ wait: `git failed (${err instanceof Error ? err.message : String(err)}); trying again shortly` }));
      return 'wait' in m ? { ...r, wait: m.wait } : { ...r, merge: m.merge };
    };
    job().then(
      (result) => {
        this.checking.delete(t.id);
        // Stopping: a verify cut short proves nothing; the next daemon checks this attempt again.
        // The wake still matters: the drain finishes only once nothing is in flight.
        if (this.stopping) return x.wake(`evidence check for ${t.id} ended while stopping`);
        this.results.push(result);
        x.wake(`evidence for ${t.id}`);
      },
      (err: unknown) => {
        this.checking.delete(t.id);
        x.log(`evidence check for ${t.id} failed: ${err instanceof Error ? err.message : String(err)}`);
        x.wake(`evidence for ${t.id} failed`);
      },
    );
  }

  /** Applies every result that came in, if it still concerns the task as it is now. */
  take(): void {
    for (const r of this.results.splice(0)) {
      const t = this.x.book.state.tasks[r.task];
      if (!t) continue;
      if (r.attempt === null) {
        if (t.status === 'pending') record(this.x, t, null, r.evidence);
        continue;
      }
      const a = currentAttempt(t);
      if (!a || a.n !== r.attempt || t.status !== 'verifying') continue;
      if (r.wait !== undefined) this.waitToMerge(t, a, r.evidence, r.wait);
      else record(this.x, t, a, r.evidence, r.merge);
    }
  }

  /** Verified, but the merge must wait: said once, tried again shortly (the task stays verifying). */
  private waitToMerge(t: TaskState, a: Attempt, evidence: Evidence, why: string): void {
    const x = this.x;
    const topic = `merge-wait:${t.id}`;
    if (!x.notes.has(topic) || !x.notes.text().includes(why)) {
      x.book.record({ kind: 'decision', task: t.id, msg: `${t.id}: attempt ${a.n} is verified; waiting to merge: ${why}`, data: { git: 'wait' } });
      x.log(`${t.id}: waiting to merge: ${why}`);
    }
    x.notes.add(`${t.id} waits to merge: ${why}`, topic);
    this.checking.set(t.id, `${x.book.state.runId}:${t.id}:${a.n}:merge-wait`);
    setTimeout(() => {
      this.checking.delete(t.id);
      const now = x.book.state.tasks[t.id];
      const cur = now ? currentAttempt(now) : undefined;
      // Stopping (the next daemon checks it again) or moved on: the wake lets a drain see it is over.
      if (this.stopping || !now || now.status !== 'verifying' || cur?.n !== a.n) return x.wake(`merge wait for ${t.id} over`);
      this.start(now, cur, evidence);
    }, MERGE_RETRY_MS).unref();
  }

  /** Stops every verify in flight (stopping the daemon); their results will be dropped. */
  async stopAll(graceMs: number): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.checking.values()].map((m) => stopTree(null, m, { graceMs })));
  }

  detach(): void {
    this.stopping = true;
  }
}

/** What the gate found, on the attempt and in the journal; then done, retry or fail by the policy. */
export function record(x: CycleCtx, t: TaskState, a: Attempt | null, evidence: Evidence, merge?: MergeRecord): void {
  const b = x.book;
  const t2 = a ? b.setAttempt(t, { ...a, evidence, ...(merge ? { merge } : {}) }) : t;
  b.record({ kind: 'evidence', task: t.id, msg: evidence.summary, data: { attempt: a?.n ?? null, evidence } });
  if (!a) {
    b.put(t2, evidence.passed ? 'done' : 'failed', evidence.passed ? evidence.summary : `subtasks done but ${evidence.summary}`);
    return;
  }
  if (merge?.result === 'conflict') return b.apply(afterConflict(t2, x.clock.now()), t2.status);
  x.notes.clear(`merge-wait:${t.id}`);
  b.apply(afterEvidence(t2, merge ? { ...evidence, summary: `${evidence.summary}; ${merge.message}` } : evidence, retryPolicy(x.config), x.clock.now()), t2.status);
}

/** An attempt that did not end cleanly: what the gate saw (artifacts only), then retry or fail. */
export async function conclude(x: CycleCtx, t: TaskState, a: Attempt): Promise<void> {
  const contract = judgedBy(t, a);
  const facts = await gatherArtifacts(judgeDir(x, a), contract.produces, hashLimits(x.config));
  await keepUnverified(x, t, a);
  const evidence = judge({ attempt: { ...a, ...roundBaseline(t, a) }, artifacts: facts, verify: null, hasVerify: !!contract.verify, now: x.clock.now() });
  record(x, t, a, evidence);
}
