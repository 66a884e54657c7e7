// `aura clean-workspaces`, issue 14: aura's git worktrees (.aura/worktrees/<task>/<n>) left by crashed
// or unverified attempts, by the same age rules as attempt directories. Never one of an attempt that
// runs or is being verified. Before a worktree goes, what is uncommitted in it is committed to its
// branch; the branch itself stays while it holds work the project's branch lacks.
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { GitLock } from '../git/lock.js';
import { commitLeftovers } from '../git/commit.js';
import { repoFacts } from '../git/repo.js';
import { auraWorktrees, removeWorktree } from '../git/worktree.js';
import type { Layout } from '../store/layout.js';
import type { RunState } from '../store/schema.js';
import { liveWorktrees } from '../core/isolation.js';
import type { CleanJson } from '../summaries/json.js';
import { errnoCode } from '../util/errors.js';
import { measure } from './clean.js';

type Result = CleanJson['worktrees'];

export async function cleanWorktrees(layout: Layout, state: () => Promise<RunState>, ageMs: number, dryRun: boolean, now: number): Promise<Result & { errors: string[] }> {
  const out: Result & { errors: string[] } = { candidates: [], kept: [], removed: [], errors: [] };
  const repo = await repoFacts(layout.project);
  if (!repo.top) return out;
  const keep = liveWorktrees(await state());
  for (const w of await auraWorktrees(repo.top, layout.root)) {
    const why = keep.get(w.path);
    if (why) {
      out.kept.push({ path: w.path, branch: w.branch, why });
      continue;
    }
    try {
      const m = await measure(w.path);
      if (now - m.newestMs < ageMs) continue;
      out.candidates.push({ path: w.path, branch: w.branch, mtime: new Date(m.newestMs).toISOString() });
    } catch (err) {
      // A worktree git still lists but whose directory is gone: prunable, nothing in it to keep.
      if (errnoCode(err) === 'ENOENT') out.candidates.push({ path: w.path, branch: w.branch, mtime: new Date(0).toISOString() });
      else out.errors.push(`${w.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (dryRun || !out.candidates.length) return out;
  const target = repo.facts.kind === 'git' ? repo.facts.branch : null;
  const lock = new GitLock();
  // The daemon may have moved on meanwhile: look once more just before removing.
  const keepNow = liveWorktrees(await state());
  for (const c of out.candidates) {
    if (keepNow.has(c.path)) continue;
    try {
      if (existsSync(c.path)) await commitLeftovers(c.path, `aura clean-workspaces: what attempt ${path.basename(path.dirname(c.path))}/${path.basename(c.path)} left uncommitted`, linkedHere(c.path, layout.project));
      const r = target ? await removeWorktree(lock, repo.top, c, target) : { branchDeleted: false };
      out.removed.push({ path: c.path, branch: c.branch, branchKept: !r.branchDeleted });
    } catch (err) {
      out.errors.push(`${c.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

/** The links aura made in a worktree (symlinks at its top level): never committed. */
function linkedHere(dir: string, project: string): string[] {
  return readdirSync(dir).filter((n) => lstatSync(path.join(dir, n)).isSymbolicLink() && readlinkSync(path.join(dir, n)).startsWith(project + path.sep));
}

/** The text lines for the worktrees part of clean-workspaces. */
export function worktreeLines(r: Result, project: string, dryRun: boolean): string[] {
  const rel = (p: string) => path.relative(project, p);
  const lines: string[] = [];
  if (r.candidates.length) {
    lines.push(`${dryRun ? 'would remove' : 'removing'} git worktrees left by attempts (their work is committed to their branch first; a branch that holds work is kept):`);
    for (const c of r.candidates) lines.push(`  ${rel(c.path)}  ${c.branch ?? '(detached)'}`);
  }
  for (const k of r.kept) lines.push(`kept worktree ${rel(k.path)} (${k.why})`);
  if (dryRun && r.candidates.length) lines.push('dry run: run again with --yes to remove these worktrees');
  for (const d of r.removed) if (d.branchKept && d.branch) lines.push(`branch ${d.branch} kept: it holds work not in the project's branch (git log ${d.branch})`);
  return lines;
}
