// `aura changelog` as text: one line per kind of change, long id lists cut to a readable line (the
// first read of a 20,000-task file added every task; --json keeps them all).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHANGELOG_NAMED, changelogEntry, renderChangelogText } from '../../src/cli/changelog.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `t${i + 1}`);
const entry = (data: Record<string, unknown>) =>
  changelogEntry({ seq: 1, ts: '2026-12-05T10:00:00.000Z', cycle: 0, kind: 'taskfile', msg: 'read task file', data });

describe('renderChangelogText', () => {
  it('names every id when there are few', () => {
    const text = renderChangelogText([entry({ added: ids(3), removed: ['old'], changed: ['t2'] })]);
    assert.match(text, /^ {4}\+ added: {4}t1, t2, t3$/m);
    assert.match(text, /^ {4}- removed: {2}old \(archived, history kept\)$/m);
    assert.match(text, /^ {4}\* changed: {2}t2$/m);
  });

  it('cuts a long list after the first ones and says how many more', () => {
    const text = renderChangelogText([entry({ added: ids(20_000), removed: ids(CHANGELOG_NAMED + 1), changed: ids(CHANGELOG_NAMED) })]);
    const added = text.split('\n').find((l) => l.includes('+ added:'))!;
    assert.ok(added.startsWith(`    + added:    ${ids(CHANGELOG_NAMED).join(', ')} and 19980 more`), added.slice(0, 200));
    assert.ok(added.length < 300);
    assert.match(text, /- removed: {2}t1, .*t20 and 1 more \(--json lists them all\) \(archived, history kept\)/);
    assert.match(text, /\* changed: {2}t1, .*, t20$/m, 'exactly the limit: all named');
  });
});
