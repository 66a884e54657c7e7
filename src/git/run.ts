// Running git. Every call goes through here: a hard timeout, no prompts (GIT_TERMINAL_PROMPT=0), C
// locale (aura reads a few of git's messages), none of aura's own AURA_* settings, and no GIT_DIR or
// GIT_WORK_TREE inherited from wherever aura was started (a hook, say) that would point git elsewhere.
//
// Two kinds of call:
//   probe   reads only: `--no-optional-locks` (so a status never takes index.lock from under the
//           person's own git), output through pipes;
//   change  writes refs, the index or files: output into a file and the process in its own group,
//           so a daemon SIGKILLed in the middle does not take git down with it (a pipe with no reader
//           would kill git with SIGPIPE half way through a checkout). The next daemon finds the
//           change either done or not begun, never torn by aura's own death. Started with the
//           person's umask: files git writes into the project are the person's.
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withUserUmask } from '../util/umask.js';

export interface GitResult {
  /** Exit status; null when killed (a timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;

/** A git failure aura cannot go on from, with the command, the directory and git's own words. */
export class GitError extends Error {
  readonly code = 'GIT';
  constructor(
    readonly args: readonly string[],
    readonly cwd: string,
    readonly result: GitResult | null,
    why?: string,
  ) {
    super(why ?? `git ${args.join(' ')} (in ${cwd}) failed: ${describe(result)}`);
    this.name = 'GitError';
  }
}

export function describe(r: GitResult | null): string {
  if (!r) return 'could not start git';
  if (r.timedOut) return 'timed out';
  const all = (r.stderr.trim() || r.stdout.trim()).split('\n');
  // git's own verdict (fatal:/error:) first; its advice after it is the less telling part.
  const verdict = all.filter((l) => /^(fatal|error):/.test(l));
  const words = (verdict.length ? verdict : all).slice(-4).join(' / ');
  return `exit ${r.code}${words ? `: ${words}` : ''}`;
}

export function gitEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (k.startsWith('AURA_') || /^GIT_(DIR|WORK_TREE|INDEX_FILE|COMMON_DIR|OBJECT_DIRECTORY|NAMESPACE|PREFIX)$/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C', GIT_EDITOR: 'true', GIT_SEQUENCE_EDITOR: 'true' };
}

export interface GitOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A read-only git command; never throws for a non-zero exit (the caller reads `code`). */
export function probe(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['--no-optional-locks', ...args],
      { cwd, env: gitEnv(o.env), timeout: o.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        if (e && typeof e.code === 'string') return reject(new GitError(args, cwd, null, gitMissing(e, cwd)));
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout, stderr, timedOut: !!e?.killed });
      },
    );
  });
}

function gitMissing(e: NodeJS.ErrnoException, cwd: string): string {
  if (e.code === 'ENOENT' && !existsSync(cwd)) return `git cannot run in ${cwd}: the directory does not exist`;
  return e.code === 'ENOENT' ? 'git is not installed (or not on PATH); install git, or set AURA_WORKTREES=off' : `git could not start: ${e.message}`;
}

/** A git command that changes something (see the top of the file); never throws for a non-zero exit. */
export function change(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<GitResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-git-'));
  const outFile = path.join(dir, 'out');
  const errFile = path.join(dir, 'err');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const finish = (code: number | null, timedOut: boolean): GitResult => {
    const r = { code, timedOut, stdout: readFileSync(outFile, 'utf8'), stderr: readFileSync(errFile, 'utf8') };
    rmSync(dir, { recursive: true, force: true });
    return r;
  };
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = withUserUmask(() => spawn('git', [...args], { cwd, env: gitEnv(o.env), stdio: ['ignore', out, err], detached: true }));
    } finally {
      closeSync(out);
      closeSync(err);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      setTimeout(() => signalGroup(child.pid, 'SIGKILL'), 2000).unref();
    }, o.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new GitError(args, cwd, null, gitMissing(e, cwd)));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(finish(code, timedOut));
    });
  });
}

function signalGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // already gone: nothing to stop
  }
}

/** Probe, and throw a GitError unless it exits 0; the trimmed stdout. */
export async function read(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<string> {
  const r = await probe(cwd, args, o);
  if (r.code !== 0) throw new GitError(args, cwd, r);
  return r.stdout.trim();
}

/** Change, and throw a GitError unless it exits 0. */
export async function must(cwd: string, args: readonly string[], o: GitOptions = {}): Promise<GitResult> {
  const r = await change(cwd, args, o);
  if (r.code !== 0) throw new GitError(args, cwd, r);
  return r;
}
