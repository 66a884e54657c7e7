// The shell worker: runs a task's `run:` command with /bin/sh from the project root.
//
// The command runs under a tiny wrapper that records its exit status in the attempt directory
// (`exit`), so a daemon that restarts after a crash can still learn how a worker it did not parent
// ended. That file only ever supplies an exit code; which process is the worker is decided from
// /proc (start time + marker), never from a file a worker could write.
import path from 'node:path';
import type { SpawnSpec } from './spawn.js';

const WRAPPER =
  '/bin/sh -c "$AURA_RUN_COMMAND"; rc=$?; ' +
  'printf "%s\\n" "$rc" > "$AURA_ATTEMPT_DIR/exit.tmp" && mv -f "$AURA_ATTEMPT_DIR/exit.tmp" "$AURA_ATTEMPT_DIR/exit"; ' +
  'exit $rc';

export interface ShellJob {
  command: string;
  projectDir: string;
  attemptDirAbs: string;
  taskId: string;
  attempt: number;
  marker: string;
  runId: string;
  env: NodeJS.ProcessEnv;
}

export function shellSpawnSpec(job: ShellJob): SpawnSpec {
  return {
    argv: ['/bin/sh', '-c', WRAPPER],
    cwd: job.projectDir,
    env: {
      ...job.env,
      AURA_RUN_COMMAND: job.command,
      AURA_ATTEMPT_DIR: job.attemptDirAbs,
      AURA_TASK_ID: job.taskId,
      AURA_ATTEMPT: String(job.attempt),
      AURA_PROJECT_DIR: job.projectDir,
    },
    stdoutFile: path.join(job.attemptDirAbs, 'stdout.log'),
    stderrFile: path.join(job.attemptDirAbs, 'stderr.log'),
    marker: job.marker,
    runId: job.runId,
  };
}

/** Parses the wrapper's exit file strictly: a number 0..255 and nothing else. */
export function parseExitFile(text: string): number | null {
  const m = /^(\d{1,3})\n?$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return n <= 255 ? n : null;
}

/**
 * What workers inherit: the user's environment without aura's own settings (AURA_API_KEY and the
 * rest of AURA_*), which are for aura, not for the work.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('AURA_') || v === undefined) continue;
    out[k] = v;
  }
  return out;
}
