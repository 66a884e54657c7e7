// Stops of a Slurm job from outside the daemon's own decisions, against a real Slurm: `aura kill`
// cancels the job and fails the task (as for a local worker); a job someone else cancels is said so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, startDaemon, waitFor, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, live, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

const TASK = '# Long\n\n- [ ] Long\n  - id: long\n  - run: `echo start >> long.log; sleep 300`\n';

async function running(p: Project): Promise<string> {
  return waitFor('the job running its command', () => {
    const id = p.state().tasks.long?.attempts[0]?.job?.id;
    return id && p.exists('long.log') && live(jobsOfRun(p.state().runId)).some((j) => j.id === id && j.state === 'RUNNING') ? id : null;
  }, 60_000);
}

describe('stops from outside the cycle', { skip: NO_SLURM }, () => {
  test('aura kill cancels the job, and the task fails until aura retry', async () => {
    const p = (current = project({ 'task.md': TASK }));
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: slurmEnv() });
    const id = await running(p);
    const k = await runAura(['kill', 'long'], { cwd: p.dir });
    assert.equal(k.code, 0, k.stdout + k.stderr);
    await waitFor('failed', () => p.state().tasks.long?.status === 'failed', 60_000);
    const a = p.state().tasks.long!.attempts[0]!;
    assert.equal(a.outcome, 'killed');
    assert.match(a.stopReason ?? '', /^killed by the user \(aura kill\)/);
    assert.deepEqual(jobsOfRun(p.state().runId).map((j) => [j.id, j.state]), [[id, 'CANCELLED']]);
    d.kill('SIGTERM');
    assert.equal((await d.exited).code, 0);
  });

  test('a job cancelled by someone else is said so, and retried per the rules', async () => {
    const p = (current = project({ 'task.md': TASK }));
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: slurmEnv({ AURA_MAX_ATTEMPTS: '1' }) });
    const id = await running(p);
    assert.equal(spawnSync('scancel', [id]).status, 0);
    await waitFor('failed', () => p.state().tasks.long?.status === 'failed', 60_000);
    const t = p.state().tasks.long!;
    assert.equal(t.attempts.length, 1);
    assert.equal(t.attempts[0]?.outcome, 'killed');
    assert.match(t.attempts[0]?.stopReason ?? '', /^cancelled outside aura: scancel or an administrator$/);
    assert.match(t.reason, /failed after 1 attempt/);
    assert.ok(p.journal().some((e) => /attempt 1 stopped: cancelled outside aura.*\(Slurm: CANCELLED\)/.test(e.msg)));
    d.kill('SIGTERM');
    assert.equal((await d.exited).code, 0);
  });
});
