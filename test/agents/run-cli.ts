// Runs a real agent CLI the way aura's runner does (stdin closed, stdout parsed line by line) and
// returns what the backend made of it. The CLI gets its own process group, and the whole group is
// killed if it runs past the limit, so a hung CLI cannot outlive the test.
import { spawn } from 'node:child_process';
import type { AgentBackend, AgentEvent, ExitInfo, Outcome, StreamSummary } from '../../src/workers/agents/types.js';

export interface CliRun {
  events: AgentEvent[];
  summary: StreamSummary;
  exit: ExitInfo;
  outcome: Outcome;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export async function runCli(
  backend: AgentBackend,
  bin: string,
  argv: string[],
  opts: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    timeoutMs?: number;
    /** Send this signal to the CLI's own pid (not its group, as aura's runner does) once `after` settles. */
    signal?: { sig: NodeJS.Signals; after: Promise<unknown> };
  },
): Promise<CliRun> {
  const started = Date.now();
  const parser = backend.parser();
  const events: AgentEvent[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  let timedOut = false;
  const child = spawn(bin, argv, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const timer = setTimeout(() => {
    timedOut = true;
    if (!child.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch (err) {
      // Already gone between the deadline and this call: nothing left to kill.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }, opts.timeoutMs ?? 60_000);
  let ended = false;
  void opts.signal?.after.then(() => {
    if (!ended && child.pid) process.kill(child.pid, opts.signal!.sig);
  });
  child.stdout.on('data', (c: Buffer) => {
    const s = c.toString('utf8');
    stdout += s;
    const lines = (partial + s).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) events.push(...parser.push(l));
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exit = await new Promise<ExitInfo>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stderr: stderr.slice(-4000) }));
  });
  ended = true;
  clearTimeout(timer);
  if (partial) events.push(...parser.push(partial));
  const summary = parser.summary();
  return {
    events,
    summary,
    exit,
    outcome: backend.classify(summary, exit, timedOut ? 'timeout' : null),
    stdout,
    stderr,
    ms: Date.now() - started,
    timedOut,
  };
}
