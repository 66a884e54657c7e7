import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseEnvText, readEnvFile } from '../../src/config/envfile.js';
import { closest, editDistance } from '../../src/config/suggest.js';

describe('parseEnvText', () => {
  const rows: { name: string; text: string; values: Record<string, string>; warnings?: RegExp[] }[] = [
    { name: 'plain', text: 'A=1\nB=two\n', values: { A: '1', B: 'two' } },
    { name: 'comments and blank lines', text: '# c\n\nA=1 # trailing\n   # indented\n', values: { A: '1' } },
    { name: 'quotes', text: 'A="x y"\nB=\'z\'\nC=`w`\n', values: { A: 'x y', B: 'z', C: 'w' } },
    { name: 'export prefix', text: 'export A=1\n', values: { A: '1' } },
    { name: 'CRLF line ends', text: 'A=1\r\nB=2\r\n', values: { A: '1', B: '2' } },
    { name: 'BOM', text: '\uFEFFA=1\n', values: { A: '1' } },
    { name: 'empty value', text: 'A=\n', values: { A: '' } },
    { name: 'later line wins', text: 'A=1\nA=2\n', values: { A: '2' } },
    { name: 'line without =', text: 'junk\nA=1\n', values: { A: '1' }, warnings: [/f: ignored line "junk" \(no "="\)/] },
    { name: 'two lines without =, then export', text: 'one\ntwo\nexport A=1\n', values: { A: '1' }, warnings: [/"one"/, /"two"/] },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const r = parseEnvText(row.text, 'f');
      assert.deepEqual(r.values, row.values);
      assert.equal(r.warnings.length, row.warnings?.length ?? 0, r.warnings.join('\n'));
      row.warnings?.forEach((re, i) => assert.match(r.warnings[i] ?? '', re));
    });
  }
});

describe('readEnvFile', () => {
  test('missing file (or missing parent dir) → undefined', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aura-envfile-'));
    try {
      assert.equal(readEnvFile(path.join(dir, 'nope.env')), undefined);
      assert.equal(readEnvFile(path.join(dir, 'no', 'such', 'dir', 'x.env')), undefined);
      writeFileSync(path.join(dir, 'file'), '');
      assert.equal(readEnvFile(path.join(dir, 'file', 'x.env')), undefined); // ENOTDIR
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reads values and mode', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'aura-envfile-'));
    try {
      const f = path.join(dir, 'a.env');
      writeFileSync(f, 'AURA_X=1\n', { mode: 0o640 });
      const r = readEnvFile(f);
      assert.deepEqual(r?.values, { AURA_X: '1' });
      assert.equal(r?.path, f);
      assert.equal(r?.mode, 0o640 & ~process.umask());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('suggestions', () => {
  const rows: [string, string, number][] = [
    ['', 'abc', 3],
    ['abc', 'abc', 0],
    ['abc', 'acb', 1],
    ['kitten', 'sitting', 3],
  ];
  for (const [a, b, d] of rows) test(`editDistance(${a}, ${b}) = ${d}`, () => assert.equal(editDistance(a, b), d));

  const keys = ['AURA_CYCLE_INTERVAL', 'AURA_MAX_TURNS', 'AURA_MAX_ATTEMPTS'];
  const guesses: [string, string | undefined][] = [
    ['AURA_CYCLE_INTERVL', 'AURA_CYCLE_INTERVAL'],
    ['aura_max_turns', 'AURA_MAX_TURNS'],
    ['AURA_MAX_TURN', 'AURA_MAX_TURNS'],
    ['AURA_MAX', undefined],
    ['AURA_SOMETHING_ELSE', undefined],
  ];
  for (const [name, expected] of guesses) test(`closest(${name}) = ${expected}`, () => assert.equal(closest(name, keys), expected));
});
