// Starting an attempt: its directory and brief, the write-ahead record, and the process (the
// runner, which starts the worker command and records its output and end).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import type { Attempt, RunState, TaskState, WorktreeRef } from '../store/schema.js';
import { attemptDirRel, type Layout } from '../store/layout.js';
import type { ResolvedWorker } from '../workers/registry.js';
import type { RunnerSpec } from '../workers/runner.js';
import { spawnMarked, type Spawned } from '../workers/spawn.js';
import type { Spare } from '../workers/standby.js';
import { DEFAULT_HASH_LIMITS, filesystemFence, snapshotPriors, type HashLimits } from './artifacts.js';
import { buildBrief, guidanceFrom } from './brief.js';
import { contractOf } from '../core/contract.js';
import { userUmask } from '../util/umask.js';

// Two levels up from src/daemon or dist/daemon is the package root; the runner always runs built.
export const RUNNER = fileURLToPath(new URL('../../dist/workers/runner-main.js', import.meta.url));

export function markerFor(runId: string, taskId: string, n: number): string {
  return `${runId}:${taskId}:${n}`;
}

export interface Prepared {
  attempt: Attempt;
  brief: string;
}

/** The attempt record, written to the journal before the process exists (write-ahead). */
export async function prepareAttempt(
  layout: Layout,
  state: RunState,
  t: TaskState,
  worker: string,
  budgetMs: number,
  now: Date,
  limits: HashLimits = DEFAULT_HASH_LIMITS,
  worktree: WorktreeRef | null = null,
  /** A spare runner's marker, when one will run it (it was born with it); else the attempt's own. */
  marker: string | null = null,
): Promise<Prepared> {
  const n = t.attempts.length + 1;
  const dir = attemptDirRel(t.id, n);
  const abs = path.join(layout.root, dir);
  // A fresh directory per attempt: nothing an earlier attempt left there can count now.
  await mkdir(abs, { recursive: true });
  // The filesystem's own start time, then the artifacts as they are: together they prove later what
  // this attempt wrote.
  const fenceMs = await filesystemFence(abs);
  const brief = buildBrief({ state, task: t, attempt: n, attemptDir: abs, budgetMs, guidance: guidanceFrom(t), worktree });
  await writeFile(path.join(abs, 'task.md'), brief + '\n');
  return {
    brief,
    attempt: {
      n,
      dir,
      worker,
      command: t.run,
      marker: marker ?? markerFor(state.runId, t.id, n),
      startedAt: now.toISOString(),
      deadline: new Date(now.getTime() + budgetMs).toISOString(),
      process: null,
      job: null,
      priorArtifacts: await snapshotPriors(worktree?.workDir ?? layout.project, t.produces, limits),
      endedAt: null,
      outcome: null,
      exitCode: null,
      signal: null,
      stopReason: null,
      stopData: null,
      classification: null,
      usage: null,
      evidence: null,
      contract: contractOf(t),
      fenceMs,
      worktree,
      merge: null,
    },
  };
}

export interface LaunchInput {
  layout: Layout;
  state: RunState;
  task: TaskState;
  attempt: Attempt;
  brief: string;
  worker: ResolvedWorker;
  parentEnv: NodeJS.ProcessEnv;
  config: Config;
  /** From the watchdog's placement: `taskset -c …` and CUDA_VISIBLE_DEVICES. */
  argvPrefix: string[];
  extraEnv: Record<string, string>;
  /** A runner already started (standby.ts) whose marker is the attempt's: handed the attempt. */
  spare?: Spare | null;
}

export interface RunnerLaunch {
  /** The runner script (dist/workers/runner-main.js) and its spec file in the attempt directory. */
  runner: string;
  specFile: string;
  /** The runner's environment: the worker's allowlisted one plus the attempt's AURA_* facts. */
  env: NodeJS.ProcessEnv;
  attemptDirAbs: string;
}

/**
 * Writes runner.json and works out the runner's environment: the same for every executor (issue 18),
 * so an attempt's files are the same wherever it runs. The marker variables are the caller's to add.
 */
export async function prepareRunner(i: LaunchInput): Promise<RunnerLaunch> {
  const abs = path.join(i.layout.root, i.attempt.dir);
  // With a worktree of its own (issue 14) the worker works there, and knows no other project root.
  const workDir = i.attempt.worktree?.workDir ?? i.layout.project;
  const { argv, env } = i.worker.command({
    prompt: i.brief,
    projectDir: workDir,
    attemptDir: abs,
    run: i.task.run,
    parentEnv: i.parentEnv,
  });
  const spec: RunnerSpec = {
    argv: [...i.argvPrefix, ...argv],
    cwd: workDir,
    backend: i.worker.name,
    capBytes: Math.round(i.config.AURA_OUTPUT_CAP_MB * 1024 * 1024),
    umask: userUmask(),
  };
  const specFile = path.join(abs, 'runner.json');
  await writeFile(specFile, JSON.stringify(spec, null, 2));
  return {
    runner: RUNNER,
    specFile,
    attemptDirAbs: abs,
    env: {
      ...env,
      ...i.extraEnv,
      AURA_ATTEMPT_DIR: abs,
      AURA_TASK_ID: i.task.id,
      AURA_ATTEMPT: String(i.attempt.n),
      AURA_PROJECT_DIR: i.layout.project,
      ...(i.attempt.worktree ? { AURA_WORKTREE: workDir, AURA_BRANCH: i.attempt.worktree.branch } : {}),
    },
  };
}

export async function launch(i: LaunchInput): Promise<Spawned> {
  const { runner, specFile, env, attemptDirAbs: abs } = await prepareRunner(i);
  if (i.spare) {
    try {
      return await i.spare.handOff(specFile, env);
    } catch {
      // The spare died before it took the attempt: a runner of its own, with the same marker.
    }
  }
  return spawnMarked({
    argv: [process.execPath, runner, specFile],
    cwd: i.layout.project,
    env,
    stdoutFile: path.join(abs, 'runner.log'),
    stderrFile: path.join(abs, 'runner.log'),
    marker: i.attempt.marker,
    runId: i.state.runId,
  });
}
