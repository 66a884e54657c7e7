// The dashboard's guards against a real daemon: a foreign Host on every path (DNS rebinding), a
// foreign Origin, secrets in no answer, and a busy port failing the start before anything is written.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, test } from 'node:test';
import { projectsForThisFile, runAura, testEnv, waitFor } from '../helpers/aura.js';
import { authed, request, serve, SseClient } from './helpers.js';

const project = projectsForThisFile();

describe('dashboard guards', () => {
  test('a foreign Host is refused on every path (DNS rebinding); the bound address and localhost are served', async () => {
    const p = project({ 'task.md': '# Host\n' });
    const s = await serve(p);
    try {
      for (const host of ['evil.example', `evil.example:${s.port}`, `127.0.0.1:${s.port + 1}`, `10.1.2.3:${s.port}`, '']) {
        for (const [method, path] of [['GET', '/'], ['GET', '/api/v1/state'], ['GET', '/api/v1/events'], ['POST', '/api/v1/refresh']] as const) {
          const r = await request(s.port, method, path, { ...authed(s), Host: host });
          assert.equal(r.status, 403, `${method} ${path} Host ${host}`);
          assert.equal(r.json.error.code, 'bad_host');
        }
      }
      assert.equal((await request(s.port, 'GET', '/api/v1/state', { Host: `localhost:${s.port}` })).status, 200);
      // Another site's script (it sends its Origin) reads nothing and opens no stream.
      for (const path of ['/api/v1/state', '/api/v1/events']) {
        const r = await request(s.port, 'GET', path, { Origin: 'http://evil.example' });
        assert.equal(r.status, 403, path);
        assert.equal(r.json.error.code, 'bad_origin');
      }
      assert.equal((await request(s.port, 'POST', '/api/v1/refresh', authed(s, { Host: `localhost:${s.port}`, Origin: `http://localhost:${s.port}` }))).status, 202);
    } finally {
      await s.stop();
    }
  });

  test('no secret in any answer: secret-named variables, aura secret settings and the token are redacted, even from a log that echoes them', async () => {
    const canary = 'canary-Secret-4f9a8b7c6d';
    const key = 'sk-ant-canary-0123456789';
    const p = project({ 'task.md': '# Secrets\n\n- [ ] Leaky\n  - id: leaky\n  - run: `echo "env says $SERVICE_TOKEN"; echo done > leaky.txt`\n  - produces: `leaky.txt`\n' });
    const s = await serve(p, ['--planner', 'rules'], { SERVICE_TOKEN: canary, AURA_API_KEY: key });
    const sse = new SseClient(s.port, '/api/v1/events?tail=200');
    try {
      await waitFor('leaky done', () => p.state().tasks.leaky?.status === 'done');
      assert.match(readFileSync(p.file('.aura/workspace/tasks/leaky/attempt-1/stdout.log'), 'utf8'), new RegExp(canary), 'the worker did print it');
      await waitFor('the stream caught up', () => sse.of('state').some((e) => e.data.counts.done === 1));
      const answers = [
        (await request(s.port, 'GET', '/api/v1/state')).text,
        (await request(s.port, 'GET', '/api/v1/tasks/leaky')).text,
        (await request(s.port, 'GET', '/api/v1/tasks/leaky/log')).text,
        (await request(s.port, 'GET', '/api/v1/journal?after=0&limit=1000')).text,
        (await request(s.port, 'GET', `/api/v1/tasks/${encodeURIComponent(s.token.slice(0, 60))}`)).text,
        (await request(s.port, 'POST', '/api/v1/tasks/leaky/kill', { Authorization: `Bearer ${s.token}0` })).text,
        JSON.stringify(sse.events),
      ];
      for (const text of answers) {
        assert.ok(!text.includes(canary), text.slice(0, 200));
        assert.ok(!text.includes(key), text.slice(0, 200));
        assert.ok(!text.includes(s.token), text.slice(0, 200));
      }
      assert.match(answers[2]!, /env says \[redacted\]/);
    } finally {
      sse.close();
      await s.stop();
    }
  });

  test('a busy port fails the start (exit 2) before any state is written; --http without the flag serves nothing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const p = project({ 'task.md': '# Busy\n\n- [ ] A\n  - run: `true`\n' });
      const r = await runAura(['task.md', '--http', String(port), '--exit-when-done'], { cwd: p.dir, env: testEnv() });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`cannot serve the dashboard on 127\\.0\\.0\\.1:${port}: the port is in use`));
      assert.match(r.stderr, /pick another with --http <port>/);
      assert.equal(p.exists('.aura/state/state.json'), false);
      assert.equal(p.exists('.aura/run/daemon.lock'), false);
      assert.equal(p.exists('.aura/run/http.token'), false);

      const bad = await runAura(['task.md', '--http', 'eighty'], { cwd: p.dir, env: testEnv() });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /AURA_HTTP_PORT/);

      const plain = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
      assert.equal(plain.code, 0, plain.stderr);
      assert.doesNotMatch(plain.stdout, /dashboard/);
    } finally {
      blocker.close();
    }
  });
});
