// Starting a supervised process: its own session and process group (detached), stdout and stderr
// straight into files (so output survives the daemon dying: no pipe through aura to break), stdin
// closed, and the marker variables in its environment so every descendant can be found later.
//
// Plain child_process rather than execa: execa's termination reaches only the direct child, and we
// need raw file descriptors for stdio and our own tree killing anyway.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readStat } from '../proc/index.js';
import type { ProcessRef } from '../store/schema.js';
import { withUserUmask } from '../util/umask.js';
import { MARKER_KEY, RUN_KEY } from './tree-kill.js';

export interface SpawnSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdoutFile: string;
  stderrFile: string;
  marker: string;
  runId: string;
  /** Start it with the person's umask (a verify command) rather than aura's private one (the runner). */
  userUmask?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  ref: ProcessRef;
  exited: Promise<Exit>;
}

export async function spawnMarked(spec: SpawnSpec): Promise<Spawned> {
  const [cmd, ...args] = spec.argv;
  if (!cmd) throw new Error('empty argv');
  const out = openSync(spec.stdoutFile, 'a');
  const err = spec.stderrFile === spec.stdoutFile ? out : openSync(spec.stderrFile, 'a');
  try {
    const start = () =>
      spawn(cmd, args, {
        cwd: spec.cwd,
        env: { ...spec.env, [MARKER_KEY]: spec.marker, [RUN_KEY]: spec.runId },
        stdio: ['ignore', out, err],
        detached: true,
      });
    const child = spec.userUmask ? withUserUmask(start) : start();
    const exited = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid as number));
      child.once('error', reject);
    });
    // The daemon must not wait for workers when it exits: they are adopted by the next daemon.
    child.unref();
    const st = readStat(pid);
    return { ref: { pid, pgid: pid, startTicks: st?.startTicks ?? null }, exited };
  } finally {
    closeSync(out);
    if (err !== out) closeSync(err);
  }
}
