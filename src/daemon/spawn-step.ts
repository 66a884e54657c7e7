// Starting a task's worker: the worker resolved, the machine's reserves checked, the attempt written
// ahead (its marker is on disk before the process exists, so a crash right after still lets the next
// daemon adopt or reap it), the runner launched, and the pool and watchdog told.
import os from 'node:os';
import path from 'node:path';
import type { Attempt, TaskState, WorktreeRef } from '../store/schema.js';
import type { CgroupSupport } from '../watchdog/index.js';
import { scopeArgv, scopeLimits } from '../watchdog/index.js';
import { resolveWorker, type ResolvedWorker } from '../workers/registry.js';
import type { Spare } from '../workers/standby.js';
import { spareWanted } from '../core/standby-policy.js';
import type { Spawned } from '../workers/spawn.js';
import { launch, prepareAttempt, type LaunchInput } from './attempts.js';
import { hashLimits, type CycleCtx } from './cycle-ctx.js';
import { conclude } from './evidence-jobs.js';
import { prepareWorktree } from './worktree-step.js';
import { executorFor } from '../executors/types.js';
import { spawnSlurm, type SlurmSpawnHost } from '../executors/slurm/attempt.js';

export interface SpawnDeps {
  cgroup: CgroupSupport | null;
  /** Starts the runner; the real launch() unless a test hands in another. */
  launch?: (i: LaunchInput) => Promise<Spawned>;
}

/**
 * The rules' starts (no LLM planner, or the model's safe mode): each task still pending, unless the
 * run is paused meanwhile. Returns how many started.
 */
export async function startByRules(x: CycleCtx, startable: ReadonlyArray<{ task: string; reason: string }>, spawn: (t: TaskState) => Promise<void>): Promise<number> {
  let n = 0;
  for (const a of startable) {
    const t = x.book.state.tasks[a.task];
    if (!t || t.status !== 'pending' || x.book.state.pause) continue;
    x.book.record({ kind: 'decision', task: t.id, msg: `start ${t.id}: ${a.reason}` });
    await spawn(t);
    n += 1;
  }
  return n;
}

export async function spawnTask(x: CycleCtx, deps: SpawnDeps, t0: TaskState): Promise<void> {
  const b = x.book;
  const L = x.layout;
  const worker = resolveWorker(t0, x.config, x.env, x.uid);
  if ('problem' in worker) {
    b.put(t0, 'blocked', worker.problem, { blockedBy: 'worker' });
    return;
  }
  // A Slurm task becomes a batch job: this machine's free memory and CPU placement do not apply to it.
  if (executorFor(t0, x.config) === 'slurm' && x.pool.slurm) return spawnSlurm(slurmHost(x), t0, worker);
  const pre = x.watchdog.preflight();
  if (!pre.ok) {
    const msg = `not starting ${t0.id}: ${pre.reason}`;
    if (!x.notes.has(msg)) {
      b.record({ kind: 'decision', task: t0.id, msg });
      x.notes.add(msg);
      x.log(msg);
    }
    // Look again after the next resource poll rather than at the next heartbeat.
    setTimeout(() => x.wake('resources may have freed up'), x.config.AURA_WORKER_RESOURCE_POLL_SECONDS * 1000).unref();
    return;
  }
  const budgetMs = t0.budgetMs ?? x.config.AURA_TASK_BUDGET * 60_000;
  let worktree;
  try {
    worktree = await prepareWorktree(x, t0, t0.attempts.length + 1, worker.name === 'shell');
  } catch (err) {
    // Git busy (the person's own git holds a lock) or refusing: nothing started; try again shortly.
    const msg = `${t0.id}: could not make a git worktree for it (${err instanceof Error ? err.message : String(err)}); trying again in 30s`;
    b.put(t0, 'pending', msg, { notBefore: new Date(x.clock.now().getTime() + 30_000).toISOString() });
    x.log(msg);
    return;
  }
  // A spare runner, if one is waiting: its marker is the attempt's, so it goes into the record below.
  const spare = x.standby?.take() ?? null;
  try {
    await startAttempt(x, deps, t0, worker, budgetMs, worktree, spare);
  } finally {
    spare?.dismiss(); // unless it was handed the attempt
    // Ready for the next start, while another task waits (its Node start overlaps this worker's).
    tendSpare(x);
  }
}

