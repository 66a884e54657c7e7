// A Slurm job past its budget: the budget became --time, Slurm ends the job TIMEOUT, and aura
// retries it per the rules (a timeout counts as a failed attempt, like a local worker's).
import assert from 'node:assert/strict';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, NO_SLURM, slurmEnv } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

// Sleeps past any budget on the first attempt; the retry (marker present) finishes at once.
const SLOW = 'if [ -f tried ]; then echo ok > out.txt; else touch tried; sleep 600; fi';

describe('a Slurm job past its budget', { skip: NO_SLURM }, () => {
  test('ends TIMEOUT (budget → --time) and is retried per the rules', async () => {
    const p = (current = project({ 'task.md': `# Slow\n\n- [ ] Slow\n  - id: slow\n  - budget: 1m\n  - run: \`${SLOW}\`\n  - produces: \`out.txt\`\n` }));
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: slurmEnv({ AURA_MAX_ATTEMPTS: '2' }), timeoutMs: 300_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const slow = p.state().tasks.slow!;
    assert.equal(slow.status, 'done');
    assert.equal(slow.attempts.length, 2);
    const a1 = slow.attempts[0]!;
    assert.equal(a1.outcome, 'timeout');
    assert.equal(a1.stopReason, 'timeout');
    assert.match(a1.evidence?.summary ?? '', /ran out of its time budget/);
    assert.match(slow.attempts[1]!.evidence?.summary ?? '', /^verified/);
    // The wrapper recorded the end itself (Slurm's SIGTERM reached the runner before KillWait ran out).
    assert.equal(JSON.parse(p.read(path.join('.aura', a1.dir, 'exit.json'))).signal, 'SIGTERM');
    assert.match(p.read(path.join('.aura', a1.dir, 'slurm.out')), /DUE TO TIME LIMIT/);
    // --signal=B:USR2@N reached the runner through the job script before the limit.
    assert.match(p.read(path.join('.aura', a1.dir, 'stderr.log')), /aura runner: the batch system says the time limit is near \(SIGUSR2\); records flushed/);
    const jobs = jobsOfRun(p.state().runId).sort((a, b) => Number(a.id) - Number(b.id));
    assert.deepEqual(jobs.map((j) => j.state), ['TIMEOUT', 'COMPLETED']);
    assert.ok(p.journal().some((e) => e.kind === 'attempt' && /attempt 1 stopped: time budget used up \(Slurm: TIMEOUT/.test(e.msg)));
  });
});
