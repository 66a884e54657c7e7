// Idle worktrees, kept for the next attempt: checking out a large repository is most of what a new
// worktree costs (10,000 files: about 0.5 s on a quiet machine, seconds on a slow disk), while moving
// a parked worktree and switching it to the next attempt's base rewrites only the files that differ.
// A parked worktree is clean (reset, and every untracked and ignored file removed) with a detached
// HEAD, so it holds no work and nothing of the attempt before it reaches the next one. Callers hold
// the repository's GitLock.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseWorktreeList } from './parse.js';
import { change, must, read } from './run.js';

/** Parked worktrees under poolDir, oldest name first. */
export async function idleWorktrees(top: string, poolDir: string): Promise<string[]> {
  const prefix = poolDir + path.sep;
  return parseWorktreeList(await read(top, ['worktree', 'list', '--porcelain']))
    .filter((e) => e.path.startsWith(prefix) && existsSync(e.path) && !e.locked)
    .map((e) => e.path)
    .sort();
}

/**
 * Moves a parked worktree to `to` on a new branch at `base`. False (and the parked one removed) when
 * anything fails: the caller then makes a fresh one.
 */
export async function reuseIdle(top: string, idle: string, to: string, branch: string, base: string): Promise<boolean> {
  const moved = await change(top, ['worktree', 'move', idle, to]);
  const where = moved.code === 0 ? to : idle;
  if (moved.code === 0) {
    const sw = await change(to, ['switch', '-q', '--no-guess', '--no-track', '-c', branch, base]);
    const clean = sw.code === 0 ? await change(to, ['status', '--porcelain', '--ignored=matching', '--untracked-files=all']) : null;
    if (clean?.code === 0 && clean.stdout.trim() === '') return true;
  }
  await change(top, ['worktree', 'remove', '--force', where]);
  return false;
}

/**
 * Parks a worktree whose work is committed (the caller made sure): detached, reset, cleaned of every
 * untracked and ignored file (links aura made included; git removes a link, never what it points
 * to), moved into poolDir. False when the pool is full or a step failed (the caller removes it).
 */
export async function park(top: string, dir: string, poolDir: string, max: number): Promise<boolean> {
  if ((await idleWorktrees(top, poolDir)).length >= max) return false;
  for (const args of [['switch', '-q', '--detach'], ['reset', '-q', '--hard'], ['clean', '-q', '-ffdx']]) {
    if ((await change(dir, args)).code !== 0) return false;
  }
  await mkdir(poolDir, { recursive: true });
  let n = 0;
  while (existsSync(path.join(poolDir, String(n)))) n++;
  await must(top, ['worktree', 'move', dir, path.join(poolDir, String(n))]);
  return true;
}
