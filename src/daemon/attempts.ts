// Starting an attempt and reading its end: the pieces of the cycle that touch worker processes and
// attempt directories.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Attempt, RunState, TaskState } from '../store/schema.js';
import { attemptDirRel, type Layout } from '../store/layout.js';
import { shellSpawnSpec } from '../workers/shell.js';
import { spawnMarked, type Spawned } from '../workers/spawn.js';
import { snapshotPriors } from './artifacts.js';

export function markerFor(runId: string, taskId: string, n: number): string {
  return `${runId}:${taskId}:${n}`;
}

/** The attempt record, written to the journal before the process exists (write-ahead). */
export async function prepareAttempt(
  layout: Layout,
  state: RunState,
  t: TaskState,
  budgetMs: number,
  now: Date,
): Promise<Attempt> {
  const n = t.attempts.length + 1;
  const dir = attemptDirRel(t.id, n);
  const abs = path.join(layout.root, dir);
  // A fresh directory per attempt: nothing an earlier attempt left there can count now.
  await mkdir(abs, { recursive: true });
  await writeFile(
    path.join(abs, 'task.md'),
    [
      `# ${t.title}`,
      '',
      `Goal: ${state.goal}`,
      `Attempt: ${n}`,
      t.run ? `Command: ${t.run}` : '',
      t.produces.length ? `Must produce: ${t.produces.join(', ')}` : '',
      t.verify ? `Verified by: ${t.verify}` : '',
      `Budget: ${Math.round(budgetMs / 1000)}s`,
      '',
    ]
      .filter((l, i, a) => l !== '' || a[i - 1] !== '')
      .join('\n'),
  );
  return {
    n,
    dir,
    worker: 'shell',
    command: t.run,
    marker: markerFor(state.runId, t.id, n),
    startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + budgetMs).toISOString(),
    process: null,
    priorArtifacts: await snapshotPriors(layout.project, t.produces),
    endedAt: null,
    outcome: null,
    exitCode: null,
    signal: null,
    stopReason: null,
    evidence: null,
  };
}

export async function launchShell(layout: Layout, state: RunState, t: TaskState, a: Attempt, env: NodeJS.ProcessEnv): Promise<Spawned> {
  return spawnMarked(
    shellSpawnSpec({
      command: t.run ?? '',
      projectDir: layout.project,
      attemptDirAbs: path.join(layout.root, a.dir),
      taskId: t.id,
      attempt: a.n,
      marker: a.marker,
      runId: state.runId,
      env,
    }),
  );
}
