// Workers as whole process trees: escapes, stalls, floods. Real processes, scanned in /proc.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { dirBytes, isAlive, pidsWithEnv, runAura, startDaemon, testEnv, waitFor, projectsForThisFile } from '../helpers/aura.js';

const project = projectsForThisFile();


describe('the whole tree', () => {
  test('a setsid grandchild that ignores SIGTERM is gone after the worker is stopped, and nothing else was touched', async () => {
    // The worker starts a grandchild in its own session (as agent CLIs do for every tool call) that
    // ignores SIGTERM, then waits. A bystander process outside aura must survive.
    const outsider = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    outsider.unref();
    const p = project({
      'task.md': [
        '# Escape',
        '',
        '- [ ] Spawn an escaping grandchild',
        '  - id: esc',
        "  - run: `setsid sh -c 'trap \"\" TERM; echo $$ > grandchild.pid; sleep 120' & sleep 120`",
        '  - budget: 3s',
        '',
      ].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_MAX_ATTEMPTS: '1', AURA_KILL_GRACE_SECONDS: '1' }) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.esc!;
    assert.equal(t.attempts[0]?.outcome, 'timeout');
    const grandchild = Number(p.read('grandchild.pid').trim());
    assert.ok(grandchild > 0);
    assert.equal(isAlive(grandchild), false, 'the escaped grandchild was killed');
    assert.deepEqual(pidsWithEnv(`AURA_WORKER_MARKER=${t.attempts[0]!.marker}`), [], 'no process with the marker remains');
    assert.deepEqual(pidsWithEnv(`AURA_RUN_ID=${p.state().runId}`), [], "no process of the run remains");
    assert.ok(isAlive(outsider.pid!), 'a process that is not the run\'s own was not touched');
    process.kill(outsider.pid!, 'SIGKILL');
  });
});

describe('stalls', () => {
  test('a worker that goes silent with no CPU is stopped as stalled after the threshold, then retried', async () => {
    const p = project({
      'task.md': '# Stall\n\n- [ ] Hang\n  - id: hang\n  - run: `echo started; sleep 300`\n',
    });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_STALL_SECONDS: '2', AURA_MAX_ATTEMPTS: '3', AURA_MAX_STALLS: '5' }) });
    try {
      const first = await waitFor('first attempt stalled', () => {
        const a = p.state().tasks.hang?.attempts[0];
        return a?.endedAt ? a : null;
      }, 30_000);
      assert.match(first.stopReason ?? '', /^stalled: no output, stream events or CPU for \d+s/);
      const startedMs = Date.parse(first.startedAt);
      const endedMs = Date.parse(first.endedAt!);
      assert.ok(endedMs - startedMs >= 2000, 'not before the threshold');
      await waitFor('retried', () => (p.state().tasks.hang?.attempts.length ?? 0) >= 2, 30_000);
      const j = p.journal();
      assert.ok(j.some((e) => e.task === 'hang' && /suspected stall/.test(e.msg)), 'suspicion journaled first');
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('repeated stalls fail the task', async () => {
    const p = project({ 'task.md': '# Stall\n\n- [ ] Hang\n  - id: hang\n  - run: `sleep 300`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], {
      cwd: p.dir,
      env: testEnv({ AURA_STALL_SECONDS: '1', AURA_MAX_ATTEMPTS: '5', AURA_MAX_STALLS: '2' }),
      timeoutMs: 60_000,
    });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.hang!;
    assert.equal(t.status, 'failed');
    assert.equal(t.attempts.length, 2);
    assert.match(t.reason, /stalled 2 times/);
  });

  test('a quiet worker that is busy computing is not a stall', async () => {
    const p = project({
      'task.md': [
        '# Busy',
        '',
        '- [ ] Compute quietly',
        '  - id: busy',
        '  - run: `node -e "const end=Date.now()+4000; while(Date.now()<end){}; require(\'fs\').writeFileSync(\'busy.txt\',\'ok\')"`',
        '  - produces: `busy.txt`',
        '',
      ].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_STALL_SECONDS: '1' }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.state().tasks.busy?.attempts.length, 1);
  });
});

describe('output floods', () => {
  test('a worker writing 500 MB to stdout leaves at most the cap on disk and is still supervised', async () => {
    const p = project({
      'task.md': [
        '# Flood',
        '',
        '- [ ] Flood stdout',
        '  - id: flood',
        '  - run: `head -c 500000000 /dev/zero | tr "\\0" "x"; echo; echo LAST-LINE; echo done > flood.txt`',
        '  - produces: `flood.txt`',
        '',
      ].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_OUTPUT_CAP_MB: '1' }), timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const a = p.state().tasks.flood!.attempts[0]!;
    const dir = p.file(path.join('.aura', a.dir));
    const stdout = p.read(path.join('.aura', a.dir, 'stdout.log'));
    assert.ok(stdout.length <= 1024 * 1024 + 200, `stdout.log is ${stdout.length} bytes`);
    assert.match(stdout, /bytes dropped here/);
    assert.match(stdout, /LAST-LINE/, 'the tail is kept');
    assert.ok(dirBytes(dir) < 4 * 1024 * 1024, `the attempt directory holds ${dirBytes(dir)} bytes`);
    assert.equal(p.state().tasks.flood?.status, 'done');
  });
});
