// The real ports a daemon runs with — the worker pool, the watchdog, the stall monitor, the
// notifier — wired to the cycle: exits wake it, verdicts and stalls stop workers, notices and stops
// go into the journal, and people are told what needs them. A test may stand in for any of them.
import { runTotals } from '../core/budget.js';
import { STALL_PREFIX } from '../core/stall.js';
import { liveTasks } from '../core/tree.js';
import { Notifier } from '../notify/index.js';
import { notifyConfigFrom } from '../notify/from-config.js';
import type { TaskState } from '../store/schema.js';
import { Watchdog } from '../watchdog/index.js';
import type { Spawned } from '../workers/spawn.js';
import type { StopResult } from '../workers/tree-kill.js';
import { RUNNER, type LaunchInput } from './attempts.js';
import path from 'node:path';
import type { Layout } from '../store/layout.js';
import { RunnerStandby } from '../workers/standby.js';
import type { Config } from '../config/schema.js';
import { eventBase, type CycleCtx } from './cycle-ctx.js';
import { ExecutorRouter } from '../executors/router.js';
import type { WorkerExit } from './pool.js';
import type { NotifierPort, PoolPort, WatchdogPort } from './ports.js';
import type { RunBook } from './run-book.js';
import { StallMonitor } from './stall-monitor.js';
import { watchdogKill } from './watchdog-steps.js';

export interface Ports {
  /** Every live worker, local or (issue 18) a Slurm job. */
  pool: PoolPort;
  watchdog: WatchdogPort & Pick<Watchdog, 'snapshot'>;
  stalls: Pick<StallMonitor, 'start' | 'close' | 'isSuspect'>;
  notifier: NotifierPort;
  launch?: (i: LaunchInput) => Promise<Spawned>;
  /** The spare runner (issue 13): none with AURA_RUNNER_STANDBY=false, nor with a test's own launch. */
  standby: CycleCtx['standby'];
  /** A task reached a status a person may need to hear about. */
  attention(t: TaskState): void;
  goalDone(): void;
  safeModeEvent(entered: boolean, reason: string): void;
}

export interface PortDeps {
  config: Config;
  layout: Layout;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  wake: (reason: string) => void;
  ports?: Partial<Ports>;
}

export function createPorts(d: PortDeps, hooks: { book: RunBook; onExit: (e: WorkerExit) => void; ctx: () => CycleCtx }): Ports {
  const b = hooks.book;
  const given = d.ports ?? {};
  const notifier =
    given.notifier ??
    new Notifier(notifyConfigFrom(d.config), {
      log: (line) => {
        // A failing notifier is logged and journaled, never allowed to break the run.
        b.record({ kind: 'warning', msg: line });
        d.log(line);
      },
    });
  const watchdog =
    given.watchdog ??
    new Watchdog({
      config: d.config,
      env: d.env,
      onKill: (task, verdict) => watchdogKill(hooks.ctx(), task, verdict),
      onNotice: (msg) => {
        b.record({ kind: 'warning', msg: `watchdog: ${msg}` });
        hooks.ctx().notes.add(`watchdog: ${msg}`);
        d.log(`watchdog: ${msg}`);
      },
    });
  const stopped = (task: string, r: StopResult, reason: string) => {
    const msg = r.survivors.length
      ? `could not stop every process of ${task} (${reason}): PIDs ${r.survivors.join(', ')} survive SIGKILL`
      : `stopped ${task} (${reason}) in ${r.durationMs} ms${r.forced ? ' (needed SIGKILL)' : ''}`;
    b.record({ kind: 'decision', task, msg, data: { ...r } });
    d.log(msg);
  };
  const pool =
    given.pool ??
    new ExecutorRouter({
      graceMs: d.config.AURA_KILL_GRACE_SECONDS * 1000,
      adoptPollMs: 250,
      onExit: hooks.onExit,
      onStopped: stopped,
      // What the Slurm executor needs of the run (created only when a task first asks for Slurm).
      config: d.config,
      env: d.env,
      runId: () => b.state.runId,
      since: () => b.state.createdAt,
      onKill: (task, v) => watchdogKill(hooks.ctx(), task, v),
      onNotice: (msg, task) => {
        b.record({ kind: task ? 'attempt' : 'warning', ...(task ? { task } : {}), msg: `slurm: ${msg}` });
        d.log(`${task ? `${task}: ` : ''}slurm: ${msg}`);
      },
    });
  const stalls =
    given.stalls ??
    new StallMonitor({
      thresholdMs: d.config.AURA_STALL_SECONDS * 1000,
      list: () => pool.list(),
      onSuspect: (task, ms) => {
        b.record({ kind: 'decision', task, msg: `suspected stall: no output, stream events or CPU for ${Math.round(ms / 1000)}s` });
        d.wake(`stall suspected in ${task}`);
      },
      onStalled: (task, ms) => {
        const reason = `${STALL_PREFIX}: no output, stream events or CPU for ${Math.round(ms / 1000)}s`;
        d.log(`${task}: ${reason}; stopping it`);
        void pool.stop(task, reason);
      },
    });
  const standby =
    given.standby !== undefined
      ? given.standby
      : given.launch || !d.config.AURA_RUNNER_STANDBY
        ? null
        : new RunnerStandby({ runner: RUNNER, cwd: d.layout.project, logFile: path.join(d.layout.logsDir, 'runner-standby.log'), runId: () => b.state.runId, env: d.env });
  return {
    pool,
    watchdog,
    stalls,
    notifier,
    standby,
    ...(given.launch ? { launch: given.launch } : {}),
    // People hear when a task needs them: failed, or blocked for a reason only a person can fix (no
    // worker, refused credentials). Blocks that follow from another task's failure would only echo it.
    attention: (t) => {
      const x = hooks.ctx();
      if (t.status === 'failed') notifier.notify({ kind: 'task_failed', ...eventBase(x), taskId: t.id, title: t.title, reason: t.reason });
      else if (t.status === 'blocked' && (t.blockedBy === 'worker' || t.blockedBy === 'auth' || t.blockedBy === 'merge')) {
        notifier.notify({ kind: 'task_blocked', ...eventBase(x), taskId: t.id, title: t.title, reason: t.reason });
      }
    },
    goalDone: () => {
      const x = hooks.ctx();
      const totals = runTotals(b.state);
      notifier.notify({
        kind: 'goal_done',
        ...eventBase(x),
        goal: b.state.goal,
        tasks: liveTasks(b.state).length,
        durationMs: x.clock.now().getTime() - Date.parse(b.state.createdAt),
        costUsd: totals.costed > 0 ? totals.costUsd : null,
      });
    },
    safeModeEvent: (entered, reason) => {
      if (entered) notifier.notify({ kind: 'safe_mode', ...eventBase(hooks.ctx()), reason });
    },
  };
}
