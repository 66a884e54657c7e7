import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveId, normaliseTitle, sanitizeId, uniqueId } from '../../src/taskfile/ids.js';
import { parseBudget, splitList, stripTicks } from '../../src/taskfile/settings.js';
import { AuraError } from '../../src/util/errors.js';

describe('deriveId', () => {
  const cases: Array<[string, string]> = [
    ['Prepare the data', 'prepare-the-data'],
    ['  **Train** the `model`!  ', 'train-the-model'],
    ["Don't panic", 'dont-panic'],
    ['Café crème', 'cafe-creme'],
    ['数据', 'task'],
    ['', 'task'],
    ['---', 'task'],
    ['Run ../../etc/passwd', 'run-etc-passwd'],
    ['A very long title that keeps going well past the forty character limit', 'a-very-long-title-that-keeps-going-well'],
    ['x'.repeat(100), 'x'.repeat(40)],
  ];
  for (const [title, id] of cases) {
    it(JSON.stringify(title.slice(0, 30)), () => {
      assert.equal(deriveId(title), id);
      assert.match(deriveId(title), /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(deriveId(title).length <= 40);
    });
  }
  it('is fast on a huge title', () => {
    assert.equal(deriveId('ab '.repeat(500_000)).length <= 40, true);
  });
});

describe('sanitizeId', () => {
  for (const ok of ['prep', 'A1', 'v1.2_final-x', 'a'.repeat(64)]) {
    it(`accepts ${ok.slice(0, 20)}`, () => assert.equal(sanitizeId(` ${ok} `), ok));
  }
  const bad: Array<[string, RegExp]> = [
    ['A1./../../escaped', /characters other than/],
    ['..', /starts with "\."/],
    ['.git', /starts with "\."/],
    ['a..b', /contains "\.\."/],
    ['-rf', /starts with "-"/],
    ['a/b', /characters other than/],
    ['a b', /characters other than/],
    ['', /empty/],
    ['a'.repeat(65), /longer than 64/],
    ['None', /reserved/],
  ];
  for (const [raw, why] of bad) {
    it(`rejects ${JSON.stringify(raw.slice(0, 20))}`, () => {
      assert.throws(
        () => sanitizeId(raw),
        (e: unknown) => e instanceof AuraError && e.code === 'BAD_TASK_FILE' && why.test(e.message) && e.message.includes(JSON.stringify(raw.slice(0, 80))),
      );
    });
  }
});

describe('normaliseTitle and uniqueId', () => {
  it('normalises for matching', () => {
    assert.equal(normaliseTitle('  **Train**   the `Model`. '), 'train the model');
    assert.equal(normaliseTitle('train_the-model!'), 'trainthe model');
    assert.equal(normaliseTitle("Don't STOP"), 'dont stop');
  });
  it('suffixes, ignoring case', () => {
    assert.equal(uniqueId('a', new Set()), 'a');
    assert.equal(uniqueId('A', new Set(['a', 'a-2'])), 'A-3');
  });
});

describe('settings values', () => {
  it('stripTicks', () => {
    const cases: Array<[string, string]> = [
      ['`x`', 'x'],
      ['``a`b``', 'a`b'],
      ['`a` && `b`', '`a` && `b`'],
      ['`', '`'],
      ['``', '``'],
      ['plain', 'plain'],
      ['`x``', '`x``'],
    ];
    for (const [input, out] of cases) assert.equal(stripTicks(input), out, input);
  });
  it('splitList', () => {
    const cases: Array<[string, string[]]> = [
      ['`a.csv`, `b.csv`', ['a.csv', 'b.csv']],
      ['a.csv, b.csv,, ', ['a.csv', 'b.csv']],
      ['`odd,name.csv`, c', ['odd,name.csv', 'c']],
      ['`unclosed, x', ['`unclosed, x']],
    ];
    for (const [input, out] of cases) assert.deepEqual(splitList(input), out, input);
  });
  it('parseBudget', () => {
    const cases: Array<[string, number | null]> = [
      ['90s', 90_000],
      ['1h30m', 5_400_000],
      ['1h 30m', 5_400_000],
      ['10', 600_000],
      ['0.5', 30_000],
      ['', null],
      ['h', null],
      ['1x', null],
      ['1.2.3m', null],
      ['-5m', null],
      ['5m!', null],
    ];
    for (const [input, out] of cases) assert.equal(parseBudget(input), out, input);
  });
});
