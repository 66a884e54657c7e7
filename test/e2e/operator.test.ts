// Acting on a running daemon from another shell: kill, retry, pause, resume — acknowledged by the
// daemon, in effect at once, and journaled.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isAlive, projectsForThisFile, runAura, startDaemon, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();

describe('operator commands against a running daemon', () => {
  test('kill stops a worker and fails the task; retry runs it again', async () => {
    const p = project({ 'task.md': '# Ops\n\n- [ ] Long\n  - id: long\n  - run: `sleep 60`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      const pid = await waitFor('long running', () => p.state().tasks.long?.attempts[0]?.process?.pid);
      const k = await runAura(['kill', 'long', '--reason', 'wrong data'], { cwd: p.dir });
      assert.equal(k.code, 0, k.stderr);
      assert.match(k.stdout, new RegExp(`aura daemon ${d.child.pid}: stopping long`));
      await waitFor('long failed', () => p.state().tasks.long?.status === 'failed');
      assert.equal(isAlive(pid), false);
      assert.match(p.state().tasks.long!.reason, /killed by the user/);
      assert.ok(p.journal().some((e) => e.task === 'long' && /killed by the user \(wrong data\)/.test(e.msg)));

      const again = await runAura(['kill', 'long'], { cwd: p.dir });
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /long is failed, not running/);

      const r = await runAura(['retry', 'long'], { cwd: p.dir });
      assert.equal(r.code, 0, r.stderr);
      await waitFor('second attempt running', () => p.state().tasks.long?.attempts[1]?.process?.pid);
      assert.ok(p.journal().some((e) => e.task === 'long' && /retry asked by the user/.test(e.msg)));

      const unknown = await runAura(['retry', 'nope'], { cwd: p.dir });
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no task "nope"/);
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('pause stops new work from starting, running workers go on; resume lets it start', async () => {
    const p = project({ 'task.md': '# Ops\n\n- [ ] First\n  - id: first\n  - run: `sleep 2; echo ok > first.txt`\n  - produces: `first.txt`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('first running', () => p.state().tasks.first?.status === 'running');
      const pa = await runAura(['pause', '--reason', 'lunch'], { cwd: p.dir });
      assert.equal(pa.code, 0, pa.stderr);
      assert.match(pa.stdout, /paused/);
      appendFileSync(p.file('task.md'), '\n- [ ] Second\n  - id: second\n  - needs: none\n  - run: `echo two > second.txt`\n');
      await waitFor('first done while paused', () => p.state().tasks.first?.status === 'done', 15_000);
      await waitFor('second seen', () => p.state().tasks.second);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(p.state().tasks.second?.attempts.length, 0, 'nothing new started while paused');
      assert.equal(p.state().pause?.kind, 'user');
      const status = await runAura(['status', '--json'], { cwd: p.dir });
      assert.match(JSON.parse(status.stdout).pause.reason, /lunch/);
      const re = await runAura(['resume'], { cwd: p.dir });
      assert.equal(re.code, 0, re.stderr);
      await waitFor('second done after resume', () => p.state().tasks.second?.status === 'done', 15_000);
      const j = p.journal();
      assert.ok(j.some((e) => /paused by the user \(lunch\)/.test(e.msg)));
      assert.ok(j.some((e) => /resumed by the user/.test(e.msg)));
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('without a daemon these commands exit 4 with a clear message', async () => {
    const p = project({ 'task.md': '# Nothing\n' });
    for (const args of [['kill', 'x'], ['retry', 'x'], ['pause'], ['resume']]) {
      const r = await runAura(args, { cwd: p.dir });
      assert.equal(r.code, 4, args.join(' '));
      assert.match(r.stderr, /no aura daemon is running/);
    }
  });
});
