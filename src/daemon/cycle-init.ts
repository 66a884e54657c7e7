// Starting up, before the first cycle: the LLM planner when asked for (its modules load only then),
// the loaded state and how it was recovered, the task file applied, refused credentials given
// another try, the spend cap said, cgroup scopes probed, workers from before re-adopted or reaped,
// and a fresh snapshot of all that.
import type { TaskState } from '../store/schema.js';
import { readJournalTail } from '../store/journal.js';
import type { LoadResult } from '../store/state-store.js';
import { detectCgroup, type CgroupSupport } from '../watchdog/index.js';
import { reviewSpend } from './budget-step.js';
import type { CycleCtx } from './cycle-ctx.js';
import type { LlmPlanner } from './llm-planner.js';
import type { BridgeDeps } from './planner-bridge.js';
import type { WorkerExit } from './pool.js';
import { recoverWorkers } from './recovery.js';
import { reportLeftoverWorktrees } from './worktree-report.js';
import { RECENT } from './run-book.js';
import type { TaskFileTracker } from './taskfile-tracker.js';
import type { FileStamp } from './watch.js';

export interface InitInput {
  loaded: LoadResult;
  taskText: { text: string; hash: string; stamp?: FileStamp | null };
  lockTakenOver: { pid: number; reason?: string } | null;
  journalRepaired: string | null;
}

export interface InitHooks {
  taskFile: TaskFileTracker;
  queueExit(e: WorkerExit): void;
  restartEvidence(t: TaskState): void;
  llm(planner: LlmPlanner): void;
  bridge(): BridgeDeps;
  modelClient?: import('../planner/client.js').ModelClient;
}

export async function initCycle(x: CycleCtx, o: InitInput, h: InitHooks): Promise<{ cgroup: CgroupSupport | null }> {
  const c = x.config;
  const b = x.book;
  const withLlm = c.AURA_PLANNER === 'llm' || (c.AURA_PLANNER === 'auto' && c.AURA_API_KEY !== undefined);
  if (withLlm) {
    const [{ LlmPlanner }, { plannerCycle }] = await Promise.all([import('./llm-planner.js'), import('./planner-bridge.js')]);
    h.llm(new LlmPlanner(c, x.layout, plannerCycle(h.bridge()), h.modelClient));
  }
  const daemonNote = (msg: string) => b.record({ kind: 'daemon', msg });
  if (o.loaded.recovery) {
    b.record({ kind: 'daemon', msg: `state recovered: ${o.loaded.recovery.reason}`, data: { recovery: o.loaded.recovery } });
    x.log(`state recovered: ${o.loaded.recovery.reason}`);
  }
  if (o.journalRepaired) daemonNote(`journal repaired: ${o.journalRepaired}`);
  if (o.lockTakenOver) {
    const by = o.lockTakenOver.pid ? `left by PID ${o.lockTakenOver.pid}` : 'that could not be read';
    daemonNote(`took over a stale lock ${by}${o.lockTakenOver.reason ? ` (${o.lockTakenOver.reason})` : ''}`);
  }
  b.recent = await readJournalTail(x.layout.journalFile, RECENT);
  b.record({ kind: 'daemon', msg: `daemon started (PID ${process.pid})`, data: { pid: process.pid } });
  h.taskFile.start(o.loaded.state, o.taskText);
  // A restart is the natural moment to try refused credentials again (the key may be fixed).
  for (const t of Object.values(b.state.tasks)) {
    if (t.status === 'blocked' && t.blockedBy === 'auth') b.put(t, 'pending', 'aura restarted: trying the credentials again', { notBefore: null });
  }
  const planner = withLlm
    ? `planner: the LLM (${c.AURA_API_MODEL} at ${c.AURA_API_BASE_URL}); the rules planner takes over if the API keeps failing`
    : `planner: rules (${c.AURA_PLANNER === 'rules' ? 'AURA_PLANNER=rules' : 'no AURA_API_KEY'})`;
  daemonNote(planner);
  if (withLlm) x.log(planner);
  else x.debug(planner);
  reviewSpend(x, true);
  let cgroup: CgroupSupport | null = null;
  if (c.AURA_WORKER_CGROUP_SCOPES) {
    cgroup = await detectCgroup();
    const msg = cgroup.available
      ? `workers run in systemd user scopes with hard limits (controllers: ${cgroup.controllers.join(', ')})`
      : `AURA_WORKER_CGROUP_SCOPES is on but unavailable here: ${cgroup.reason}; limits are enforced by sampling only`;
    daemonNote(msg);
    x.log(msg);
  }
  await recoverWorkers(
    {
      state: b.state,
      pool: x.pool,
      watchdog: x.watchdog,
      queueExit: h.queueExit,
      restartEvidence: h.restartEvidence,
      termRootOnly: (workerName) => workerName !== 'shell',
      // A Slurm job of an earlier daemon is followed again by its name, never by a number from a file.
      adoptJob: (t, a, dir) => {
        if (a.job && x.pool.slurm) x.pool.slurm().adopt({ task: t.id, attempt: a.n, marker: a.marker, name: a.job.name, attemptDirAbs: dir, memLimitBytes: a.job.memBytes });
      },
    },
    x.layout,
    (msg) => {
      daemonNote(msg);
      x.log(msg);
    },
  );
  await reportLeftoverWorktrees(x, (msg) => {
    daemonNote(msg);
    x.log(msg);
  }).catch((err: unknown) => x.log(`could not look for worktrees left by earlier attempts: ${err instanceof Error ? err.message : String(err)}`));
  // Whatever recovery or a migration changed is in a fresh snapshot before the first cycle.
  await b.commit({ idle: true });
  return { cgroup };
}
