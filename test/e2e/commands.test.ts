// The read-only commands against a real running daemon; their --json parses with the exported
// schemas and says the same as the human output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigJson } from '../../src/config/show.js';
import { StatusJson } from '../../src/progress/status-json.js';
import { ControlJson, HistoryJson, WakeJson } from '../../src/cli/json.js';
import { projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();

describe('read-only commands against a running daemon', () => {
  test('status, progress, history, config and wake: human and --json outputs agree', async () => {
    const p = project({
      'task.md': '# Commands\n\n- [ ] Quick\n  - id: quick\n  - run: `echo q > q.txt`\n  - produces: `q.txt`\n\n- [ ] Long\n  - id: long\n  - run: `sleep 30`\n',
    });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv({ AURA_MAX_CONCURRENT_TASKS: '1' }) });
    try {
      await waitFor('long running', () => p.state().tasks.long?.status === 'running');

      const s = await runAura(['status'], { cwd: p.dir });
      const sj = StatusJson.parse(JSON.parse((await runAura(['status', '--json'], { cwd: p.dir })).stdout));
      assert.equal(s.code, 0);
      assert.equal(sj.daemon.pid, d.child.pid);
      for (const t of sj.tasks) assert.ok(s.stdout.includes(`[${t.id}]`) && s.stdout.includes(t.status), `${t.id} ${t.status} in the text`);
      assert.match(s.stdout, new RegExp(`daemon pid ${d.child.pid}`));

      const prog = await runAura(['progress'], { cwd: p.dir });
      assert.equal(prog.code, 0);
      assert.equal(prog.stdout, p.progress());

      const h = await runAura(['history', '-n', '5'], { cwd: p.dir });
      const hj = HistoryJson.parse(JSON.parse((await runAura(['history', '--json', '-n', '5'], { cwd: p.dir })).stdout));
      assert.equal(hj.length, 5);
      for (const e of hj) assert.ok(h.stdout.includes(e.msg.slice(0, 40)), `history text has: ${e.msg}`);
      const ht = HistoryJson.parse(JSON.parse((await runAura(['history', '--json', '--task', 'quick'], { cwd: p.dir })).stdout));
      assert.ok(ht.length > 0 && ht.every((e) => e.task === 'quick'));

      const c = await runAura(['config'], { cwd: p.dir, env: testEnv({ AURA_API_KEY: 'sk-ant-secret-value-123' }) });
      const cj = ConfigJson.parse(JSON.parse((await runAura(['config', '--json'], { cwd: p.dir, env: testEnv({ AURA_API_KEY: 'sk-ant-secret-value-123' }) })).stdout));
      assert.doesNotMatch(c.stdout + JSON.stringify(cj), /secret-value/, 'secrets are masked');
      assert.equal(cj.AURA_API_KEY?.source, 'environment');
      assert.match(c.stdout, /AURA_CYCLE_INTERVAL\s+300\s+default/);

      const w = WakeJson.parse(JSON.parse((await runAura(['wake', '--json', '--reason', 'json'], { cwd: p.dir })).stdout));
      assert.equal(w.pid, d.child.pid);
      const k = ControlJson.parse(JSON.parse((await runAura(['kill', 'quick', '--json'], { cwd: p.dir })).stdout));
      assert.equal(k.ok, false, 'quick is done, not running');
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('read-only commands write nothing', async () => {
    const p = project({ 'task.md': '# RO\n\n- [ ] A\n  - run: `true`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0);
    const before = JSON.stringify([p.read('.aura/state/state.json'), p.read('.aura/state/journal.jsonl'), p.progress()]);
    for (const args of [['status'], ['status', '--json'], ['progress'], ['history'], ['config']]) {
      assert.equal((await runAura(args, { cwd: p.dir })).code, 0, args.join(' '));
    }
    assert.equal(JSON.stringify([p.read('.aura/state/state.json'), p.read('.aura/state/journal.jsonl'), p.progress()]), before);
  });
});
