// Runs a task's `verify:` command the way aura runs workers: own process group, marked, output to a
// file, a hard timeout that stops the whole tree.
import { readFileTail } from '../util/tail-file.js';
import type { VerifyCheck } from '../store/schema.js';
import { spawnMarked } from '../workers/spawn.js';
import { stopTree } from '../workers/tree-kill.js';

export interface VerifyJob {
  command: string;
  projectDir: string;
  /** Where verify.log goes (absolute), and its path relative to .aura/ for the record. */
  logFile: string;
  logRel: string;
  env: NodeJS.ProcessEnv;
  marker: string;
  runId: string;
  timeoutMs: number;
  graceMs: number;
}

export function tail(text: string, lines = 20, chars = 2000): string {
  const t = text.split('\n').slice(-lines - 1).join('\n').trimEnd();
  return t.length > chars ? '…' + t.slice(-chars) : t;
}

export async function runVerify(job: VerifyJob): Promise<VerifyCheck> {
  const t0 = Date.now();
  const spawned = await spawnMarked({
    userUmask: true,
    argv: ['/bin/sh', '-c', job.command],
    cwd: job.projectDir,
    env: job.env,
    stdoutFile: job.logFile,
    stderrFile: job.logFile,
    marker: job.marker,
    runId: job.runId,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void stopTree(spawned.ref, job.marker, { graceMs: job.graceMs });
  }, job.timeoutMs);
  const exit = await spawned.exited;
  clearTimeout(timer);
  // A verify command's stray background children must not outlive it.
  await stopTree(null, job.marker, { graceMs: 0 });
  const output = await readFileTail(job.logFile);
  return {
    command: job.command,
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    durationMs: Date.now() - t0,
    ok: !timedOut && exit.code === 0,
    outputTail: tail(output),
    logPath: job.logRel,
  };
}

