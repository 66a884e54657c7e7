import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { RotatingLog } from '../../src/daemon/log-file.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the log is JSON lines, rotated by size, keeping a bounded number of old files', () => {
  const file = path.join(dir, 'logs', 'aura.log');
  const log = new RotatingLog(file, 1000, 2);
  for (let i = 0; i < 100; i++) log.write('info', `line ${i} ${'x'.repeat(40)}`);
  for (const f of [file, `${file}.1`, `${file}.2`]) {
    assert.ok(existsSync(f), f);
    const lines = readFileSync(f, 'utf8').trim().split('\n');
    for (const l of lines) assert.equal(typeof (JSON.parse(l) as { msg: string }).msg, 'string');
    assert.ok(readFileSync(f).length <= 1000);
  }
  assert.equal(existsSync(`${file}.3`), false, 'only `keep` old files');
  assert.match(readFileSync(file, 'utf8'), /line 99/);
});
