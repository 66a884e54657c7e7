// Routing is a table: method + path → route, 404 or 405 (with Allow).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../../src/http/errors.js';
import { route } from '../../src/http/router.js';

const ok: Array<[string, string, unknown, boolean]> = [
  ['GET', '/', { kind: 'asset', asset: 'index.html' }, false],
  ['HEAD', '/', { kind: 'asset', asset: 'index.html' }, false],
  ['GET', '/index.html', { kind: 'asset', asset: 'index.html' }, false],
  ['GET', '/assets/app.js', { kind: 'asset', asset: 'app.js' }, false],
  ['GET', '/assets/app.css', { kind: 'asset', asset: 'app.css' }, false],
  ['GET', '/api/v1/state', { kind: 'state' }, false],
  ['HEAD', '/api/v1/state', { kind: 'state' }, false],
  ['GET', '/api/v1/events', { kind: 'events' }, false],
  ['GET', '/api/v1/journal', { kind: 'journal' }, false],
  ['GET', '/api/v1/tasks/prep', { kind: 'task', id: 'prep' }, false],
  ['GET', '/api/v1/tasks/a.b_c-1', { kind: 'task', id: 'a.b_c-1' }, false],
  ['GET', '/api/v1/tasks/prep/log', { kind: 'taskLog', id: 'prep' }, false],
  ['POST', '/api/v1/refresh', { kind: 'control', cmd: 'wake' }, true],
  ['POST', '/api/v1/pause', { kind: 'control', cmd: 'pause' }, true],
  ['POST', '/api/v1/resume', { kind: 'control', cmd: 'resume' }, true],
  ['POST', '/api/v1/tasks/prep/kill', { kind: 'control', cmd: 'kill', task: 'prep' }, true],
  ['POST', '/api/v1/tasks/prep/retry', { kind: 'control', cmd: 'retry', task: 'prep' }, true],
];

for (const [method, path, want, mutation] of ok) {
  test(`route ${method} ${path}`, () => {
    assert.deepEqual(route(method, path), { route: want, mutation });
  });
}

const bad: Array<[string, string, number, string, string | undefined, RegExp]> = [
  ['GET', '/nope', 404, 'not_found', undefined, /nothing at \/nope; the dashboard is at \//],
  ['GET', '/api/v2/state', 404, 'not_found', undefined, /this daemon serves \/api\/v1/],
  ['GET', '/api', 404, 'not_found', undefined, /serves \/api\/v1/],
  ['GET', '/api/v1/stat', 404, 'not_found', undefined, /nothing at/],
  ['GET', '/api/v1/tasks/a%20b', 404, 'unknown_task', undefined, /"a b" is not a task id/],
  ['GET', '/api/v1/tasks/%E0%A4%A', 404, 'unknown_task', undefined, /is not a task id/],
  ['POST', '/api/v1/state', 405, 'method_not_allowed', 'GET, HEAD', /POST is not allowed on \/api\/v1\/state; use GET or HEAD/],
  ['DELETE', '/api/v1/tasks/x', 405, 'method_not_allowed', 'GET, HEAD', /DELETE is not allowed/],
  ['GET', '/api/v1/refresh', 405, 'method_not_allowed', 'POST', /use POST/],
  ['HEAD', '/api/v1/events', 405, 'method_not_allowed', 'GET', /use GET$/],
  ['PUT', '/api/v1/tasks/x/kill', 405, 'method_not_allowed', 'POST', /PUT is not allowed/],
  ['OPTIONS', '/', 405, 'method_not_allowed', 'GET, HEAD', /OPTIONS/],
];

for (const [method, path, status, code, allow, msg] of bad) {
  test(`route ${method} ${path} → ${status} ${code}`, () => {
    assert.throws(
      () => route(method, path),
      (err: unknown) => {
        assert.ok(err instanceof HttpError);
        assert.equal(err.status, status);
        assert.equal(err.code, code);
        assert.equal(err.headers.Allow, allow);
        assert.match(err.message, msg);
        assert.deepEqual(Object.keys(err.body.error), ['code', 'message']);
        return true;
      },
    );
  });
}
