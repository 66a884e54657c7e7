// lineDiff: the task.md diff the model reads. Exact outputs for the usual edits, line endings, and a
// large file with one change (which the prefix/suffix trim must make cheap).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineDiff } from '../../src/core/line-diff.js';

const L = (...lines: string[]) => lines.join('\n');
const AF = L('a', 'b', 'c', 'd', 'e', 'f');

describe('lineDiff', () => {
  const rows: Array<[string, string, string, string]> = [
    ['identical → empty', AF, AF, ''],
    ['both empty → empty', '', '', ''],
    ['identical with trailing newlines → empty', `${AF}\n`, `${AF}\n`, ''],
    ['append a line at the end', L('a', 'b', 'c'), L('a', 'b', 'c', 'd'), L('@@ line 4 @@', ' b', ' c', '+d')],
    ['append a line after a final newline: no phantom empty line', 'a\nb\n', 'a\nb\nc\n', L('@@ line 3 @@', ' a', ' b', '+c')],
    ['from empty', '', 'x\n', L('@@ line 1 @@', '+x')],
    ['to empty', 'x\ny\n', '', L('@@ line 1 @@', '-x', '-y')],
    ['insert in the middle: 2 context lines each side', AF, L('a', 'b', 'c', 'X', 'd', 'e', 'f'), L('@@ line 4 @@', ' b', ' c', '+X', ' d', ' e')],
    ['delete in the middle', AF, L('a', 'b', 'd', 'e', 'f'), L('@@ line 3 @@', ' a', ' b', '-c', ' d', ' e')],
    ['replace one line: removal before addition', AF, L('a', 'b', 'C', 'd', 'e', 'f'), L('@@ line 3 @@', ' a', ' b', '-c', '+C', ' d', ' e')],
    ['replace the first line: no leading context', L('a', 'b', 'c', 'd'), L('A', 'b', 'c', 'd'), L('@@ line 1 @@', '-a', '+A', ' b', ' c')],
    ['replace the last line: no trailing context', L('a', 'b', 'c', 'd'), L('a', 'b', 'c', 'D'), L('@@ line 4 @@', ' b', ' c', '-d', '+D')],
    ['one line of context where only one exists', L('a', 'b', 'c'), L('a', 'B', 'c'), L('@@ line 2 @@', ' a', '-b', '+B', ' c')],
    [
      'two separate edits: one hunk, the unchanged lines between kept as context',
      L('a', 'x', 'b', 'y', 'c'),
      L('a', 'X', 'b', 'Y', 'c'),
      L('@@ line 2 @@', ' a', '-x', '+X', ' b', '-y', '+Y', ' c'),
    ],
    ['a moved line (LCS keeps the rest)', L('a', 'b', 'c', 'd'), L('b', 'c', 'a', 'd'), L('@@ line 1 @@', '-a', ' b', ' c', '+a', ' d')],
    ['CRLF lines read like LF lines', 'a\r\nb\r\nc\r\n', 'a\r\nB\r\nc\r\n', L('@@ line 2 @@', ' a', '-b', '+B', ' c')],
    ['a change of line endings only → empty', 'a\nb\nc\n', 'a\r\nb\r\nc\r\n', ''],
    ['mixed endings, one real change', 'a\r\nb\nc', 'a\nb\r\nC\r\n', L('@@ line 3 @@', ' a', ' b', '-c', '+C')],
  ];
  for (const [name, before, after, want] of rows) {
    it(name, () => {
      const got = lineDiff(before, after);
      assert.equal(got, want);
      assert.ok(!got.includes('\r'), 'no carriage returns in the output');
    });
  }

  const big = Array.from({ length: 10_000 }, (_, i) => `line ${i}`);

  it('10,000 lines with one change in the middle: just that line and its context', () => {
    const after = [...big];
    after[5000] = 'changed';
    assert.equal(lineDiff(big.join('\n'), after.join('\n')), L('@@ line 5001 @@', ' line 4998', ' line 4999', '-line 5000', '+changed', ' line 5001', ' line 5002'));
  });

  it('10,000 lines with a line inserted near the start', () => {
    const after = [...big.slice(0, 3), 'new', ...big.slice(3)];
    assert.equal(lineDiff(big.join('\n'), after.join('\n')), L('@@ line 4 @@', ' line 1', ' line 2', '+new', ' line 3', ' line 4'));
  });

  it('10,000 lines changed at both ends: too big for LCS, shown as removed then added', () => {
    const after = [...big];
    after[0] = 'first';
    after[9999] = 'last';
    const got = lineDiff(big.join('\n'), after.join('\n'));
    const want = L('@@ line 1 @@', ...big.map((l) => `-${l}`), ...after.map((l) => `+${l}`));
    assert.equal(got, want);
  });

  it('a middle just small enough for LCS still gets a real diff', () => {
    // 500 × 500 = 250,000 cells: the limit.
    const a = Array.from({ length: 502 }, (_, i) => `l${i}`);
    const b = [...a];
    b[1] = 'X';
    b[500] = 'Y';
    const got = lineDiff(a.join('\n'), b.join('\n')).split('\n');
    assert.equal(got[0], '@@ line 2 @@');
    assert.deepEqual(got.filter((l) => l[0] === '-'), ['-l1', '-l500']);
    assert.deepEqual(got.filter((l) => l[0] === '+'), ['+X', '+Y']);
    assert.equal(got.filter((l) => l[0] === ' ').length, 1 + 498 + 1);
  });
});
