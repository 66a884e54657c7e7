// SIGKILL of the daemon while Slurm jobs run, a lost sbatch answer, and `aura stop`, against a real
// Slurm: jobs are found again by name, what finished meanwhile is reconciled, no attempt is ever
// submitted twice, and stopping the run leaves no job of it in the queue.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, startDaemon, waitFor, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, live, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

const step = (id: string, secs: number, extra = '') =>
  [`- [ ] ${id}`, `  - id: ${id}`, `  - run: \`echo start >> ${id}.log; sleep ${secs}; echo done > ${id}.txt\``, `  - produces: \`${id}.txt\``, ...(extra ? [extra] : []), ''].join('\n');

const jobIds = (p: Project, ids: string[]) => ids.every((id) => /^\d+$/.test(p.state().tasks[id]?.attempts[0]?.job?.id ?? ''));

describe('SIGKILL of the daemon while Slurm jobs run', { skip: NO_SLURM }, () => {
  test('the restart re-adopts them by name, reconciles the one that finished meanwhile, and submits nothing twice', async () => {
    const p = (current = project({ 'task.md': `# Crash\n\n## Work (parallel)\n\n${step('short', 2)}\n${step('long', 12)}` }));
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: slurmEnv() });
    await waitFor('both jobs submitted and started', () => jobIds(p, ['short', 'long']) && p.exists('short.log') && p.exists('long.log'), 60_000);
    d.kill('SIGKILL');
    await d.exited;
    const runId = p.state().runId;
    await waitFor('short finished while aura was down', () => p.exists('short.txt'), 60_000);
    await waitFor('and its job left the queue', () => jobsOfRun(runId).some((j) => j.name.endsWith('-short-1') && j.state === 'COMPLETED'), 30_000);
    assert.equal(live(jobsOfRun(runId)).length, 1, 'long still runs');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: slurmEnv(), timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /long: slurm: re-adopted job \d+ \(aura-\w+-long-1\) by its name: RUNNING/);
    assert.match(r.stdout, /short: slurm: re-adopted job \d+ \(aura-\w+-short-1\) by its name: COMPLETED/);
    const st = p.state();
    for (const id of ['short', 'long']) {
      const t = st.tasks[id]!;
      assert.equal(t.status, 'done', id);
      assert.equal(t.attempts.length, 1, `${id}: not re-run`);
      assert.equal(p.read(`${id}.log`), 'start\n', `${id}: ran exactly once`);
    }
    const jobs = jobsOfRun(runId);
    assert.equal(jobs.length, 2, `one job per task: ${JSON.stringify(jobs)}`);
    assert.ok(jobs.every((j) => j.state === 'COMPLETED'));
  });

  test("sbatch's answer lost (it timed out after submitting): the job is found by name, never submitted again", async () => {
    const shim = mkdtempSync(path.join(os.tmpdir(), 'aura-sbatch-'));
    after(() => rmSync(shim, { recursive: true, force: true }));
    // Submits for real, then hangs past AURA_SLURM_COMMAND_TIMEOUT: the answer never reaches aura.
    writeFileSync(path.join(shim, 'sbatch'), `#!/bin/sh\n/usr/bin/sbatch "$@" > /dev/null\nsleep 30\n`);
    chmodSync(path.join(shim, 'sbatch'), 0o755);
    const p = (current = project({ 'task.md': `# Lost answer\n\n${step('one', 1)}` }));
    const env = slurmEnv({ AURA_SLURM_COMMAND_TIMEOUT: '3' });
    env.PATH = `${shim}:${env.PATH}`;
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const one = p.state().tasks.one!;
    assert.equal(one.status, 'done');
    assert.equal(one.attempts.length, 1);
    assert.equal(one.attempts[0]?.job?.id, null, 'sbatch never said');
    const said = p.journal().map((e) => e.msg);
    assert.ok(said.some((m) => /sbatch did not answer within 3 s; the job may exist, so aura looks for it by its name/.test(m)), said.join('\n'));
    assert.ok(said.some((m) => /^slurm: found job \d+ \(aura-\w+-one-1\) by its name/.test(m)), said.join('\n'));
    assert.equal(jobsOfRun(p.state().runId).length, 1, 'submitted once');
    assert.equal(p.read('one.log'), 'start\n');
  });
});

