import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CappedFile } from '../../src/workers/capped-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-cap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('CappedFile', () => {
  test('under the cap, the file is exactly what was written', () => {
    const f = new CappedFile(path.join(dir, 'small.log'), 100);
    f.write(Buffer.from('hello '));
    f.write(Buffer.from('world\n'));
    f.close();
    assert.equal(readFileSync(path.join(dir, 'small.log'), 'utf8'), 'hello world\n');
    assert.equal(existsSync(path.join(dir, 'small.log.tail')), false);
  });

  test('over the cap, the head and the tail are kept, with a note of what was dropped', () => {
    const file = path.join(dir, 'big.log');
    const f = new CappedFile(file, 100);
    for (let i = 0; i < 1000; i++) f.write(Buffer.from(`line ${String(i).padStart(4, '0')}\n`));
    f.flushTail();
    assert.ok(existsSync(`${file}.tail`), 'the tail is on disk before close');
    f.close();
    const text = readFileSync(file, 'utf8');
    assert.ok(text.startsWith('line 0000\n'), 'head kept');
    assert.ok(text.endsWith('line 0999\n'), 'tail kept');
    assert.match(text, /\[aura: \d+ bytes dropped here to keep this log under its cap\]/);
    const body = text.replace(/\n\[aura: [^\]]+\]\n/, '');
    assert.equal(Buffer.byteLength(body), 100, 'head + tail = the cap');
    assert.equal(f.written, 10 * 1000);
    assert.equal(existsSync(`${file}.tail`), false, 'the side file is removed at close');
  });

  test('one huge write is capped too', () => {
    const file = path.join(dir, 'huge.log');
    const f = new CappedFile(file, 1000);
    f.write(Buffer.alloc(10_000_000, 'x'));
    f.write(Buffer.from('END'));
    f.close();
    const text = readFileSync(file, 'utf8');
    assert.ok(text.length < 1100);
    assert.ok(text.endsWith('END'));
  });

  test('close is idempotent and writes after close are ignored', () => {
    const f = new CappedFile(path.join(dir, 'c.log'), 10);
    f.close();
    f.close();
    f.write(Buffer.from('late'));
    assert.equal(readFileSync(path.join(dir, 'c.log'), 'utf8'), '');
  });
});
