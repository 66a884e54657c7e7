// The evidence gate's I/O: artifacts gathered, verify run, judged by the pure core (core/evidence.ts),
// off the cycle, since a verify may take minutes and must not hold up other wakes. A result is taken
// by the next cycle (take()), which applies it; a job ended by a stop proves nothing and is dropped.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { judgedBy } from '../core/contract.js';
import { judge, roundBaseline, shouldRunVerify } from '../core/evidence.js';
import { afterEvidence } from '../core/outcome.js';
import { currentAttempt } from '../core/tree.js';
import type { Attempt, Evidence, TaskState } from '../store/schema.js';
import { stopTree } from '../workers/tree-kill.js';
import { workerEnv } from '../workers/shell.js';
import { gatherArtifacts } from './artifacts.js';
import { hashLimits, retryPolicy, type CycleCtx } from './cycle-ctx.js';
import { runVerify } from './verify.js';

interface Result {
  task: string;
  attempt: number | null;
  evidence: Evidence;
}

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

  /** Artifacts + verify for an attempt that exited cleanly, or for a group (attempt null). */
  start(t: TaskState, a: Attempt | null): void {
    const x = this.x;
    const L = x.layout;
    const marker = `${x.book.state.runId}:${t.id}:${a?.n ?? 'group'}:verify`;
    this.checking.set(t.id, marker);
    // The bar this attempt started with, whatever task.md says now (a group: its own, checked now).
    const contract = judgedBy(t, a);
    const limits = hashLimits(x.config);
    const judged = a ? { ...a, ...roundBaseline(t, a) } : null;
    const runId = x.book.state.runId;
    const job = async (): Promise<Evidence> => {
      const facts = await gatherArtifacts(L.project, contract.produces, limits);
      const base = { attempt: judged, artifacts: facts, hasVerify: !!contract.verify, now: x.clock.now() };
      let verify = null;
      if (contract.verify && (a === null ? true : shouldRunVerify(base))) {
        const dirRel = a ? a.dir : path.join('workspace', 'tasks', t.id, 'group-check');
        await mkdir(path.join(L.root, dirRel), { recursive: true });
        verify = await runVerify({
          command: contract.verify,
          projectDir: L.project,
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
    job().then(
      (evidence) => {
        this.checking.delete(t.id);
        // Stopping: a verify cut short proves nothing; the next daemon checks this attempt again.
        // The wake still matters: the drain finishes only once nothing is in flight.
        if (this.stopping) return x.wake(`evidence check for ${t.id} ended while stopping`);
        this.results.push({ task: t.id, attempt: a?.n ?? null, evidence });
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
      if (a && a.n === r.attempt && t.status === 'verifying') record(this.x, t, a, r.evidence);
    }
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
export function record(x: CycleCtx, t: TaskState, a: Attempt | null, evidence: Evidence): void {
  const b = x.book;
  const t2 = a ? b.setAttempt(t, { ...a, evidence }) : t;
  b.record({ kind: 'evidence', task: t.id, msg: evidence.summary, data: { attempt: a?.n ?? null, evidence } });
  if (!a) {
    b.put(t2, evidence.passed ? 'done' : 'failed', evidence.passed ? evidence.summary : `subtasks done but ${evidence.summary}`);
    return;
  }
  b.apply(afterEvidence(t2, evidence, retryPolicy(x.config), x.clock.now()), t2.status);
}

/** An attempt that did not end cleanly: what the gate saw (artifacts only), then retry or fail. */
export async function conclude(x: CycleCtx, t: TaskState, a: Attempt): Promise<void> {
  const contract = judgedBy(t, a);
  const facts = await gatherArtifacts(x.layout.project, contract.produces, hashLimits(x.config));
  const evidence = judge({ attempt: { ...a, ...roundBaseline(t, a) }, artifacts: facts, verify: null, hasVerify: !!contract.verify, now: x.clock.now() });
  record(x, t, a, evidence);
}
