// aura never exits with a worker alive: every way the daemon can end (--exit-when-done, --once,
// aura stop, a signal, a fatal error) either waits for or stops every worker's whole tree first, and
// state.json ends true (no task "running" with no worker). Each test scans /proc for the run's id
// after the daemon is gone; it fails if anything of the run survived.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pidsWithEnv, projectsForThisFile, runAura, startDaemon, testEnv, waitFor, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();
const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torture', 'preload', 'fs-faults.mjs');

function aliveOfRun(p: Project): number[] {
  return pidsWithEnv(`AURA_RUN_ID=${p.state().runId}`);
}

function assertStateTrue(p: Project): void {
  const running = Object.values(p.state().tasks).filter((t) => t.status === 'running' || t.status === 'verifying');
  assert.deepEqual(running.map((t) => t.id), [], 'state.json says running, but no worker is');
}

/** A worker that ignores SIGTERM and leaves a setsid grandchild: the hardest tree to stop. */
const STUBBORN = "`trap '' TERM; setsid sh -c 'trap \"\" TERM; sleep 300' & sleep 300`";

describe('aura never exits with a worker alive', () => {
  test('--exit-when-done waits for the worker of a removed task to be gone before exiting', async () => {
    const p = project({
      'task.md': ['# Exit', '', '- [ ] Stubborn', '  - id: stubborn', `  - run: ${STUBBORN}`, '- [ ] Quick', '  - id: quick', '  - needs: none', '  - run: `sleep 1; echo q > q.txt`', '  - produces: `q.txt`', ''].join('\n'),
    });
    // A grace longer than anything else here: without the wait, the daemon would be gone long before.
    const d = startDaemon(['task.md', '--exit-when-done', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_KILL_GRACE_SECONDS: '3' }) });
    await waitFor('stubborn running, quick done', () => p.state().tasks['stubborn']?.status === 'running' && p.state().tasks['quick']?.status === 'done', 20_000);
    // The person drops the stubborn task; quick finishes; the goal is done while stubborn's tree is still being stopped.
    p.write('task.md', ['# Exit', '', '- [ ] Quick', '  - id: quick', '  - needs: none', '  - run: `sleep 1; echo q > q.txt`', '  - produces: `q.txt`', ''].join('\n'));
    const r = await d.exited;
    assert.equal(r.code, 0, d.output());
    assert.deepEqual(aliveOfRun(p), []);
    assertStateTrue(p);
    assert.equal(p.state().tasks['stubborn']?.status, 'archived');
  });

  test('--once runs one cycle, then waits for the workers it started and records how they ended', async () => {
    const p = project({ 'task.md': '# Once\n\n- [ ] Work\n  - id: work\n  - run: `sleep 1; echo w > w.txt`\n  - produces: `w.txt`\n' });
    const r = await runAura(['task.md', '--once'], { cwd: p.dir, env: testEnv(), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /--once: waiting for 1 worker/);
    assert.equal(p.state().tasks['work']?.status, 'done', 'its evidence was judged before exit');
    assert.deepEqual(aliveOfRun(p), []);
  });

  test('--once --leave-workers leaves them, as asked, for the next daemon to adopt', async () => {
    const p = project({ 'task.md': '# Once\n\n- [ ] Work\n  - id: work\n  - run: `sleep 30`\n' });
    const r = await runAura(['task.md', '--once', '--leave-workers'], { cwd: p.dir, env: testEnv(), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const left = aliveOfRun(p);
    assert.ok(left.length > 0, 'the worker was left running on purpose');
    // The next daemon adopts it and stops it on its own exit.
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    await waitFor('adopted', () => /adopt/i.test(p.journal().map((e) => e.msg).join('\n')), 20_000);
    d.kill('SIGTERM');
    await d.exited;
    assert.deepEqual(aliveOfRun(p), []);
    assertStateTrue(p);
  });

  test('aura stop stops a stubborn tree and exits only when it is gone', async () => {
    const p = project({ 'task.md': `# Stop\n\n- [ ] Stubborn\n  - id: stubborn\n  - run: ${STUBBORN}\n` });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_KILL_GRACE_SECONDS: '1' }) });
    await waitFor('running', () => p.state().tasks['stubborn']?.status === 'running', 20_000);
    await waitFor('its grandchild', () => aliveOfRun(p).length >= 2, 10_000);
    const s = await runAura(['stop'], { cwd: p.dir, env: testEnv() });
    assert.equal(s.code, 0, s.stdout + s.stderr);
    await d.exited;
    assert.deepEqual(aliveOfRun(p), []);
    assertStateTrue(p);
    assert.equal(p.state().tasks['stubborn']?.status, 'pending', 'interrupted by aura, not failed');
  });

  test('a fatal error (an exception nothing caught) stops every worker before exiting', async () => {
    const p = project({ 'task.md': `# Fatal\n\n- [ ] Stubborn\n  - id: stubborn\n  - run: ${STUBBORN}\n` });
    const env = testEnv({ AURA_KILL_GRACE_SECONDS: '1', NODE_OPTIONS: `--import ${PRELOAD}`, TORTURE_FAULT: 'throw-after', TORTURE_AFTER_MS: '2500' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env });
    await waitFor('running', () => p.state().tasks['stubborn']?.status === 'running', 20_000);
    const r = await d.exited;
    assert.equal(r.code, 70, d.output());
    assert.match(d.output(), /fatal: .*injected fatal error.*stopping every worker/s);
    assert.deepEqual(aliveOfRun(p), []);
    assertStateTrue(p);
    // The next daemon starts cleanly from what was saved.
    const again = await runAura(['status', '--json'], { cwd: p.dir, env: testEnv() });
    assert.equal(again.code, 0, again.stderr);
  });
});
