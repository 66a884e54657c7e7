// src/git against real repositories: what counts as merged (squash merges included), commits of
// leftovers without an identity, and integrating with the person's changes in the way.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { commitLeftovers } from '../../src/git/commit.js';
import { integrate } from '../../src/git/integrate.js';
import { GitLock } from '../../src/git/lock.js';
import { parseCherry, parseStatusZ, parseWorktreeList, shortStat } from '../../src/git/parse.js';
import { repoFacts, unmergedWork } from '../../src/git/repo.js';
import { addWorktree, removeWorktree } from '../../src/git/worktree.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
// No identity of the person's anywhere, for aura's own git calls too (they read process.env).
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
const env = { ...process.env, LC_ALL: 'C' };
const git = (dir: string, ...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
const ME = ['-c', 'user.name=Person', '-c', 'user.email=p@example.com'];

function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'aura-git-'));
  dirs.push(d);
  git(d, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(d, 'a.txt'), 'a\n');
  writeFileSync(path.join(d, '.gitignore'), '.aura/\n.env\n');
  writeFileSync(path.join(d, '.env'), 'SECRET=1\nAURA_API_KEY=sk-aura-own\nexport AURA_MERGE=branch\n');
  git(d, 'add', '-A');
  git(d, ...ME, 'commit', '-q', '-m', 'start');
  return d;
}

const lock = new GitLock();
async function worktree(d: string, n: number) {
  return addWorktree(lock, { top: d, project: d, path: path.join(d, '.aura', 'worktrees', 't', String(n)), taskId: 't', attempt: n, target: 'main', copy: ['.env', 'missing'], link: [] });
}

describe('src/git', () => {
  it('repoFacts tells a repository, a plain directory and an unborn branch apart', async () => {
    const d = repo();
    assert.deepEqual((await repoFacts(d)).facts, { kind: 'git', branch: 'main' });
    const plain = mkdtempSync(path.join(os.tmpdir(), 'aura-plain-'));
    dirs.push(plain);
    assert.deepEqual((await repoFacts(plain)).facts, { kind: 'none' });
    git(plain, 'init', '-q', '-b', 'trunk');
    assert.deepEqual((await repoFacts(plain)).facts, { kind: 'unborn', branch: 'trunk' });
  });

  it('a worktree gets the gitignored files listed, on its own branch; leftovers are committed as aura', async () => {
    const d = repo();
    const w = await worktree(d, 1);
    assert.equal(w.branch, 'aura/t/1');
    assert.deepEqual(w.copied, ['.env']);
    assert.equal(readFileSync(path.join(w.path, '.env'), 'utf8'), 'SECRET=1\n', "aura's own AURA_* settings stay home");
    writeFileSync(path.join(w.path, 'b.txt'), 'b\n');
    const sha = await commitLeftovers(w.path, 'aura: t attempt 1', []);
    assert.ok(sha);
    assert.equal(git(d, 'log', '-1', '--format=%an <%ae>|%s', 'aura/t/1'), 'aura <aura@localhost>|aura: t attempt 1');
    assert.equal(git(d, 'show', '--name-only', '--format=', 'aura/t/1'), 'b.txt', 'the ignored .env was not committed');
    assert.equal(await commitLeftovers(w.path, 'again', []), null, 'nothing left: no commit');
  });

  it('unmergedWork: ancestry, a cherry-pick and a squash merge all count as merged', async () => {
    const d = repo();
    const w = await worktree(d, 1);
    writeFileSync(path.join(w.path, 'b.txt'), 'b\n');
    await commitLeftovers(w.path, 'one', []);
    writeFileSync(path.join(w.path, 'c.txt'), 'c\n');
    await commitLeftovers(w.path, 'two', []);
    assert.equal(await unmergedWork(d, 'main', 'aura/t/1'), true);
    git(d, 'merge', '-q', '--squash', 'aura/t/1');
    git(d, ...ME, 'commit', '-q', '-m', 'squashed');
    assert.equal(await unmergedWork(d, 'main', 'aura/t/1'), false, 'squashed: merged by content');
  });

  it('integrate rebases onto a moved target, and waits rather than overwrite the person\'s edit', async () => {
    const d = repo();
    const w = await worktree(d, 1);
    writeFileSync(path.join(w.path, 'a.txt'), 'a\nfrom aura\n');
    await commitLeftovers(w.path, 'aura work', []);
    // The person commits elsewhere meanwhile, and has an uncommitted edit of a.txt.
    writeFileSync(path.join(d, 'other.txt'), 'x\n');
    git(d, 'add', 'other.txt');
    git(d, ...ME, 'commit', '-q', '-m', 'person');
    writeFileSync(path.join(d, 'a.txt'), 'a\nmine\n');
    const i = { top: d, worktree: w.path, branch: w.branch, target: 'main', base: w.base };
    const wait = await integrate(lock, i);
    assert.equal(wait.kind, 'wait');
    assert.match(wait.kind === 'wait' ? wait.message : '', /would overwrite your uncommitted changes to a\.txt/);
    assert.equal(readFileSync(path.join(d, 'a.txt'), 'utf8'), 'a\nmine\n');
    git(d, 'checkout', '--', 'a.txt');
    const done = await integrate(lock, i);
    assert.equal(done.kind, 'merged');
    assert.equal(git(d, 'rev-list', '--merges', 'main'), '', 'rebased: a straight line, no merge commit');
    assert.equal(git(d, 'show', 'main:a.txt'), 'a\nfrom aura');
    assert.equal(git(d, 'show', 'main:other.txt'), 'x');
    assert.equal((await integrate(lock, i)).kind, 'merged', 'again: already merged, nothing to do');
  });
});

