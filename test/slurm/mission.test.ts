// The example mission with AURA_EXECUTOR=slurm, against a real Slurm: every step a batch job, the
// same attempt files as for a local worker, done only on evidence.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { projectsForThisFile, runAura, type Project } from '../helpers/aura.js';
import { cancelRun, jobsOfRun, NO_SLURM, slurmEnv, withExample } from './helpers.js';

const project = projectsForThisFile();
let current: Project | null = null;
afterEach(() => {
  if (current?.exists('.aura/state/state.json')) cancelRun(current.state().runId);
  current = null;
});

describe('the example mission on Slurm', { skip: NO_SLURM }, () => {
  test('runs to done with AURA_EXECUTOR=slurm: one job per step, named for the run, task and attempt', async () => {
    const p = (current = project());
    withExample(p);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: slurmEnv(), timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    const all = Object.values(st.tasks);
    assert.deepEqual(all.map((t) => t.status), all.map(() => 'done'));
    // The steps with a run: (the goal and any group are checked by aura itself, without a worker).
    const tasks = all.filter((t) => t.run);
    assert.equal(tasks.length, 5);
    for (const t of tasks) {
      assert.equal(t.attempts.length, 1, t.id);
      const a = t.attempts[0]!;
      assert.equal(a.process, null, 'no local process');
      assert.match(a.job?.name ?? '', new RegExp(`^aura-${st.runId.slice(0, 8)}-${t.id}-1$`));
      assert.match(a.job?.id ?? '', /^\d+$/);
      assert.equal(a.evidence?.passed, true);
      // The attempt files a local worker leaves, written by the runner inside the job.
      const dir = p.file(path.join('.aura', a.dir));
      for (const f of ['job.sh', 'runner.json', 'stdout.log', 'stderr.log', 'status.json', 'exit.json']) assert.ok(p.exists(path.join('.aura', a.dir, f)), `${t.id}: ${f}`);
      assert.equal(JSON.parse(readFileSync(path.join(dir, 'exit.json'), 'utf8')).code, 0);
    }
    const jobs = jobsOfRun(st.runId);
    assert.equal(jobs.length, tasks.length, 'one job per attempt, none twice');
    assert.ok(jobs.every((j) => j.state === 'COMPLETED'), JSON.stringify(jobs));
    assert.ok(p.journal().some((e) => e.kind === 'attempt' && /^job \d+ submitted \(aura-/.test(e.msg)));
  });

  test("a task's executor: local runs here while the rest go to Slurm", async () => {
    const p = (current = project({
      'task.md': [
        '# Mixed',
        '',
        '- [ ] Remote',
        '  - id: remote',
        '  - run: `echo $SLURM_JOB_ID > remote.txt`',
        '  - produces: `remote.txt`',
        '',
        '- [ ] Here',
        '  - id: here',
        '  - executor: local',
        '  - run: `echo "${SLURM_JOB_ID:-none}" > here.txt`',
        '  - produces: `here.txt`',
        '',
      ].join('\n'),
    }));
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: slurmEnv(), timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    assert.equal(p.read('remote.txt').trim(), st.tasks.remote?.attempts[0]?.job?.id);
    assert.equal(p.read('here.txt').trim(), 'none');
    assert.equal(st.tasks.here?.attempts[0]?.job, null);
    assert.ok(st.tasks.here?.attempts[0]?.process?.pid);
  });
});
