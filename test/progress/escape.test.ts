import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { code, fenced, inline, row } from '../../src/progress/escape.js';

describe('progress markdown escaping', () => {
  it('makes inline text inert', () => {
    assert.equal(inline('a | b'), 'a \\| b');
    assert.equal(inline('use `npm`'), 'use \\`npm\\`');
    assert.equal(inline('<script>&'), '&lt;script&gt;&amp;');
    assert.equal(inline('*x* _y_ [z](u) ~~s~~'), '\\*x\\* \\_y\\_ \\[z\\](u) \\~\\~s\\~\\~');
    assert.equal(inline('back\\slash'), 'back\\\\slash');
    assert.equal(inline('two\nlines'), 'two lines');
  });

  it('builds code spans that survive backticks and table pipes', () => {
    assert.equal(code('npm test'), '`npm test`');
    assert.equal(code('a`b'), '``a`b``');
    assert.equal(code('`x`'), '`` `x` ``');
    assert.equal(code('a | b'), '`a | b`');
    assert.equal(code('a | b', { table: true }), '`a \\| b`');
    assert.equal(code('two\nlines'), '`two lines`');
    assert.equal(code(''), '""');
  });

  it('fences output with a fence longer than any inside it', () => {
    assert.deepEqual(fenced(['ok'], '  '), ['  ```text', '  ok', '  ```']);
    const f = fenced(['```', 'x'], '');
    assert.equal(f[0], '````text');
    assert.equal(f.at(-1), '````');
  });

  it('joins table cells', () => {
    assert.equal(row(['a', '', 'c']), '| a |   | c |');
  });
});
