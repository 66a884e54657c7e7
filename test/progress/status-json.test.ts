import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusJson, statusJson, type TaskJson } from '../../src/progress/status-json.js';
import { DAEMON, fixtureState, NOW } from './fixture.js';

describe('statusJson', () => {
  const json = statusJson(fixtureState(), DAEMON, NOW);
  // What a script would actually receive: the JSON text, parsed back and checked against the schema.
  const parsed = StatusJson.parse(JSON.parse(JSON.stringify(json)));

  it('round-trips through JSON and the schema unchanged', () => {
    assert.deepEqual(parsed, json);
  });

  it('has the top-level facts', () => {
    assert.equal(parsed.goal, 'Ship the static site');
    assert.equal(parsed.state, 'working');
    assert.deepEqual(parsed.daemon, { pid: 4100, mode: 'running', nextWakeAt: '2025-03-01T14:05:00.000Z' });
    assert.deepEqual(parsed.counts, { done: 1, running: 1, verifying: 1, pending: 2, failed: 1, blocked: 1, archived: 1 });
  });

  it('nests subtasks under children, roots in order, archived at the end', () => {
    assert.deepEqual(parsed.tasks.map((t) => [t.id, t.status]), [
      ['setup', 'done'],
      ['site', 'running'],
      ['publish', 'failed'],
      ['announce', 'blocked'],
      ['old-docs', 'archived'],
    ]);
    const site = parsed.tasks[1];
    assert.equal(site?.ownStatus, 'pending', 'its own status stays pending until aura checks the group');
    assert.equal(site?.origin, 'taskfile');
    assert.deepEqual(site?.children.map((t) => t.id), ['pages', 'feed', 'assets']);
    for (const c of site?.children ?? []) assert.deepEqual(c.children, []);
  });

  it('describes the running worker, the retry and the evidence', () => {
    const site = parsed.tasks[1];
    const pages = site?.children[0] as TaskJson;
    assert.deepEqual(pages.running, { pid: 4242, startedAt: '2025-03-01T13:59:52.000Z', elapsedMs: 200_000, command: 'npm run build:pages' });
    assert.equal(pages.attempts, 2);
    assert.deepEqual(pages.evidence, { passed: false, summary: 'pages: verify exited 1' });
    const feed = site?.children[1] as TaskJson;
    assert.equal(feed.notBefore, '2025-03-01T14:05:00.000Z');
    assert.equal(feed.running, null);
    assert.equal(feed.title, 'Feed | RSS `atom` <b>feed</b>', 'JSON keeps titles raw');
    const publish = parsed.tasks[2];
    assert.deepEqual(publish?.evidence, { passed: false, summary: 'verify exited 1' });
    assert.equal(publish?.reason, 'out of attempts (3): verify exited 1');
    assert.equal(parsed.tasks[0]?.evidence?.passed, true);
  });

  it('rejects a shape that drifted', () => {
    const bad = JSON.parse(JSON.stringify(json));
    delete bad.counts.archived;
    assert.equal(StatusJson.safeParse(bad).success, false, 'every status is counted, zero or not');
    const badChild = JSON.parse(JSON.stringify(json));
    badChild.tasks[1].children[0].status = 'sleeping';
    assert.equal(StatusJson.safeParse(badChild).success, false, 'children are checked too');
  });
});
