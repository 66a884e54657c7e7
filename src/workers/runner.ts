// The runner: a small monitor process between aura and each worker (like conmon for containers).
//
// aura starts `node runner-main.js <attempt-dir>/runner.json` in a new session with the worker's
// environment. runner-main starts the worker command at once; this module then, for its whole life:
//   - writes stdout/stderr to capped files (head + tail), so a flood cannot fill the disk;
//   - parses the agent CLI's stream into aura's event model, appended to output.jsonl (capped);
//   - keeps status.json current (last output, last event, usage so far) for stall detection and
//     run budgets;
//   - forwards SIGTERM/SIGINT/SIGHUP to the worker (agents clean up their own tool processes);
//   - records how it ended in exit.json, then exits with the worker's status.
// Because the runner, not the daemon, holds the worker's pipes, a daemon that crashes or restarts
// loses nothing: the worker keeps running and writing, and the next daemon reads the files.
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { writeFileAtomicSync } from '../util/atomic.js';
import { errnoCode } from '../util/errors.js';
import { CappedFile } from './capped-file.js';
import { textParser } from './text-parser.js';
import type { AgentEvent, StreamParser, StreamSummary } from './agents/types.js';

export interface RunnerSpec {
  argv: string[];
  cwd: string;
  backend: string;
  /** Cap per log file (stdout, stderr, output.jsonl), bytes. */
  capBytes: number;
  /** The person's umask, for the worker (the runner itself keeps aura's private one for its files). */
  umask?: number;
}

export interface RunnerStatus {
  childPid: number | null;
  startedAt: string;
  lastOutputAt: string | null;
  lastEventAt: string | null;
  stdoutBytes: number;
  stderrBytes: number;
  summary: StreamSummary;
}

export interface RunnerExit {
  code: number | null;
  signal: string | null;
  endedAt: string;
  summary: StreamSummary;
  /** Set when the command could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
}

/**
 * After the worker exits, how long its output pipes may stay open (held by a background process it
 * left behind) before the runner stops reading and records the exit: without this, a leftover that
 * keeps stdout open would keep the attempt "running" until its budget ran out.
 */
export const CLOSE_GRACE_MS = 2000;

/** Writes a record file of the attempt; a worker that deleted its own attempt directory gets it back. */
function writeRecord(file: string, data: string): void {
  try {
    writeFileAtomicSync(file, data);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomicSync(file, data);
  }
}

/** A spare runner (runner-main --standby) loads the agent stream parsers while it waits. */
export async function preload(): Promise<void> {
  await import('./agents/index.js');
}

async function parserFor(backend: string): Promise<StreamParser> {
  if (backend === 'shell' || backend === 'custom') return textParser();
  const { backends } = await import('./agents/index.js');
  const b = (backends as Record<string, { parser(): StreamParser }>)[backend];
  return b ? b.parser() : textParser();
}

/** What runner-main saw of the worker before the rest of the runner was loaded. */
export interface Started {
  spawned: boolean;
  error: Error | null;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  closed: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Output read before the runner took over, in order. */
  early: { stdout: Buffer[]; stderr: Buffer[] };
  /** Detaches runner-main's early readers. */
  stopEarly?: () => void;
}

/** Supervises a worker runner-main already started: output, events, status, the exit record. */
export async function supervise(spec: RunnerSpec, dir: string, child: ChildProcessByStdio<null, Readable, Readable>, started: Started): Promise<number> {
  const [cmd] = spec.argv;
  const parser = await parserFor(spec.backend);
  const stdout = new CappedFile(path.join(dir, 'stdout.log'), spec.capBytes);
  const stderr = new CappedFile(path.join(dir, 'stderr.log'), spec.capBytes);
  const events = spec.backend === 'shell' ? null : new CappedFile(path.join(dir, 'output.jsonl'), spec.capBytes);
  const status: RunnerStatus = {
    childPid: null,
    startedAt: new Date().toISOString(),
    lastOutputAt: null,
    lastEventAt: null,
    stdoutBytes: 0,
    stderrBytes: 0,
    summary: parser.summary(),
  };
  let dirty = true;
  const writeStatus = () => {
    if (!dirty) return;
    dirty = false;
    status.summary = parser.summary();
    status.stdoutBytes = stdout.written;
    status.stderrBytes = stderr.written;
    try {
      writeRecord(path.join(dir, 'status.json'), JSON.stringify(status));
    } catch {
      dirty = true; // status.json is advisory (stall checks); try again at the next flush
    }
  };

  // A batch job's wrapper passes on Slurm's warning that the time limit is near (--signal=B:USR2@N):
  // everything so far goes to disk now, in case the end comes as SIGKILL. The worker is not told.
  process.on('SIGUSR2', () => {
    stderr.write(Buffer.from('\naura runner: the batch system says the time limit is near (SIGUSR2); records flushed\n'));
    dirty = true;
    writeStatus();
    stdout.flushTail();
    stderr.flushTail();
    events?.flushTail();
  });

  let partial = '';
  const onEvents = (evs: AgentEvent[]) => {
    if (evs.length === 0) return;
    const ts = new Date().toISOString();
    status.lastEventAt = ts;
    if (events) events.write(Buffer.from(evs.map((e) => JSON.stringify({ ts, ...e })).join('\n') + '\n'));
  };
  const onStdout = (chunk: Buffer) => {
    stdout.write(chunk);
    status.lastOutputAt = new Date().toISOString();
    dirty = true;
    // Parse line by line; a line longer than 1 MiB is cut (its start is still parsed as raw).
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > 1 << 20) {
      lines.push(partial.slice(0, 1 << 20));
      partial = '';
    }
    for (const line of lines) if (line.trim()) onEvents(parser.push(line));
  };
  const onStderr = (chunk: Buffer) => {
    stderr.write(chunk);
    status.lastOutputAt = new Date().toISOString();
    dirty = true;
  };
  // Take over from runner-main's early readers (nothing is read twice: this all runs in one tick).
  started.stopEarly?.();
  for (const c of started.early.stdout.splice(0)) onStdout(c);
  for (const c of started.early.stderr.splice(0)) onStderr(c);
  child.stdout.on('data', onStdout);
  child.stderr.on('data', onStderr);