describe('SIGKILL of the daemon while sbatch runs', { skip: NO_SLURM }, () => {
  test('the attempt written ahead with its job name is found by that name: one job, one run', async () => {
    const shim = mkdtempSync(path.join(os.tmpdir(), 'aura-sbatch-'));
    after(() => rmSync(shim, { recursive: true, force: true }));
    // Submits for real, says so in a file, then keeps the daemon waiting for its answer.
    writeFileSync(path.join(shim, 'sbatch'), `#!/bin/sh\n/usr/bin/sbatch "$@" > ${shim}/answer\nexec sleep 20\n`);
    chmodSync(path.join(shim, 'sbatch'), 0o755);
    const p = (current = project({ 'task.md': `# Mid-submit\n\n${step('one', 3)}` }));
    const env = slurmEnv();
    env.PATH = `${shim}:${env.PATH}`;
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env });
    await waitFor('sbatch submitted, its answer not yet taken', () => {
      try {
        return /^\d+/.test(readFileSync(path.join(shim, 'answer'), 'utf8'));
      } catch {
        return false;
      }
    }, 60_000);
    d.kill('SIGKILL');
    await d.exited;
    const a = p.state().tasks.one?.attempts[0];
    assert.match(a?.job?.name ?? '', /^aura-\w+-one-1$/, 'the name was on disk before sbatch ran');
    assert.equal(a?.job?.id, null, 'the id never was');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: slurmEnv(), timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /one: slurm: re-adopted job \d+ \(aura-\w+-one-1\) by its name/);
    const one = p.state().tasks.one!;
    assert.equal(one.status, 'done');
    assert.equal(one.attempts.length, 1);
    assert.equal(jobsOfRun(p.state().runId).length, 1, 'submitted once');
    assert.equal(p.read('one.log'), 'start\n');
  });
});

describe('aura stop with Slurm jobs queued and running', { skip: NO_SLURM }, () => {
  test('cancels every job of the run; none is left in squeue; the tasks wait for the next start', async () => {
    // Two jobs asking for 6 of the test node's CPUs each: one runs, one waits in the queue.
    const p = (current = project({
      'task.md': `# Stop\n\n## Work (parallel)\n\n${step('a', 300)}\n${step('b', 300, '  - cpus: 6')}\n${step('c', 300, '  - cpus: 6')}`,
    }));
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: slurmEnv({ AURA_MAX_CONCURRENT_TASKS: '3' }) });
    await waitFor('three jobs submitted', () => jobIds(p, ['a', 'b', 'c']), 60_000);
    const runId = p.state().runId;
    await waitFor('one queued, the others running', () => {
      const states = live(jobsOfRun(runId)).map((j) => j.state).sort();
      return states.join() === 'PENDING,RUNNING,RUNNING' && p.exists('a.log');
    }, 60_000);
    const s = await runAura(['stop'], { cwd: p.dir, timeoutMs: 90_000 });
    assert.equal(s.code, 0, s.stdout + s.stderr);
    assert.equal((await d.exited).code, 0, d.output());
    assert.deepEqual(live(jobsOfRun(runId)), [], 'nothing of the run left in squeue');
    assert.deepEqual(jobsOfRun(runId).map((j) => j.state), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    const st = p.state();
    for (const id of ['a', 'b', 'c']) {
      const t = st.tasks[id]!;
      assert.equal(t.status, 'pending', id);
      assert.match(t.reason, /interrupted because aura stopped/);
      assert.equal(t.attempts[0]?.stopReason, 'aura stopped');
    }
    assert.equal(readFileSync(p.file('a.log'), 'utf8'), 'start\n');
  });
});
