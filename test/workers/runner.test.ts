// The runner (dist/workers/runner-main.js) against workers that misbehave (found by the torture suite).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pidsWithEnv, REPO } from '../helpers/aura.js';

const RUNNER = path.join(REPO, 'dist', 'workers', 'runner-main.js');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function runner(script: string, marker: string): Promise<{ code: number | null; ms: number; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-runner-'));
  dirs.push(dir);
  const attempt = path.join(dir, 'attempt-1');
  writeFileSync(path.join(dir, 'placeholder'), '');
  const spec = path.join(dir, 'runner.json');
  writeFileSync(spec, JSON.stringify({ argv: ['/bin/sh', '-c', script], cwd: dir, backend: 'shell', capBytes: 1 << 20 }));
  const t0 = Date.now();
  const child = spawn(process.execPath, [RUNNER, spec], { env: { ...process.env, TEST_MARKER: marker, ATTEMPT: attempt, DIR: dir }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, ms: Date.now() - t0, dir })));
}

describe('runner', () => {
  test('a worker that exits while a background process holds its output open is recorded as exited within the grace', async () => {
    const marker = `runner-test-${process.pid}-${Date.now()}`;
    const r = await runner('setsid sh -c \'trap "" TERM; sleep 60\' & echo started', marker);
    try {
      assert.equal(r.code, 0);
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
      const x = JSON.parse(readFileSync(path.join(r.dir, 'exit.json'), 'utf8')) as { code: number };
      assert.equal(x.code, 0);
      assert.match(readFileSync(path.join(r.dir, 'stdout.log'), 'utf8'), /started/);
      assert.match(readFileSync(path.join(r.dir, 'stderr.log'), 'utf8'), /still holds its output open/);
    } finally {
      for (const pid of pidsWithEnv(`TEST_MARKER=${marker}`)) process.kill(pid, 'SIGKILL');
    }
  });

  test('a worker that deletes its own attempt directory still gets its exit recorded', async () => {
    const r = await runner('sleep 1.2; rm -rf "$DIR"; echo gone', `runner-test-rm-${process.pid}`);
    assert.equal(r.code, 0);
    assert.ok(existsSync(path.join(r.dir, 'exit.json')), 'exit.json written into the recreated directory');
    assert.equal((JSON.parse(readFileSync(path.join(r.dir, 'exit.json'), 'utf8')) as { code: number }).code, 0);
  });
});
