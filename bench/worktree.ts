// 15. Issue 14: what a git worktree per attempt costs, on a repository of 10,000 files (BENCH_REPO_FILES).
// Per trial, as the daemon does it: `git worktree add` of a fresh branch from main's tip (with .env
// copied and node_modules linked), the worker's one-file change committed, the branch integrated
// (rebased onto main, which a person moved meanwhile, then main fast-forwarded in the main tree),
// and the worktree parked for the next attempt (clean, detached) and the merged branch deleted. Driven through src/git directly, not the daemon, so the
// figures are git's work plus aura's own, without the cycle around them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commitLeftovers } from '../src/git/commit.js';
import { integrate } from '../src/git/integrate.js';
import { GitLock } from '../src/git/lock.js';
import { addWorktree, removeWorktree } from '../src/git/worktree.js';
import { tempDir, type BenchOptions } from './harness.js';
import { dist, type Section } from './report.js';

const ME = ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com'];

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();
}

function makeRepo(files: number): string {
  const dir = tempDir('aura-bench-wt-');
  git(dir, 'init', '-q', '-b', 'main');
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, 'src', `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `f${i}.txt`), `file ${i}\n`.repeat(20));
  }
  writeFileSync(path.join(dir, '.gitignore'), '.aura/\n.env\nnode_modules/\n');
  writeFileSync(path.join(dir, '.env'), 'KEY=1\n');
  mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules', 'x', 'index.js'), '');
  git(dir, 'add', '-A');
  git(dir, ...ME, 'commit', '-q', '-m', 'start');
  return dir;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

export async function benchWorktree(o: BenchOptions): Promise<Section> {
  const files = Number(process.env.BENCH_REPO_FILES ?? 10_000);
  const top = makeRepo(files);
  const lock = new GitLock();
  // As the daemon does: a worktree done with is parked clean and reused by the next attempt.
  const pool = { dir: path.join(top, '.aura', 'worktrees', '.idle'), max: 2 };
  const create: number[] = [];
  const commit: number[] = [];
  const merge: number[] = [];
  const cleanup: number[] = [];
  const total: number[] = [];
  const raw: number[] = [];
  const trials = Math.min(o.trials, 20);
  for (let n = 1; n <= trials; n++) {
    // Git's own cost on this machine, for scale: the same checkout without aura around it.
    const rawPath = path.join(top, '.aura', 'raw', String(n));
    const [, tg] = await timed(async () => git(top, 'worktree', 'add', '-q', '-b', `raw/${n}`, rawPath, 'main'));
    git(top, 'worktree', 'remove', '--force', rawPath);
    git(top, 'branch', '-q', '-D', `raw/${n}`);
    raw.push(tg);
    const [w, tc] = await timed(() =>
      addWorktree(lock, { top, project: top, path: path.join(top, '.aura', 'worktrees', 't', String(n)), taskId: 't', attempt: n, target: 'main', copy: ['.env'], link: ['node_modules'], pool: pool.dir }),
    );
    writeFileSync(path.join(w.path, 'src', 'd0', `f${n}.txt`), `changed by attempt ${n}\n`);
    // Someone else's work lands on main meanwhile: the merge has to rebase.
    writeFileSync(path.join(top, `person-${n}.txt`), 'x\n');
    git(top, 'add', `person-${n}.txt`);
    git(top, ...ME, 'commit', '-q', '-m', `person ${n}`);
    const [, tk] = await timed(() => commitLeftovers(w.path, `aura: t attempt ${n}`, ['node_modules']));
    const [r, tm] = await timed(() => integrate(lock, { top, worktree: w.path, branch: w.branch, target: 'main', base: w.base }));
    if (r.kind !== 'merged') throw new Error(`attempt ${n} did not merge: ${JSON.stringify(r)}`);
    const [, tr] = await timed(() => removeWorktree(lock, top, { path: w.path, branch: w.branch }, 'main', pool));
    create.push(tc);
    commit.push(tk);
    merge.push(tm);
    cleanup.push(tr);
    total.push(tc + tk + tm + tr);
  }
  return {
    title: `15. git worktree per attempt (${files} files)`,
    rows: [
      dist('baseline: plain git worktree add, same repository', raw),
      dist('first attempt: worktree add (fresh checkout)', create.slice(0, 1)),
      dist('worktree for an attempt (parked one reused; + .env copied, node_modules linked)', create.slice(1), '< 1000 ms'),
      dist('commit what the worker left', commit),
      dist('integrate: rebase onto moved main + fast-forward', merge, '< 1000 ms'),
      dist('park worktree (reset, clean) + delete merged branch', cleanup),
      dist('per attempt, all four', total),
    ],
    notes: [`${trials} attempts, one after another, on one repository of ${files} files (${git(top, 'count-objects', '-vH').split('\n').find((l) => l.startsWith('size-pack'))?.replace('size-pack: ', '') ?? '?'} packed)`],
  };
}
