// Stall detection for Slurm jobs, against a real Slurm: a job waiting in the queue is not a stall
// (it has nothing to show yet); a running job that is silent but busy shows life through sstat's CPU
// time; a silent idle one is a stall, stopped with scancel like any stalled worker.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, startDaemon, waitFor, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

const one = (run: string) => `# One\n\n- [ ] One\n  - id: one\n  - run: \`${run}\`\n  - produces: \`one.txt\`\n`;
const STALL = { AURA_STALL_SECONDS: '5', AURA_MAX_STALLS: '1', AURA_MAX_ATTEMPTS: '1', AURA_WORKER_RESOURCE_POLL_SECONDS: '0.5' };

describe('stalls of Slurm jobs', { skip: NO_SLURM }, () => {
  test('a job held in the queue past the stall threshold is not a stall; released, it runs to done', async () => {
    const p = (current = project({ 'task.md': one('echo ok > one.txt') }));
    const d = startDaemon(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env: slurmEnv({ ...STALL, AURA_SLURM_SBATCH_ARGS: '--hold' }) });
    const id = await waitFor('the job submitted', () => p.state().tasks.one?.attempts[0]?.job?.id, 60_000);
    // Two stall thresholds in the queue.
    await new Promise((r) => setTimeout(r, 11_000));
    assert.deepEqual(jobsOfRun(p.state().runId).map((j) => j.state), ['PENDING']);
    assert.ok(!p.journal().some((e) => /stall/.test(e.msg)), 'no stall suspected while queued');
    assert.equal(spawnSync('scontrol', ['release', id]).status, 0);
    assert.equal((await d.exited).code, 0, d.output());
    assert.equal(p.state().tasks.one?.status, 'done');
  });

  test('a silent job busy on its CPU is alive by sstat; a silent idle one is stalled and cancelled', async () => {
    // Silent for three thresholds. (A start-up gap on a loaded node may make it a suspect once; only
    // being stopped as stalled would be wrong.)
    const busy = (current = project({ 'task.md': one(`node -e "const t=Date.now(); while (Date.now()-t < 15000);"; echo ok > one.txt`) }));
    const r1 = await runAura(['task.md', '--exit-when-done'], { cwd: busy.dir, env: slurmEnv(STALL), timeoutMs: 120_000 });
    assert.equal(r1.code, 0, r1.stdout + r1.stderr);
    const b = busy.state().tasks.one!;
    assert.deepEqual([b.status, b.attempts.length, b.attempts[0]?.outcome, b.attempts[0]?.stopReason], ['done', 1, 'exited', null], 'busy is not stalled');

    const idle = (current = project({ 'task.md': one('sleep 300') }));
    const r2 = await runAura(['task.md', '--exit-when-done'], { cwd: idle.dir, env: slurmEnv(STALL), timeoutMs: 120_000 });
    assert.equal(r2.code, 1, r2.stdout + r2.stderr);
    const t = idle.state().tasks.one!;
    assert.equal(t.status, 'failed');
    assert.match(t.attempts[0]?.stopReason ?? '', /^stalled: no output, stream events or CPU for \d+s$/);
    assert.deepEqual(jobsOfRun(idle.state().runId).map((j) => j.state), ['CANCELLED']);
  });
});
