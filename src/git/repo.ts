// What the project's repository is, as far as worktrees go: its top level, the branch it is on,
// whether that branch has a commit. Read-only probes only.
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoFacts } from '../core/isolation.js';
import { GitError, probe, read } from './run.js';

export interface Repo {
  facts: RepoFacts;
  /** The repository's top level (the main worktree), when it is one. */
  top: string | null;
}

export async function repoFacts(project: string): Promise<Repo> {
  let top: string;
  try {
    const r = await probe(project, ['rev-parse', '--show-toplevel']);
    if (r.code !== 0) return { facts: { kind: 'none' }, top: null };
    top = r.stdout.trim();
  } catch (err) {
    return { facts: { kind: 'no-git', why: err instanceof Error ? err.message : String(err) }, top: null };
  }
  const sym = await probe(project, ['symbolic-ref', '-q', '--short', 'HEAD']);
  if (sym.code !== 0) return { facts: { kind: 'detached' }, top };
  const branch = sym.stdout.trim();
  const head = await probe(project, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  if (head.code !== 0) return { facts: { kind: 'unborn', branch }, top };
  return { facts: { kind: 'git', branch }, top };
}

/** The commit a branch points at. */
export function tipOf(top: string, branch: string): Promise<string> {
  return read(top, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`]);
}

export async function branchExists(top: string, branch: string): Promise<boolean> {
  return (await probe(top, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).code === 0;
}

/** Whether commit `a` is in the history of `b`. */
export async function isAncestor(top: string, a: string, b: string): Promise<boolean> {
  const r = await probe(top, ['merge-base', '--is-ancestor', a, b]);
  if (r.code === 0) return true;
  if (r.code === 1) return false;
  throw new GitError(['merge-base', '--is-ancestor', a, b], top, r);
}

/**
 * Whether `branch` holds work that `target` lacks: commits not in its history whose change is not in it
 * either (`git cherry`: a squash or cherry-picked copy counts as merged by content). A branch with
 * several commits squashed into one is compared as one diff as well.
 */
export async function unmergedWork(top: string, target: string, branch: string): Promise<boolean> {
  if (await isAncestor(top, branch, target)) return false;
  const cherry = await probe(top, ['cherry', target, branch]);
  if (cherry.code !== 0) throw new GitError(['cherry', target, branch], top, cherry);
  if (!/^\+ /m.test(cherry.stdout)) return false;
  // Squashed: the branch's whole change, merged into the target, changes nothing.
  const tree = await probe(top, ['merge-tree', '--write-tree', target, branch]);
  if (tree.code !== 0) return true;
  const targetTree = await read(top, ['rev-parse', `${target}^{tree}`]);
  return tree.stdout.split('\n')[0]!.trim() !== targetTree;
}

/**
 * Makes sure the main tree's git ignores aura's worktrees (`.aura/` nested in it): a line in the
 * repository's own info/exclude (never committed), added only when .aura is not ignored already.
 */
export async function ignoreAuraDir(top: string, project: string): Promise<boolean> {
  const rel = path.relative(top, path.join(project, '.aura', 'worktrees'));
  const r = await probe(top, ['check-ignore', '-q', rel]);
  if (r.code === 0) return false;
  const file = path.join(await read(top, ['rev-parse', '--path-format=absolute', '--git-common-dir']), 'info', 'exclude');
  const line = `/${path.relative(top, path.join(project, '.aura')).split(path.sep).join('/')}/`;
  await mkdir(path.dirname(file), { recursive: true });
  const before = existsSync(file) ? await readFile(file, 'utf8') : '';
  await appendFile(file, `${before && !before.endsWith('\n') ? '\n' : ''}# aura's state and worktrees (added by aura)\n${line}\n`);
  return true;
}
