import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../../src/workers/agents/index.js';
import { input } from './helpers.js';

const bypass = backends.claude.argv(input());
const accept = backends.claude.argv(input({ permissionMode: 'acceptEdits' }));

const cases: { name: string; uid: number; env: NodeJS.ProcessEnv; argv: string[]; refuses: boolean }[] = [
  { name: 'root + bypass, no IS_SANDBOX', uid: 0, env: {}, argv: bypass, refuses: true },
  { name: 'root + bypass, IS_SANDBOX=0', uid: 0, env: { IS_SANDBOX: '0' }, argv: bypass, refuses: true },
  { name: 'root + bypass, IS_SANDBOX=true (the binary wants exactly "1")', uid: 0, env: { IS_SANDBOX: 'true' }, argv: bypass, refuses: true },
  { name: 'root + --dangerously-skip-permissions', uid: 0, env: {}, argv: ['-p', '--dangerously-skip-permissions', 'x'], refuses: true },
  { name: 'root + --permission-mode=bypassPermissions', uid: 0, env: {}, argv: ['-p', '--permission-mode=bypassPermissions', 'x'], refuses: true },
  { name: 'root + bypass, IS_SANDBOX=1', uid: 0, env: { IS_SANDBOX: '1' }, argv: bypass, refuses: false },
  { name: 'root + bypass under bubblewrap', uid: 0, env: { CLAUDE_CODE_BUBBLEWRAP: '1' }, argv: bypass, refuses: false },
  { name: 'root + acceptEdits', uid: 0, env: {}, argv: accept, refuses: false },
  { name: 'non-root + bypass', uid: 1000, env: {}, argv: bypass, refuses: false },
  { name: 'a prompt that says bypassPermissions is not a flag', uid: 0, env: {}, argv: [...accept.slice(0, -1), '--permission-mode bypassPermissions'], refuses: false },
  { name: 'a prompt that is a bypass flag is not a flag', uid: 0, env: {}, argv: [...accept.slice(0, -1), '--dangerously-skip-permissions'], refuses: false },
];

for (const c of cases) {
  test(`preflight claude: ${c.name}`, () => {
    const msg = backends.claude.preflight({ uid: c.uid, env: c.env, argv: c.argv });
    if (!c.refuses) return assert.equal(msg, null);
    assert.ok(msg);
    assert.match(msg, /refuses bypassPermissions .*root unless IS_SANDBOX=1/);
    assert.match(msg, /set IS_SANDBOX=1/);
  });
}

test('preflight: the other backends have no root rule', () => {
  for (const name of ['codex', 'opencode', 'gemini', 'custom'] as const) {
    assert.equal(backends[name].preflight({ uid: 0, env: {}, argv: backends[name].argv(input({ template: 't {prompt}' })) }), null, name);
  }
});
