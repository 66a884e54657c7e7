// A controller that fails or drops jobs from its listings, made real with a squeue wrapper on PATH
// around the real one: aura backs off (each wait at least twice the last) and goes on, and a job
// missing from the listings for a while is not judged lost.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, type Project } from '../helpers/aura.js';
import { cancelRun, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

/** A squeue that fails its first `fail` calls, then hides `hide`'s jobs for calls up to `hideUntil`. */
function squeueShim(o: { fail: number; hide?: string; hideUntil?: number }): { dir: string; calls: () => number[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-squeue-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const real = '/usr/bin/squeue';
  writeFileSync(
    path.join(dir, 'squeue'),
    [
      '#!/bin/sh',
      `n=$(cat ${dir}/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${dir}/count`,
      `date +%s%3N >> ${dir}/calls`,
      `if [ "$n" -le ${o.fail} ]; then echo "squeue: error: slurm_load_jobs error: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi`,
      o.hide ? `if [ "$n" -le ${o.hideUntil ?? 0} ]; then ${real} "$@" | grep -v -- '-${o.hide}-'; exit 0; fi` : '',
      `exec ${real} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path.join(dir, 'squeue'), 0o755);
  return { dir, calls: () => readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).map(Number) };
}

const TASK = '# One\n\n- [ ] One\n  - id: one\n  - run: `sleep 2; echo ok > one.txt`\n  - produces: `one.txt`\n';

describe('a controller that fails, then answers', { skip: NO_SLURM }, () => {
  test('aura backs off while squeue fails and finishes the run once it answers', async () => {
    const shim = squeueShim({ fail: 3 });
    const p = (current = project({ 'task.md': TASK }));
    const env = slurmEnv({ AURA_SLURM_POLL_SECONDS: '0.5', AURA_SLURM_POLL_MAX_SECONDS: '10' });
    env.PATH = `${shim.dir}:${env.PATH}`;
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.state().tasks.one?.status, 'done');
    assert.match(r.stdout, /slurm: squeue failed \(1 in a row\): squeue: the controller did not answer/);
    // After the k-th failure in a row aura waits at least 0.5 s × 2^k before asking again.
    const t = shim.calls();
    assert.ok(t.length >= 4, `calls at ${t.join(', ')}`);
    for (let k = 1; k <= 3; k++) assert.ok(t[k]! - t[k - 1]! >= 500 * 2 ** k - 50, `gap after failure ${k}: ${t[k]! - t[k - 1]!} ms`);
  });
});

describe('a job missing from the listings for a while', { skip: NO_SLURM }, () => {
  test('is waited for, not judged lost, and ends as itself', async () => {
    const shim = squeueShim({ fail: 0, hide: 'one', hideUntil: 6 });
    // Hidden for its first 6 polls (about 3 s) while it runs for 6 s: missing without an exit record.
    const p = (current = project({ 'task.md': TASK.replace('sleep 2', 'sleep 6') }));
    const env = slurmEnv({ AURA_SLURM_POLL_SECONDS: '0.5', AURA_SLURM_MISSING_SECONDS: '60' });
    env.PATH = `${shim.dir}:${env.PATH}`;
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const one = p.state().tasks.one!;
    assert.equal(one.status, 'done');
    assert.equal(one.attempts.length, 1);
    assert.equal(one.attempts[0]?.outcome, 'exited');
    assert.ok(shim.calls().length > 6, 'the hidden polls happened');
    assert.ok(!p.journal().some((e) => /lost|gone/.test(e.msg)), 'never judged lost');
  });
});