  const flusher = setInterval(() => {
    writeStatus();
    stdout.flushTail();
    stderr.flushTail();
    events?.flushTail();
  }, 1000);

  const exit = await new Promise<RunnerExit>((resolve) => {
    let spawnError: string | undefined;
    const onSpawn = () => {
      status.childPid = child.pid ?? null;
      dirty = true;
      writeStatus();
    };
    const onError = (err: Error) => {
      spawnError = `${cmd}: ${err.message}`;
      stderr.write(Buffer.from(`aura runner: could not start ${cmd}: ${err.message}\n`));
    };
    if (started.spawned) onSpawn();
    else child.once('spawn', onSpawn);
    if (started.error) onError(started.error);
    else child.once('error', onError);
    // 'close' (not 'exit') so the last output is read before the end is recorded; but only for a
    // while: a leftover background process may hold the pipes open for ever (the daemon reaps it).
    let grace: NodeJS.Timeout | undefined;
    const onExit = () => {
      grace = setTimeout(() => {
        stderr.write(Buffer.from(`\naura runner: the worker exited but something it started still holds its output open; stopped reading after ${CLOSE_GRACE_MS} ms\n`));
        child.stdout.destroy();
        child.stderr.destroy();
      }, CLOSE_GRACE_MS);
    };
    if (started.exit) onExit();
    else child.once('exit', onExit);
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(grace);
      if (partial.trim()) onEvents(parser.push(partial));
      resolve({ code, signal, endedAt: new Date().toISOString(), summary: parser.summary(), ...(spawnError ? { spawnError } : {}) });
    };
    // A worker that ended (and closed its output) before the runner took over: its end is known.
    if (started.closed) onClose(started.closed.code, started.closed.signal);
    else child.once('close', onClose);
  });
  clearInterval(flusher);
  dirty = true;
  writeStatus();
  stdout.close();
  stderr.close();
  events?.close();
  writeRecord(path.join(dir, 'exit.json'), JSON.stringify(exit));
  if (exit.spawnError) return 127;
  return exit.code ?? 128 + signalNumber(exit.signal);
}

function signalNumber(sig: string | null): number {
  const n = sig ? (({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[sig] : undefined;
  return n ?? 1;
}
