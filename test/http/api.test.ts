// The dashboard's JSON API against a real daemon over real HTTP: the state (the same facts as
// `aura status --json`), task details, errors, the token and Origin checks on changes, the controls
// (acknowledged and journaled like the CLI's) and the event stream with Last-Event-ID.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { StatusJson } from '../../src/progress/status-json.js';
import { projectsForThisFile, runAura, waitFor } from '../helpers/aura.js';
import { authed, modeOf, request, serve, SseClient, tokenFile } from './helpers.js';

const project = projectsForThisFile();

const TWO = '# Dash\n\n- [ ] First\n  - id: first\n  - run: `echo hello from first; echo ok > first.txt`\n  - produces: `first.txt`\n- [ ] Long\n  - id: long\n  - run: `sleep 60`\n';

describe('dashboard API', () => {
  test('state: the facts of status --json from the daemon, the port in the lock, the token 0600 and in no page', async () => {
    const p = project({ 'task.md': TWO });
    const s = await serve(p);
    try {
      await waitFor('long running', () => p.state().tasks.long?.attempts[0]?.process?.pid);
      // The entry is in the file as soon as it is written; the daemon's views take it once it is
      // synced to disk, a moment later (CI once asked in between): ask until they have it.
      let r = await request(s.port, 'GET', '/api/v1/state');
      for (let i = 0; i < 100 && !/worker started/.test(String(r.json?.active?.running?.[0]?.lastEvent?.msg)); i++) {
        await new Promise((res) => setTimeout(res, 50));
        r = await request(s.port, 'GET', '/api/v1/state');
      }
      assert.equal(r.status, 200);
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.equal(r.headers['cache-control'], 'no-store');
      const st = r.json;
      assert.equal(st.api, 1);
      const cli = await runAura(['status', '--json'], { cwd: p.dir });
      const want = StatusJson.parse(JSON.parse(cli.stdout));
      const got = StatusJson.parse(st);
      assert.equal(got.goal, want.goal);
      assert.equal(got.state, want.state);
      assert.deepEqual(got.counts, want.counts);
      assert.deepEqual(got.usage, want.usage);
      assert.deepEqual(got.pause, want.pause);
      assert.deepEqual(got.planner, want.planner);
      assert.equal(got.daemon.pid, s.d.child.pid);
      const strip = (ts: typeof got.tasks) => ts.map((t) => ({ ...t, running: t.running && { ...t.running, elapsedMs: 0 } }));
      assert.deepEqual(strip(got.tasks), strip(want.tasks));
      // What a page needs beyond status --json.
      assert.deepEqual(st.active.running.map((t: { id: string }) => t.id), ['long']);
      assert.equal(st.active.running[0].attempt, 1);
      assert.equal(typeof st.active.running[0].elapsedMs, 'number');
      assert.match(st.active.running[0].lastEvent.msg, /worker started/);
      assert.ok(st.seq > 0 && st.seq <= p.journal().at(-1)!.seq, 'seq is the journal position the state reflects');
      assert.deepEqual(Object.keys(st.spend).sort(), ['capTokens', 'capUsd', 'costUsd', 'tokens']);
      assert.ok(st.daemon.nextWakeAt);

      const lock = s.lock();
      assert.deepEqual(lock.http, { host: '127.0.0.1', port: s.port, url: `http://127.0.0.1:${s.port}/`, tokenFile: tokenFile(p) });
      assert.equal(modeOf(tokenFile(p)), 0o600);
      assert.match(s.token, /^[A-Za-z0-9_-]{40,}$/);
      assert.match(s.d.output(), new RegExp(`dashboard: http://127\\.0\\.0\\.1:${s.port}/#token=${s.token}`), 'the link with the token is printed');
      assert.doesNotMatch(readFileSync(p.file('.aura/logs/aura.log'), 'utf8'), new RegExp(s.token), 'but not written to the log file');
      for (const asset of ['/', '/assets/app.js', '/assets/api.js', '/assets/stream.js', '/assets/view.js', '/assets/task-panel.js', '/assets/app.css']) {
        const a = await request(s.port, 'GET', asset);
        assert.equal(a.status, 200, asset);
        assert.ok(!a.text.includes(s.token), `${asset} carries no token`);
      }
      const page = await request(s.port, 'GET', '/');
      assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
      assert.match(page.text, /<script type="module" src="\/assets\/app\.js">/);
    } finally {
      await s.stop();
    }
    assert.equal(existsSync(tokenFile(p)), false, 'the token goes with the daemon');
    assert.equal(existsSync(p.file('.aura/run/daemon.lock')), false);
  });

  test('task detail: attempts with evidence, the journal about it, its log tail; unknown tasks and bad parameters are JSON errors', async () => {
    const p = project({ 'task.md': TWO });
    const s = await serve(p);
    try {
      await waitFor('first done', () => p.state().tasks.first?.status === 'done');
      const r = await request(s.port, 'GET', '/api/v1/tasks/first');
      assert.equal(r.status, 200, r.text);
      const d = r.json;
      assert.equal(d.task.id, 'first');
      assert.equal(d.task.run, 'echo hello from first; echo ok > first.txt');
      assert.deepEqual(d.task.produces, ['first.txt']);
      assert.equal(d.attempts.length, 1);
      assert.equal(d.attempts[0].evidence.passed, true);
      assert.equal(d.attempts[0].evidence.artifacts[0].path, 'first.txt');
      assert.equal('marker' in d.attempts[0], false, "the worker's environment marker stays out");
      assert.ok(d.journal.some((e: { to?: string }) => e.to === 'done'));
      assert.ok(d.journal.every((e: { task: string; data?: unknown }) => e.task === 'first' && e.data === undefined));
      assert.equal(d.log.text, 'hello from first\n');
      assert.equal(d.log.ended, true);

      const log = await request(s.port, 'GET', '/api/v1/tasks/first/log?stream=stdout&lines=5');
      assert.equal(log.status, 200);
      assert.deepEqual({ ...log.json, text: log.json.text }, { task: 'first', attempt: 1, stream: 'stdout', text: 'hello from first\n', clipped: false, ended: true });
      const running = await request(s.port, 'GET', '/api/v1/tasks/long/log');
      assert.equal(running.json.ended, false);

      const cases: Array<[string, number, string, RegExp]> = [
        ['/api/v1/tasks/nope', 404, 'unknown_task', /no task "nope" in this run/],
        ['/api/v1/tasks/nope/log', 404, 'unknown_task', /no task "nope"/],
        ['/api/v1/tasks/first/log?stream=video', 400, 'bad_request', /stream=video: expected stdout, stderr or events/],
        ['/api/v1/tasks/first/log?lines=0', 400, 'bad_request', /lines=0: expected a whole number from 1 to 5000/],
        ['/api/v1/tasks/first/log?attempt=9', 404, 'not_found', /task "first" has no attempt 9 \(it has 1\)/],
        ['/api/v1/nothing', 404, 'not_found', /nothing at \/api\/v1\/nothing/],
        ['/api/v2/state', 404, 'not_found', /serves \/api\/v1/],
        ['/favicon.ico', 404, 'not_found', /nothing at/],
        ['/api/v1/events?tail=lots', 400, 'bad_request', /tail=lots/],
        ['/api/v1/journal?limit=0', 400, 'bad_request', /limit=0/],
      ];
      for (const [path, status, code, msg] of cases) {
        const e = await request(s.port, 'GET', path);
        assert.equal(e.status, status, path);
        assert.match(String(e.headers['content-type']), /^application\/json/, path);
        assert.deepEqual(Object.keys(e.json), ['error'], path);
        assert.equal(e.json.error.code, code, path);
        assert.match(e.json.error.message, msg, path);
      }
      const wrong = await request(s.port, 'POST', '/api/v1/state', authed(s));
      assert.equal(wrong.status, 405);
      assert.equal(wrong.headers.allow, 'GET, HEAD');
      assert.equal(wrong.json.error.code, 'method_not_allowed');
      const get = await request(s.port, 'GET', '/api/v1/refresh');
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST');
    } finally {
      await s.stop();
    }
  });

  test('controls need the token and the page Origin; they are acknowledged and journaled like the CLI', async () => {
    const p = project({ 'task.md': TWO });
    const s = await serve(p);
    try {
      await waitFor('long running', () => p.state().tasks.long?.attempts[0]?.process?.pid);
      const refused: Array<[Record<string, string>, number, string]> = [
        [{}, 401, 'missing_token'],
        [{ Authorization: 'Bearer not-the-token' }, 401, 'bad_token'],
        [{ 'X-Aura-Token': `${s.token}x` }, 401, 'bad_token'],
        [{ Authorization: `Bearer ${s.token}`, Origin: 'http://evil.example' }, 403, 'bad_origin'],
        [{ Authorization: `Bearer ${s.token}`, Origin: `http://localhost:${s.port}` }, 403, 'bad_origin'],
        [{ Authorization: `Bearer ${s.token}`, Origin: 'null' }, 403, 'bad_origin'],
      ];
      for (const [headers, status, code] of refused) {
        const r = await request(s.port, 'POST', '/api/v1/tasks/long/kill', headers);
        assert.equal(r.status, status, JSON.stringify(headers));
        assert.equal(r.json.error.code, code);
        assert.ok(!r.text.includes(s.token), 'an error never echoes the token');
      }
      assert.equal((await waitFor('state.json', () => p.state())).tasks.long?.status, 'running', 'nothing refused reached the daemon');

      const bodies: Array<[Record<string, string>, string, number, string]> = [
        [{ 'Content-Type': 'text/plain' }, 'x', 415, 'unsupported_media_type'],
        [{ 'Content-Type': 'application/json' }, '{nope', 400, 'bad_request'],
        [{ 'Content-Type': 'application/json' }, '{"why":"x"}', 400, 'bad_request'],
        [{ 'Content-Type': 'application/json' }, '{"reason":5}', 400, 'bad_request'],
        [{ 'Content-Type': 'application/json' }, JSON.stringify({ reason: 'x'.repeat(20_000) }), 413, 'payload_too_large'],
      ];
      for (const [headers, body, status, code] of bodies) {
        const r = await request(s.port, 'POST', '/api/v1/pause', authed(s, headers), body);
        assert.equal(r.status, status, body.slice(0, 20));
        assert.equal(r.json.error.code, code);
      }

      const kill = await request(s.port, 'POST', '/api/v1/tasks/long/kill', authed(s, { 'Content-Type': 'application/json' }), JSON.stringify({ reason: 'wrong data' }));
      assert.equal(kill.status, 200, kill.text);
      assert.deepEqual(kill.json, { ok: true, pid: s.d.child.pid, message: 'stopping long; it will not be retried until aura retry long' });
      await waitFor('long failed', () => p.state().tasks.long?.status === 'failed');
      assert.ok(p.journal().some((e) => e.task === 'long' && /killed by the user \(wrong data\)/.test(e.msg)));

      const again = await request(s.port, 'POST', '/api/v1/tasks/long/kill', authed(s));
      assert.equal(again.status, 409);
      assert.deepEqual(again.json, { error: { code: 'refused', message: 'long is failed, not running' } });
      const unknown = await request(s.port, 'POST', '/api/v1/tasks/nope/retry', authed(s));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'unknown_task');

      const retry = await request(s.port, 'POST', '/api/v1/tasks/long/retry', { 'X-Aura-Token': s.token });
      assert.equal(retry.status, 200, 'no Origin (curl, scripts): the token alone authorises');
      assert.match(retry.json.message, /long is pending again/);
      await waitFor('second attempt', () => p.state().tasks.long?.attempts[1]?.process?.pid);
      assert.ok(p.journal().some((e) => e.task === 'long' && /retry asked by the user \(from the dashboard\)/.test(e.msg)));

      const pause = await request(s.port, 'POST', '/api/v1/pause', authed(s));
      assert.deepEqual(pause.json, { ok: true, pid: s.d.child.pid, message: 'paused: nothing new starts; running workers go on' });
      const cliStatus = JSON.parse((await runAura(['status', '--json'], { cwd: p.dir })).stdout);
      assert.equal(cliStatus.pause.reason, 'paused by aura pause (from the dashboard)');
      const resume = await request(s.port, 'POST', '/api/v1/resume', authed(s));
      assert.equal(resume.json.message, 'resumed');
      const j = p.journal();
      assert.ok(j.some((e) => /paused by the user \(from the dashboard\)/.test(e.msg)));
      assert.ok(j.some((e) => /resumed by the user \(from the dashboard\)/.test(e.msg)));

      // A burst of refreshes is served by fewer cycles than requests (wakes coalesce).
      const burst = await Promise.all(Array.from({ length: 8 }, () => request(s.port, 'POST', '/api/v1/refresh', authed(s))));
      for (const b of burst) {
        assert.equal(b.status, 202, b.text);
        assert.equal(b.json.ok, true);
        assert.equal(typeof b.json.cycle, 'number');
      }
      assert.ok(new Set(burst.map((b) => b.json.cycle)).size < burst.length, `cycles: ${burst.map((b) => b.json.cycle).join(' ')}`);
    } finally {
      await s.stop();
    }
  });

  test('event stream: journal entries as they are appended, a state after each batch, Last-Event-ID resumes without loss', async () => {
    const p = project({ 'task.md': '# Stream\n\n- [ ] Long\n  - id: long\n  - run: `sleep 60`\n' });
    const s = await serve(p);
    let a: SseClient | null = null;
    let b: SseClient | null = null;
    try {
      await waitFor('long running', () => p.state().tasks.long?.status === 'running');
      a = new SseClient(s.port, '/api/v1/events');
      await waitFor('hello and a state', () => a!.of('state').length > 0 && a!.of('hello').length > 0);
      assert.equal(a.status, 200);
      const hello = a.of('hello')[0]!.data;
      assert.ok(a.of('journal').every((e) => e.id! > hello.seq), 'no backlog without tail= or an id: only what came after');
      assert.equal(hello.pid, s.d.child.pid);
      assert.equal((await request(s.port, 'GET', '/api/v1/state')).json.streams, 1);

      await request(s.port, 'POST', '/api/v1/pause', authed(s, { 'Content-Type': 'application/json' }), '{"reason":"stream test"}');
      const paused = await waitFor('the pause decision on the stream', () => a!.of('journal').find((e) => /paused by the user \(stream test\)/.test(e.data.msg)));
      assert.equal(paused.id, paused.data.seq);
      assert.equal(paused.data.data, undefined, 'entries without their replay payload');
      await waitFor('a state showing the pause', () => a!.of('state').some((e) => e.data.pause?.kind === 'user'));
      const seen = a.of('journal').map((e) => e.id!);
      const last = Math.max(...seen);
      a.close();

      // While nobody listens, the CLI acts; the entries are in the journal.
      assert.equal((await runAura(['resume', '--reason', 'while away'], { cwd: p.dir })).code, 0);
      assert.equal((await runAura(['wake', '--reason', 'while away'], { cwd: p.dir })).code, 0);
      await waitFor('resume journaled', () => p.journal().some((e) => /resumed by the user \(while away\)/.test(e.msg)));
      const missed = p.journal().filter((e) => e.seq > last).map((e) => e.seq);
      assert.ok(missed.length >= 2);

      b = new SseClient(s.port, '/api/v1/events', { 'Last-Event-ID': String(last) });
      await waitFor('the replay and a state', () => b!.of('state').length > 0);
      const replayed = b.of('journal').map((e) => e.id!);
      assert.deepEqual(replayed.slice(0, missed.length), missed, 'every missed entry, in order, nothing before it');
      assert.ok(replayed.every((id, i) => i === 0 || id > replayed[i - 1]!), 'no duplicates');
      assert.equal(b.of('hello')[0]!.data.after, last);

      const bad = await request(s.port, 'GET', '/api/v1/events', { 'Last-Event-ID': 'yesterday' });
      assert.equal(bad.status, 400);
      assert.match(bad.json.error.message, /Last-Event-ID "yesterday": expected a journal sequence number/);
      const tail = new SseClient(s.port, '/api/v1/events?tail=3');
      await waitFor('a tail of three', () => tail.of('state').length > 0);
      const at = tail.of('hello')[0]!.data.seq as number;
      // Live entries may follow; the replay is the three up to the journal's end when it opened.
      assert.deepEqual(tail.of('journal').filter((e) => e.id! <= at).map((e) => e.id), [at - 2, at - 1, at]);
      tail.close();
    } finally {
      a?.close();
      b?.close();
      await s.stop();
    }
  });

});
