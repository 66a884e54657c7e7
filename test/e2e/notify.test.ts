// Notifications through the daemon: a webhook receiver on 127.0.0.1 gets exactly the configured
// events; a webhook that never answers does not hold up the loop.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';

const project = projectsForThisFile();
const servers: Server[] = [];
after(() => servers.forEach((s) => s.closeAllConnections?.() ?? s.close()));

async function receiver(answer: boolean): Promise<{ url: string; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(raw) as Record<string, unknown>);
      if (answer) res.end('ok');
      // else: never answer
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies };
}

const TASKS = '# Notify\n\n## Both (parallel)\n\n- [ ] Good\n  - id: good\n  - run: `echo ok > good.txt`\n  - produces: `good.txt`\n\n- [ ] Bad\n  - id: bad\n  - run: `exit 3`\n';

describe('notifications', () => {
  test('the webhook gets exactly the configured events, with a Slack-style text', async () => {
    const r = await receiver(true);
    const p = project({ 'task.md': TASKS });
    const res = await runAura(['task.md', '--exit-when-done'], {
      cwd: p.dir,
      env: testEnv({ AURA_MAX_ATTEMPTS: '1', AURA_NOTIFY_WEBHOOK_URL: r.url, AURA_NOTIFY_WEBHOOK_EVENTS: 'task_failed' }),
    });
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.equal(r.bodies.length, 1, JSON.stringify(r.bodies));
    const [b] = r.bodies;
    assert.equal(b?.event, 'task_failed');
    assert.equal(b?.taskId, 'bad');
    assert.match(String(b?.text), /bad/);
    assert.match(String(b?.text), /exit(ed with)? (code )?3|code 3/);
  });

  test('goal done is announced once', async () => {
    const r = await receiver(true);
    const p = project({ 'task.md': '# Done\n\n- [ ] Good\n  - run: `echo ok > good.txt`\n  - produces: `good.txt`\n' });
    const res = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_NOTIFY_WEBHOOK_URL: r.url }) });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.deepEqual(r.bodies.map((b) => b.event), ['goal_done']);
  });

  test('a webhook that never answers is logged and does not hold up the loop', async () => {
    const r = await receiver(false);
    const p = project({ 'task.md': TASKS });
    const res = await runAura(['task.md', '--exit-when-done'], {
      cwd: p.dir,
      env: testEnv({ AURA_MAX_ATTEMPTS: '1', AURA_NOTIFY_WEBHOOK_URL: r.url }),
    });
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.equal(r.bodies.length, 1, 'the first notification was sent (and never answered)');
    const j = p.journal();
    const decided = j.findIndex((e) => e.task === 'good' && e.to === 'done');
    assert.ok(decided >= 0, 'the loop went on to finish the other task');
    assert.equal(p.state().tasks.good?.status, 'done');
    assert.match(res.stdout, /notify webhook: .*not delivered/);
  });
});
