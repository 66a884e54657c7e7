// The rules' plan for a cycle, from the plan index, with the bookkeeping applied (blocks, unblocks,
// group checks) and planned again until nothing moves, so a finished subtree is checked up to the
// goal within the cycle and the model sees the tree as it is.
import type { Plan } from '../core/rules-planner.js';
import type { TaskState } from '../store/schema.js';
import { executorProblem } from '../executors/problems.js';
import { workerProblem } from '../workers/registry.js';
import type { CycleCtx } from './cycle-ctx.js';
import type { EvidenceJobs } from './evidence-jobs.js';

export class PlanStep {
  private lastLeaveUnrunnable: boolean | null = null;

  constructor(
    private readonly x: CycleCtx,
    private readonly evidence: EvidenceJobs,
    /** The LLM planner leads (and is not in safe mode): a task no worker can run is left to it. */
    private readonly modelLeads: () => boolean,
  ) {}

  settle(): Plan {
    const b = this.x.book;
    let plan = this.plan();
    for (let round = 0; round < 32; round++) {
      let moved = false;
      for (const a of plan.actions) {
        const t = b.state.tasks[a.task];
        if (!t) continue;
        if (a.type === 'block') moved = b.put(t, 'blocked', a.reason, { blockedBy: a.cause }).status !== t.status || moved;
        else if (a.type === 'unblock') moved = b.put(t, 'pending', a.reason).status !== t.status || moved;
        else if (a.type === 'check_group') moved = this.checkGroup(t) || moved;
      }
      if (!moved) break;
      plan = this.plan();
    }
    return plan;
  }

  private plan(): Plan {
    const { x } = this;
    const leaveUnrunnable = this.modelLeads();
    // Safe mode on or off changes what an unrunnable task means: everything is looked at again.
    if (leaveUnrunnable !== this.lastLeaveUnrunnable) x.book.index.rebuild(x.book.state);
    this.lastLeaveUnrunnable = leaveUnrunnable;
    return x.book.index.plan(x.book.state, {
      now: x.clock.now(),
      maxConcurrent: x.config.AURA_MAX_CONCURRENT_TASKS,
      // A task its executor (Slurm) cannot take as written is blocked with why, like a missing worker.
      workerProblem: (t) => workerProblem(t, x.config, x.env, x.uid) ?? executorProblem(t, x.config, x.env),
      leaveUnrunnable,
    });
  }

  /** Whether the group's status changed now (a group with its own checks is judged off the cycle). */
  private checkGroup(t: TaskState): boolean {
    if (!t.verify && t.produces.length === 0) {
      this.x.book.put(t, 'done', 'all subtasks done');
      return true;
    }
    if (!this.evidence.has(t.id)) this.evidence.start(t, null);
    return false;
  }
}
