// What counts as written by an attempt, on real files: content, not timestamps; a new path must be
// backed by a new inode. Each row is one way a worker (or an accident) could fake an artifact.
import assert from 'node:assert/strict';
import { appendFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkArtifact } from '../../src/core/evidence.js';
import { filesystemFence, gatherArtifacts, resolveInside, snapshotPriors } from '../../src/daemon/artifacts.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function project(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'aura-artifacts-'));
  dirs.push(d);
  return d;
}

/** Snapshot, let `act` play the worker, then judge `rel` as the gate would. */
async function judgeAfter(dir: string, rel: string, act: () => void | Promise<void>, limits = { maxFileBytes: 1024 * 1024 }) {
  const attemptDir = path.join(dir, '.aura', 'attempt');
  mkdirSync(attemptDir, { recursive: true });
  await sleep(5);
  const fence = await filesystemFence(attemptDir);
  const priors = await snapshotPriors(dir, [rel], limits);
  await sleep(5);
  await act();
  const [fact] = await gatherArtifacts(dir, [rel], limits);
  return checkArtifact(fact!, priors[0], true, fence);
}

describe('artifact freshness on real files', () => {
  it('a file written during the attempt counts', async () => {
    const d = project();
    const c = await judgeAfter(d, 'out.txt', () => writeFileSync(path.join(d, 'out.txt'), 'new\n'));
    assert.equal(c.ok, true, c.note);
  });

  it('touch on an old non-empty artifact does not count', async () => {
    const d = project();
    writeFileSync(path.join(d, 'out.txt'), 'old\n');
    const c = await judgeAfter(d, 'out.txt', () => {
      const t = new Date(Date.now() + 60_000);
      utimesSync(path.join(d, 'out.txt'), t, t);
    });
    assert.equal(c.ok, false);
    assert.match(c.note ?? '', /not written during this attempt: its content is the same as before it started/);
  });

  it('rewriting an old artifact with new content counts; with the same content it does not', async () => {
    const d = project();
    writeFileSync(path.join(d, 'out.txt'), 'old\n');
    assert.equal((await judgeAfter(d, 'out.txt', () => appendFileSync(path.join(d, 'out.txt'), 'more\n'))).ok, true);
    const same = await judgeAfter(d, 'out.txt', () => writeFileSync(path.join(d, 'out.txt'), 'old\nmore\n'));
    assert.equal(same.ok, false);
  });

  it('a new symlink to an old file inside the project does not count', async () => {
    const d = project();
    writeFileSync(path.join(d, 'old.txt'), 'old\n');
    const c = await judgeAfter(d, 'out.txt', () => symlinkSync('old.txt', path.join(d, 'out.txt')));
    assert.equal(c.ok, false);
    assert.match(c.note ?? '', /a symlink to something that existed before it started/);
  });

  it('a new symlink to a file written during the attempt counts', async () => {
    const d = project();
    const c = await judgeAfter(d, 'out.txt', () => {
      writeFileSync(path.join(d, 'real.txt'), 'fresh\n');
      symlinkSync('real.txt', path.join(d, 'out.txt'));
    });
    assert.equal(c.ok, true, c.note);
  });

  it('a hard link to a file outside the project does not count', async () => {
    const d = project();
    const outside = project();
    writeFileSync(path.join(outside, 'secret.txt'), 'from elsewhere\n');
    const c = await judgeAfter(d, 'out.txt', () => linkSync(path.join(outside, 'secret.txt'), path.join(d, 'out.txt')));
    assert.equal(c.ok, false);
    assert.match(c.note ?? '', /a hard link to a file that existed before it started/);
  });

  it('a directory whose file changed inside (its own mtime untouched) counts; one left as it was does not', async () => {
    const d = project();
    mkdirSync(path.join(d, 'out/sub'), { recursive: true });
    writeFileSync(path.join(d, 'out/sub/a.txt'), 'one\n');
    const changed = await judgeAfter(d, 'out', () => writeFileSync(path.join(d, 'out/sub/a.txt'), 'two\n'));
    assert.equal(changed.ok, true, changed.note);
    const same = await judgeAfter(d, 'out', () => {
      const t = new Date(Date.now() + 60_000);
      utimesSync(path.join(d, 'out'), t, t);
    });
    assert.equal(same.ok, false);
  });

  it('a file too large to hash is judged by inode, size and mtime', async () => {
    const d = project();
    writeFileSync(path.join(d, 'big.bin'), Buffer.alloc(2048, 1));
    const c = await judgeAfter(
      d,
      'big.bin',
      () => {
        const t = new Date(Date.now() + 60_000);
        utimesSync(path.join(d, 'big.bin'), t, t);
      },
      { maxFileBytes: 1024 },
    );
    assert.equal(c.ok, true, 'above the limit a new mtime is all aura can see (documented)');
  });

  it('`..data` is a name inside the project; `../x` and `..` are outside', () => {
    const d = project();
    assert.deepEqual(resolveInside(d, '..data'), { abs: path.join(d, '..data') });
    assert.deepEqual(resolveInside(d, 'dir/..data/x'), { abs: path.join(d, 'dir/..data/x') });
    assert.ok('problem' in resolveInside(d, '../x'));
    assert.ok('problem' in resolveInside(d, '..'));
    assert.ok('problem' in resolveInside(d, 'a/../../x'));
  });
});
