// The spare runner in a real daemon (issue 13): later tasks start under a runner started ahead of
// need, the spare waits only while a task does, and nothing of it outlives the daemon.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { pidsWithEnv, projectsForThisFile, runAura, startDaemon, testEnv, waitFor, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();

function chain(n: number, run: string): string {
  const items = Array.from({ length: n }, (_, i) => `- [ ] Step ${i + 1}\n  - id: s${i + 1}\n  - run: \`${run}\`\n`);
  return `# Steps one after another\n\n${items.join('')}`;
}

function cmdline(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

/** Live processes of the run that carry no attempt's marker: spares waiting for work. */
function waitingSpares(p: Project): number[] {
  const st = p.state();
  const markers = new Set(Object.values(st.tasks).flatMap((t) => t.attempts.map((a) => a.marker)));
  return pidsWithEnv(`AURA_RUN_ID=${st.runId}`).filter((pid) => {
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    const marker = env.find((e) => e.startsWith('AURA_WORKER_MARKER='))?.slice('AURA_WORKER_MARKER='.length);
    return marker !== undefined && !markers.has(marker);
  });
}

describe('spare runner in the daemon', () => {
  test('each task starts under a spare runner; the run ends with nothing of it left', async () => {
    const p = project({ 'task.md': chain(3, 'sleep 0.5') });
    const d = startDaemon(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir });
    const pid = await waitFor('step 2 running', () => p.state().tasks.s2?.attempts[0]?.process?.pid);
    assert.match(cmdline(pid), /runner-main\.js --standby/, 'step 2 runs under a runner started ahead');
    const r = await d.exited;
    assert.equal(r.code, 0, d.output());
    const st = p.state();
    // The first spare is started as the daemon starts: the first task gets it, unless it has not
    // even been spawned by then (a runner of its own: `<run>:s1:1`).
    assert.match(st.tasks.s1!.attempts[0]!.marker, new RegExp(`^${st.runId}:(spare-[0-9a-f]+|s1:1)$`));
    for (const id of ['s2', 's3']) assert.match(st.tasks[id]!.attempts[0]!.marker, new RegExp(`^${st.runId}:spare-[0-9a-f]+$`), id);
    for (const id of ['s1', 's2', 's3']) assert.equal(st.tasks[id]!.status, 'done', id);
    assert.deepEqual(pidsWithEnv(`AURA_RUN_ID=${st.runId}`), [], 'nothing of the run is left');
    assert.doesNotMatch(readFileSync(p.file('.aura/logs/aura.log'), 'utf8'), /still alive at exit/, 'the exit sweep found nothing');
  });

  test('AURA_RUNNER_STANDBY=false starts every runner for its attempt', async () => {
    const p = project({ 'task.md': chain(2, 'sleep 0.3') });
    const r = await runAura(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_RUNNER_STANDBY: 'false' }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    for (const id of ['s1', 's2']) assert.equal(st.tasks[id]!.attempts[0]!.marker, `${st.runId}:${id}:1`);
  });

  test('no spare waits while the run is paused, nor once no task is left to start', async () => {
    const p = project({ 'task.md': chain(2, 'sleep 3') });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('step 1 running', () => p.state().tasks.s1?.status === 'running');
      await waitFor('a spare waiting for step 2', () => waitingSpares(p).length === 1, 10_000);
      const paused = await runAura(['pause', '--reason', 'test'], { cwd: p.dir });
      assert.equal(paused.code, 0, paused.stdout + paused.stderr);
      await waitFor('the spare gone while paused', () => waitingSpares(p).length === 0, 10_000);
      const resumed = await runAura(['resume'], { cwd: p.dir });
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      await waitFor('step 2 running', () => p.state().tasks.s2?.status === 'running', 20_000);
      // Step 2 was the last to start: no spare for nobody.
      await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(waitingSpares(p), []);
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });
});