describe('src/git/pool: a parked worktree reused', () => {
  it('starts the next attempt clean at its base: nothing of the one before, ignored files included', async () => {
    const d = repo();
    const pool = path.join(d, '.aura', 'worktrees', '.idle');
    const mk = (n: number) => addWorktree(lock, { top: d, project: d, path: path.join(d, '.aura', 'worktrees', 't', String(n)), taskId: 't', attempt: n, target: 'main', copy: ['.env'], link: [], pool });
    const w1 = await mk(1);
    assert.equal(w1.reused, false);
    writeFileSync(path.join(w1.path, 'b.txt'), 'b\n');
    await commitLeftovers(w1.path, 'one', []);
    writeFileSync(path.join(w1.path, '.env'), 'CHANGED=1\n'); // ignored, so never committed
    writeFileSync(path.join(w1.path, 'stray.txt'), 'x\n');
    const r = await removeWorktree(lock, d, { path: w1.path, branch: w1.branch }, 'main', { dir: pool, max: 1 });
    assert.deepEqual(r, { branchDeleted: false, parked: true }, 'parked; its branch holds work, so it is kept');
    assert.equal(git(d, 'show', 'aura/t/1:b.txt'), 'b');
    const w2 = await mk(2);
    assert.equal(w2.reused, true);
    assert.equal(git(w2.path, 'rev-parse', 'HEAD'), git(d, 'rev-parse', 'main'));
    assert.equal(git(w2.path, 'branch', '--show-current'), 'aura/t/2');
    assert.equal(existsSync(path.join(w2.path, 'b.txt')), false);
    assert.equal(existsSync(path.join(w2.path, 'stray.txt')), false);
    assert.equal(readFileSync(path.join(w2.path, '.env'), 'utf8'), 'SECRET=1\n', 'copied afresh from the project');
    assert.equal(existsSync(w1.path), false);
  });
});

describe('src/git/parse', () => {
  it('reads porcelain output', () => {
    assert.deepEqual(parseWorktreeList('worktree /r\nHEAD abc\nbranch refs/heads/main\n\nworktree /r/.aura/worktrees/t/1\nHEAD def\nbranch refs/heads/aura/t/1\nlocked\n').map((e) => [e.path, e.branch, e.locked]), [
      ['/r', 'main', false],
      ['/r/.aura/worktrees/t/1', 'aura/t/1', true],
    ]);
    assert.deepEqual(parseStatusZ(' M a.txt\0R  new\0old\0?? u\0'), [
      { xy: ' M', path: 'a.txt' },
      { xy: 'R ', path: 'new' },
      { xy: '??', path: 'u' },
    ]);
    assert.deepEqual(parseCherry('+ abcdef1\n- 1234567\n'), { missing: ['abcdef1'], equivalent: ['1234567'] });
    assert.equal(shortStat(' 1 file changed, 2 insertions(+)\n'), '1 file changed, +2 −0');
    assert.equal(shortStat(''), null);
  });
});
