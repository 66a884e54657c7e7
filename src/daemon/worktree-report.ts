// At start (issue 14): git worktrees under .aura/worktrees/ that no running or verifying attempt owns
// were left by attempts of an earlier daemon that crashed. They are reported, never removed here:
// `aura clean-workspaces` commits what is in them to their branches and removes them.
import path from 'node:path';
import { liveWorktrees } from '../core/isolation.js';
import { repoFacts } from '../git/repo.js';
import { auraWorktrees } from '../git/worktree.js';
import type { CycleCtx } from './cycle-ctx.js';

export async function reportLeftoverWorktrees(x: CycleCtx, say: (msg: string) => void): Promise<void> {
  const repo = await repoFacts(x.layout.project);
  if (!repo.top) return;
  const live = liveWorktrees(x.book.state);
  const idle = path.join(x.layout.root, 'worktrees', '.idle') + path.sep;
  const left = (await auraWorktrees(repo.top, x.layout.root)).filter((w) => !live.has(w.path) && !w.path.startsWith(idle));
  if (!left.length) return;
  const names = left.slice(0, 5).map((w) => `${path.relative(x.layout.project, w.path)} (${w.branch ?? 'detached'})`);
  const msg = `found ${left.length} git worktree${left.length === 1 ? '' : 's'} left by earlier attempts: ${names.join(', ')}${left.length > 5 ? ', …' : ''}; nothing in them is lost: aura clean-workspaces lists them and, with --yes, commits what they hold to their branches and removes them`;
  x.book.record({ kind: 'decision', msg, data: { git: 'leftover', worktrees: left.map((w) => ({ path: w.path, branch: w.branch })) } });
  say(msg);
}