/** The spare runner started, or ended, as the run now needs (core/standby-policy.ts). */
export function tendSpare(x: CycleCtx, draining = false): void {
  if (!x.standby) return;
  if (spareWanted(x.book.index.waitingLeaves, x.book.state.pause !== null, draining, x.config.AURA_EXECUTOR === 'local')) x.standby.prime();
  else void x.standby.release();
}

async function startAttempt(x: CycleCtx, deps: SpawnDeps, t0: TaskState, worker: ResolvedWorker, budgetMs: number, worktree: WorktreeRef | null, spare: Spare | null): Promise<void> {
  const b = x.book;
  const L = x.layout;
  const { attempt, brief } = await prepareAttempt(L, b.state, t0, worker.name, budgetMs, x.clock.now(), hashLimits(x.config), worktree, spare?.marker ?? null);
  let t = b.put(t0, 'running', `attempt ${attempt.n} started (${worker.name} worker)`, { attempts: [...t0.attempts, attempt], notBefore: null });
  await b.commit();
  try {
    const place = x.watchdog.placement(t.id);
    if (place.cpus) b.record({ kind: 'decision', task: t.id, msg: `${t.id} runs on CPU cores ${place.cpus}` });
    const spawned = await (deps.launch ?? launch)({
      layout: L,
      state: b.state,
      task: t,
      attempt,
      brief,
      worker,
      parentEnv: x.env,
      config: x.config,
      argvPrefix: [...scopePrefix(x, deps.cgroup, t.id, attempt.n), ...place.argvPrefix],
      extraEnv: place.env,
      spare,
    }).catch((err: unknown) => {
      x.watchdog.untrack(t.id);
      throw err;
    });
    // The root is the runner: the worker's figures (and limits) are its descendants' alone.
    x.watchdog.track(t.id, attempt.marker, { pid: spawned.ref.pid, startTicks: spawned.ref.startTicks, supervisor: true });
    const a: Attempt = { ...attempt, process: spawned.ref };
    t = b.setAttempt(t, a);
    const what = `${worker.name === 'shell' ? t.run : `${worker.name} agent`}${a.worktree ? ` in worktree ${a.worktree.path} (branch ${a.worktree.branch})` : ''}`;
    b.record({ kind: 'attempt', task: t.id, msg: `worker started: PID ${spawned.ref.pid}: ${what}`, data: { task: t } });
    x.pool.track(t.id, a.n, a.marker, path.join(L.root, a.dir), spawned, a.deadline ? new Date(a.deadline) : null, worker.termRootOnly);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const a: Attempt = { ...attempt, endedAt: x.clock.now().toISOString(), outcome: 'spawn_error', stopReason: msg };
    t = b.setAttempt(t, a);
    await conclude(x, t, a);
  }
}

/** What submitting a Slurm job needs of the cycle. */
function slurmHost(x: CycleCtx): SlurmSpawnHost {
  const b = x.book;
  return {
    layout: x.layout,
    state: b.state,
    config: x.config,
    env: x.env,
    hashLimits: hashLimits(x.config),
    put: (t, to, reason, patch) => b.put(t, to, reason, patch),
    commit: () => b.commit(),
    setAttempt: (t, a) => b.setAttempt(t, a),
    conclude: (t, a) => conclude(x, t, a),
    journal: (d) => b.record(d),
    slurm: () => x.pool.slurm!(),
  };
}

/** `systemd-run --user --scope …` for hard limits, when enabled and available. */
function scopePrefix(x: CycleCtx, cgroup: CgroupSupport | null, taskId: string, n: number): string[] {
  if (!cgroup?.available) return [];
  const l = x.watchdog.limits;
  const s = scopeLimits({ cpuPercent: l.cpuPercent, memPercent: l.memPercent, memBytes: l.memBytes }, os.totalmem(), os.availableParallelism());
  if (s.memoryMaxBytes === null && s.cpuQuotaPercent === null) return [];
  const unit = `aura-${x.book.state.runId.slice(0, 8)}-${taskId}-${n}`.replace(/[^A-Za-z0-9:_.-]/g, '_');
  return scopeArgv(unit, s, cgroup.controllers.includes('cpu'));
}
