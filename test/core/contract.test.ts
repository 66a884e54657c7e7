// An attempt is judged by the contract fixed when it started, whoever edits task.md meanwhile.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractMoved, contractOf, judgedBy } from '../../src/core/contract.js';
import { afterEvidence } from '../../src/core/outcome.js';
import { T0, exited, makeEvidence, makeTask } from './fixtures.js';

const policy = { maxAttempts: 3, backoffBaseSeconds: 10, backoffMaxSeconds: 600 };

describe('the attempt contract', () => {
  const started = makeTask('A', { produces: ['out.txt'], verify: 'test -s out.txt', run: 'make' });
  const a = { ...exited(1, 0), contract: contractOf(started) };

  const rows: Array<[string, Parameters<typeof makeTask>[1], boolean]> = [
    ['nothing changed', {}, false],
    ['produces rewritten', { produces: ['never.txt'] }, true],
    ['produces emptied (a worker removing its own bar)', { produces: [] }, true],
    ['verify rewritten to `true`', { verify: 'true' }, true],
    ['verify removed', { verify: undefined }, true],
    ['run changed', { run: 'make all' }, true],
    ['worker changed', { worker: 'codex' }, true],
    ['a title or notes edit', { title: 'A, reworded', notes: 'more' }, false],
  ];
  for (const [name, patch, moved] of rows) {
    it(`${name} → ${moved ? 'moved' : 'same'}; judged by what it started with`, () => {
      const now = makeTask('A', { produces: ['out.txt'], verify: 'test -s out.txt', run: 'make', ...patch, attempts: [a] });
      assert.equal(contractMoved(now, a), moved);
      assert.deepEqual(judgedBy(now, a), { produces: ['out.txt'], verify: 'test -s out.txt', run: 'make' });
    });
  }

  it('an attempt from before contracts (null) is judged by the task, and never "moved"', () => {
    const old = { ...exited(1, 0), contract: null };
    const t = makeTask('A', { produces: ['x'], attempts: [old] });
    assert.deepEqual(judgedBy(t, old).produces, ['x']);
    assert.equal(contractMoved(t, old), false);
  });

  it('passed under the old contract but task.md changed it meanwhile → pending, runs again, count reset', () => {
    const t = makeTask('A', { status: 'verifying', produces: ['other.txt'], verify: 'test -s out.txt', run: 'make', attempts: [a] });
    const r = afterEvidence(t, makeEvidence(true), policy, T0);
    assert.equal(r.task.status, 'pending');
    assert.equal(r.task.attemptBase, 1);
    assert.match(r.task.reason, /task\.md changed what this task must run or produce meanwhile; running again/);
  });

  it('passed with the contract unchanged → done', () => {
    const t = makeTask('A', { status: 'verifying', produces: ['out.txt'], verify: 'test -s out.txt', run: 'make', attempts: [a] });
    assert.equal(afterEvidence(t, makeEvidence(true), policy, T0).task.status, 'done');
  });
});
