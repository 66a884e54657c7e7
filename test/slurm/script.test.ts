// The batch script, run by a real bash around the real runner (no Slurm needed): it passes on only
// the allowlisted variables (and Slurm's own), forwards SIGUSR2 and SIGTERM, and exits with the
// runner's status, while the runner writes the same attempt files as for a local worker.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { batchScript, shellQuote } from '../../src/executors/slurm/script.js';
import { REPO, waitFor } from '../helpers/aura.js';

const RUNNER = path.join(REPO, 'dist', 'workers', 'runner-main.js');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function attempt(command: string): { dir: string; script: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-job-'));
  dirs.push(dir);
  const spec = path.join(dir, 'runner.json');
  writeFileSync(spec, JSON.stringify({ argv: ['/bin/sh', '-c', command], cwd: dir, backend: 'shell', capBytes: 1 << 20 }));
  const script = path.join(dir, 'job.sh');
  writeFileSync(script, batchScript({ title: 'task t, attempt 1', node: process.execPath, runner: RUNNER, specFile: spec, keep: ['PATH', 'KEEP_ME', 'AURA_WORKER_MARKER', 'BASH_FUNC_f%%'] }));
  return { dir, script };
}

function run(script: string, env: NodeJS.ProcessEnv) {
  const child = spawn('/bin/bash', [script], { env, stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited };
}

const ENV = { PATH: process.env.PATH, KEEP_ME: "two words and a 'quote'", AURA_WORKER_MARKER: 'run:t:1', SECRET_TOKEN: 'never', SLURM_JOB_ID: '42' };

describe('the batch script', () => {
  test('quotes any path for bash', () => {
    assert.equal(shellQuote("/a b/it's"), `'/a b/it'\\''s'`);
  });

  test("exact environment, the runner's records, and the worker's exit status as its own", async () => {
    const { dir, script } = attempt('env > env.txt; echo hello; exit 7');
    const { exited } = run(script, ENV);
    assert.equal(await exited, 7);
    const env = readFileSync(path.join(dir, 'env.txt'), 'utf8').split('\n');
    assert.ok(env.includes(`KEEP_ME=${ENV.KEEP_ME}`), 'kept, spaces and quotes intact');
    assert.ok(env.includes('AURA_WORKER_MARKER=run:t:1'));
    assert.ok(env.includes('SLURM_JOB_ID=42'), "Slurm's own variables go through");
    assert.ok(!env.some((l) => l.startsWith('SECRET_TOKEN=')), 'not on the allowlist: not passed');
    assert.equal(readFileSync(path.join(dir, 'stdout.log'), 'utf8'), 'hello\n');
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'exit.json'), 'utf8')).code, 7);
  });

  test('SIGUSR2 (the time limit is near) reaches the runner without ending it or the worker; SIGTERM ends it with an exit record', async () => {
    const { dir, script } = attempt('echo started; while [ ! -f stop ]; do sleep 0.05; done; echo after-usr2; sleep 30');
    const { child, exited } = run(script, ENV);
    await waitFor('the worker started', () => existsSync(path.join(dir, 'status.json')) && readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('started'), 10_000);
    child.kill('SIGUSR2');
    writeFileSync(path.join(dir, 'stop'), '');
    await waitFor('the worker went on after SIGUSR2', () => readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('after-usr2'), 10_000);
    assert.match(readFileSync(path.join(dir, 'stderr.log'), 'utf8'), /time limit is near \(SIGUSR2\); records flushed/);
    assert.equal(existsSync(path.join(dir, 'exit.json')), false, 'still running');
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    const x = JSON.parse(readFileSync(path.join(dir, 'exit.json'), 'utf8')) as { signal: string | null };
    assert.equal(x.signal, 'SIGTERM');
  });
});
