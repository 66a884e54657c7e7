import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
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

test('a log that cannot be written never throws: the failure is said once, and writing resumes when it can', () => {
  const file = path.join(dir, 'broken', 'aura.log');
  const log = new RotatingLog(file);
  // A directory where the file should be: every append fails (EISDIR), as a full disk would (ENOSPC).
  mkdirSync(file);
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => said.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    assert.doesNotThrow(() => {
      log.write('info', 'one');
      log.write('info', 'two');
    });
    rmdirSync(file);
    log.write('info', 'three');
  } finally {
    process.stderr.write = write;
  }
  assert.equal(said.filter((s) => /cannot write .*aura\.log \(EISDIR\)/.test(s)).length, 1, said.join(''));
  assert.ok(said.some((s) => /is writable again/.test(s)));
  assert.match(readFileSync(file, 'utf8'), /"msg":"three"/);
});
