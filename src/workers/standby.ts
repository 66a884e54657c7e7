// One runner started ahead of need (issue 13). Node takes 130–170 ms to start on a small machine,
// which was most of the time from a spawn decision to the worker's own process. A spare runner
// (runner-main --standby) is already running, with the rest of the runner loaded; handed the
// attempt's spec and environment, it starts the worker within milliseconds.
//
// The spare carries its marker from birth, and that marker becomes the attempt's (written ahead in
// the journal before the hand-off), so the runner and every process the worker starts are found by
// it exactly as with a runner started for the attempt: recovery, tree kills and the watchdog see no
// difference. The spare's stdin is a pipe from the daemon: a daemon that stops or dies closes it,
// and a spare that was never handed work exits. Its own stdout and stderr (nothing, unless Node
// itself fails) go to .aura/logs/runner-standby.log.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { processMatches, readStat } from '../proc/index.js';
import type { ProcessRef } from '../store/schema.js';
import type { HandOff } from './runner-main.js';
import type { Exit, Spawned } from './spawn.js';
import { MARKER_KEY, RUN_KEY } from './tree-kill.js';

/** What a spare keeps of the daemon's environment for itself (the worker's comes with the hand-off). */
const OWN_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];

export interface StandbyOptions {
  /** dist/workers/runner-main.js */
  runner: string;
  cwd: string;
  logFile: string;
  runId: () => string;
  env: NodeJS.ProcessEnv;
  /** How long close() waits for a spare to leave before it is killed. */
  closeGraceMs?: number;
}

/** A runner that is running and waiting for its attempt. */
export interface Spare {
  marker: string;
  /** Starts the attempt: the spec file and the worker's whole environment (the markers are added). */
  handOff(specFile: string, env: NodeJS.ProcessEnv): Promise<Spawned>;
  /** Not needed after all: it exits (nothing once it was handed an attempt). */
  dismiss(): void;
}

interface Live {
  marker: string;
  child: ChildProcessByStdio<Writable, null, null>;
  ref: ProcessRef | null;
  /** Could not be started at all (then ref is null). */
  failed: boolean;
  exited: Promise<Exit>;
}

export class RunnerStandby {
  private spare: Live | null = null;
  private closed = false;
  /** Spares told to go and not yet gone: close() waits for them too. */
  private readonly ending = new Set<Promise<void>>();

  constructor(private readonly o: StandbyOptions) {}

  /** Starts a spare unless one is there (or the standby is closed). */
  prime(): void {
    // One at a time. A spare that is gone counts as gone as soon as its process is, not only once
    // Node has seen its exit (a kill from elsewhere lands first, and the daemon may be busy).
    if (this.closed || (this.spare && alive(this.spare))) return;
    if (this.spare) void this.end(this.spare);
    const marker = `${this.o.runId()}:spare-${randomBytes(6).toString('hex')}`;
    const env: NodeJS.ProcessEnv = { [MARKER_KEY]: marker, [RUN_KEY]: this.o.runId() };
    for (const k of OWN_ENV) if (this.o.env[k] !== undefined) env[k] = this.o.env[k];
    let log: number;
    try {
      mkdirSync(path.dirname(this.o.logFile), { recursive: true });
      log = openSync(this.o.logFile, 'a');
    } catch {
      return; // a disk that refuses the log (read-only, full): no spare; a start makes its own runner
    }
    let child: ChildProcessByStdio<Writable, null, null>;
    try {
      child = spawn(process.execPath, [this.o.runner, '--standby'], { cwd: this.o.cwd, env, stdio: ['pipe', log, log], detached: true }) as ChildProcessByStdio<Writable, null, null>;
    } finally {
      closeSync(log);
    }
    const live: Live = { marker, child, ref: null, failed: false, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))) };
    // The PID is there as spawn() returns (the fork is done): a spare is never "still starting" while
    // its process already runs, or was already killed by someone else. No PID: it was not started.
    if (child.pid === undefined) live.failed = true;
    else live.ref = { pid: child.pid, pgid: child.pid, startTicks: readStat(child.pid)?.startTicks ?? null };
    child.once('error', () => (live.failed = true)); // not started: never taken, and prime() may try again
    child.stdin.on('error', () => undefined); // gone before its hand-off: handOff reports it
    // The daemon never waits for a spare: it exits when the daemon's end closes its stdin.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    this.spare = live;
  }

  /** The spare, if one is alive; it is the caller's from now on (hand it off or dismiss it). */
  take(): Spare | null {
    const s = this.spare;
    if (!s || !alive(s)) return null;
    this.spare = null;
    let taken = false;
    return {
      marker: s.marker,
      handOff: (specFile, env) => {
        taken = true;
        return handOff(s, specFile, { ...env, [MARKER_KEY]: s.marker, [RUN_KEY]: this.o.runId() });
      },
      dismiss: () => {
        if (taken) return;
        taken = true;
        void this.end(s);
      },
    };
  }

  /** Ends the spare now, and waits for every spare told to go; a later prime() starts another. */
  async release(): Promise<void> {
    const s = this.spare;
    this.spare = null;
    if (s) void this.end(s);
    await Promise.all([...this.ending]);
  }

  /** Ends the spare and starts no more (the daemon is stopping). */
  close(): Promise<void> {
    this.closed = true;
    return this.release();
  }

  private end(s: Live): Promise<void> {
    const p = endSpare(s, this.o.closeGraceMs ?? 1000).finally(() => this.ending.delete(p));
    this.ending.add(p);
    return p;
  }
}

function ended(s: Live): boolean {
  return s.child.exitCode !== null || s.child.signalCode !== null;
}

function alive(s: Live): boolean {
  return s.ref !== null && !ended(s) && processMatches(s.ref);
}

async function handOff(s: Live, specFile: string, env: NodeJS.ProcessEnv): Promise<Spawned> {
  const ref = s.ref;
  if (!ref || !alive(s)) throw new Error('the spare runner is gone');
  // Past this point a spare killed meanwhile may still take the bytes into its pipe (its threads can
  // outlive its main one for a moment): then its end shows as a worker gone without an exit record,
  // and the attempt is retried like any runner's that died.
  const msg: HandOff = { spec: specFile, env: env as Record<string, string> };
  await new Promise<void>((resolve, reject) => {
    s.child.stdin.write(JSON.stringify(msg), (err) => (err ? reject(err) : resolve()));
    s.child.stdin.end();
  });
  return { ref, exited: s.exited };
}


/** Closes its stdin (it exits on its own), and kills it if it is still there after the grace. */
async function endSpare(s: Live, graceMs: number): Promise<void> {
  s.child.stdin.end();
  if (ended(s) || s.failed) return;
  let timer: NodeJS.Timeout | undefined;
  const gone = await Promise.race([s.exited.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!gone && s.ref && processMatches(s.ref)) {
    try {
      process.kill(s.ref.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}
