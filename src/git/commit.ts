// Committing what a worker left in its worktree, with aura's own identity where the repository has
// none; and undoing a rebase or merge a killed daemon left half done, so the next step starts clean.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { lines } from './parse.js';
import { must, probe, read } from './run.js';

/** aura's identity for its commits when the repository has none configured. */
const AURA_IDENTITY = ['-c', 'user.name=aura', '-c', 'user.email=aura@localhost'];

export async function identityArgs(dir: string): Promise<string[]> {
  const r = await probe(dir, ['config', '--get-regexp', '^user\\.(name|email)$']);
  const keys = new Set(lines(r.stdout).map((l) => l.split(' ')[0]));
  return keys.has('user.name') && keys.has('user.email') ? [] : AURA_IDENTITY;
}

/**
 * Commits everything the worker left in the worktree (added, changed, deleted), except the links aura
 * made (also taken back out if the worker committed one) and `keepOut` (left uncommitted: the run's
 * task file, which is the person's). Returns the new commit, or null when there was nothing.
 */
export async function commitLeftovers(dir: string, message: string, linked: readonly string[], keepOut: readonly string[] = []): Promise<string | null> {
  await abortHalfDone(dir);
  const exclude = [...linked, ...keepOut].map((l) => `:(exclude)${l}`);
  await must(dir, ['add', '-A', '--', '.', ...exclude]);
  if (linked.length) await must(dir, ['rm', '-r', '--cached', '-q', '--ignore-unmatch', '--', ...linked]);
  const staged = await probe(dir, ['diff', '--cached', '--quiet']);
  if (staged.code === 0) return null;
  await must(dir, [...(await identityArgs(dir)), '-c', 'commit.gpgsign=false', 'commit', '--no-verify', '-q', '-m', message]);
  return read(dir, ['rev-parse', 'HEAD']);
}

/** A rebase or merge left half done in a worktree (a daemon killed mid-way): undone, so it can start over. */
export async function abortHalfDone(dir: string): Promise<boolean> {
  const gitDir = await read(dir, ['rev-parse', '--absolute-git-dir']);
  let undone = false;
  if (existsSync(path.join(gitDir, 'rebase-merge')) || existsSync(path.join(gitDir, 'rebase-apply'))) {
    await must(dir, ['rebase', '--abort']);
    undone = true;
  }
  if (existsSync(path.join(gitDir, 'MERGE_HEAD'))) {
    await must(dir, ['merge', '--abort']);
    undone = true;
  }
  return undone;
}

