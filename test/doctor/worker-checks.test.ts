// The doctor's safety verdicts (table-tested), and the claude login probe end to end with a stand-in
// `claude` on PATH, to see which environment it is asked with.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Check, VersionRun } from '../../src/doctor/checks.js';
import { runChecks } from '../../src/doctor/probes.js';
import { claudeAuthVerdict, spendVerdict, workerVerdict, type WorkerProbe } from '../../src/doctor/worker-checks.js';
import { projectsForThisFile, testEnv } from '../helpers/aura.js';

const project = projectsForThisFile();
const exit = (code: number, stdout: string, stderr = ''): VersionRun => ({ status: 'exit', code, stdout, stderr });
const pick = (c: Check) => [c.status, c.detail, c.fix ?? null];

describe('workerVerdict', () => {
  const base: WorkerProbe = { backend: 'claude', problem: null, install: 'npm install -g @anthropic-ai/claude-code', installed: true, permissionMode: 'bypassPermissions' };
  const rows: Array<[string, Partial<WorkerProbe>, string, RegExp, RegExp | null]> = [
    ['claude can start: says what bypassPermissions allows', {}, 'ok', /^claude \(AURA_LAYER2_BACKEND\) can start; it runs with bypassPermissions \(AURA_CLAUDE_PERMISSION_MODE\): it may change any file and run any command this user can$/, null],
    ['another permission mode is named', { permissionMode: 'acceptEdits' }, 'ok', /runs with permission mode acceptEdits \(AURA_CLAUDE_PERMISSION_MODE\)$/, null],
    ['codex: the same setting, the same powers', { backend: 'codex' }, 'ok', /^codex \(AURA_LAYER2_BACKEND\) can start; it runs with bypassPermissions/, null],
    ['not installed: the install command is the fix', { installed: false, problem: 'claude is not installed' }, 'warn', /is not installed: tasks without run: will be blocked$/, /^npm install -g @anthropic-ai\/claude-code$/],
    ['root without IS_SANDBOX: the problem in words', { problem: 'Claude Code refuses bypassPermissions … IS_SANDBOX=1' }, 'warn', /cannot start: Claude Code refuses bypassPermissions … IS_SANDBOX=1$/, /AURA_LAYER2_BACKEND/],
    ['custom without a command', { backend: 'custom', install: null, problem: 'the custom worker needs AURA_CUSTOM_WORKER_COMMAND' }, 'warn', /^custom \(AURA_LAYER2_BACKEND\) cannot start: the custom worker needs/, /./],
    ['shell: every task needs run:', { backend: 'shell' }, 'ok', /^shell \(AURA_LAYER2_BACKEND\): every task needs a run: command/, null],
  ];
  for (const [name, patch, status, detail, fix] of rows) {
    it(name, () => {
      const c = workerVerdict({ ...base, ...patch });
      assert.equal(c.id, 'worker');
      assert.equal(c.status, status);
      assert.match(c.detail, detail);
      if (fix) assert.match(c.fix ?? '', fix);
      else assert.equal(c.fix, undefined);
    });
  }
});

describe('claudeAuthVerdict', () => {
  const out = (o: object) => JSON.stringify({ apiProvider: 'firstParty', ...o });
  const rows: Array<[string, VersionRun, boolean, [string, RegExp, RegExp | null]]> = [
    ['an API key', exit(0, out({ loggedIn: true, authMethod: 'api_key', apiKeySource: 'ANTHROPIC_API_KEY' })), false, ['ok', /^logged in \(ANTHROPIC_API_KEY\)/, null]],
    ['a claude.ai login', exit(0, out({ loggedIn: true, authMethod: 'claude.ai' })), false, ['ok', /^logged in \(claude\.ai\)/, null]],
    ['not logged in (claude exits 1 but still prints the JSON)', exit(1, out({ loggedIn: false, authMethod: 'none' })), false, ['warn', /^not logged in and no ANTHROPIC_API_KEY: claude workers would fail$/, /claude auth login.*ANTHROPIC_API_KEY/]],
    ['not logged in, with the planner key set: says it is not the workers\' key', exit(1, out({ loggedIn: false })), true, ['warn', /AURA_API_KEY is the planner's key and never reaches workers$/, /ANTHROPIC_API_KEY/]],
    ['an older claude without auth status', exit(1, '', "error: unknown command 'auth'"), false, ['warn', /^could not tell \(claude auth status: exit 1: error: unknown command 'auth'\)$/, /claude auth login/]],
    ['no answer', { status: 'timeout' }, false, ['warn', /no answer within 10 s/, /./]],
  ];
  for (const [name, run, auraKeySet, [status, detail, fix]] of rows) {
    it(name, () => {
      const [s, d, f] = pick(claudeAuthVerdict({ run, auraKeySet }));
      assert.equal(s, status);
      assert.match(d as string, detail);
      if (fix) assert.match(f as string, fix);
      else assert.equal(f, null);
    });
  }
});

describe('spendVerdict', () => {
  const rows: Array<[string, Parameters<typeof spendVerdict>[0], string, RegExp, RegExp | null]> = [
    ['claude, no caps', { agent: 'claude', planner: false, usd: 0, tokens: 0 }, 'warn', /^no spend cap: claude workers can spend without limit/, /AURA_RUN_BUDGET_USD=5/],
    ['claude with a cap', { agent: 'claude', planner: true, usd: 5, tokens: 0 }, 'ok', /^spend cap: \$5 for the whole run$/, null],
    ['shell and rules: nothing spends', { agent: null, planner: false, usd: 0, tokens: 0 }, 'ok', /^nothing spends/, null],
    ['codex with a USD cap only', { agent: 'codex', planner: false, usd: 5, tokens: 0 }, 'warn', /codex workers report no cost/, /AURA_RUN_TOKEN_BUDGET/],
    ['custom: nothing aura can cap', { agent: 'custom', planner: false, usd: 5, tokens: 5 }, 'warn', /custom workers report no usage/, /custom command itself/],
  ];
  for (const [name, probe, status, detail, fix] of rows) {
    it(name, () => {
      const c = spendVerdict(probe);
      assert.equal(c.id, 'spend');
      assert.equal(c.status, status);
      assert.match(c.detail, detail);
      if (fix) assert.match(c.fix ?? '', fix);
      else assert.equal(c.fix, undefined);
    });
  }
});

describe('the claude login probe (a stand-in claude on PATH)', () => {
  /** A `claude` that answers --version, and `auth status` with what it was given. */
  function fakeClaude(): string {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-fake-claude-'));
    const script = [
      '#!/bin/sh',
      'if [ "$1" = "--version" ]; then echo "2.1.329 (Claude Code)"; exit 0; fi',
      'if [ "$1" = "auth" ] && [ "$2" = "status" ]; then',
      '  if [ -n "$AURA_API_KEY" ]; then echo "AURA_API_KEY leaked" >&2; exit 3; fi',
      '  if [ -n "$ANTHROPIC_API_KEY" ]; then echo \'{"loggedIn":true,"authMethod":"api_key","apiKeySource":"ANTHROPIC_API_KEY"}\'; exit 0; fi',
      '  echo \'{"loggedIn":false,"authMethod":"none"}\'; exit 1',
      'fi',
      'exit 2',
    ].join('\n');
    writeFileSync(path.join(bin, 'claude'), `${script}\n`);
    chmodSync(path.join(bin, 'claude'), 0o755);
    return bin;
  }

  it('asks with the worker environment: the planner key never reaches it, ANTHROPIC_API_KEY does', async () => {
    const p = project();
    const bin = fakeClaude();
    const env = (extra: Record<string, string>) => testEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, AURA_API_KEY: 'sk-planner', AURA_PLANNER: 'rules', ...extra });
    const ctx = (extra: Record<string, string>) => ({ projectDir: p.dir, env: env(extra), homeDir: os.tmpdir(), cwd: p.dir, uid: 1000 });
    const only = (id: string) => id === 'auth.claude' || id === 'worker';
    const out = await runChecks(ctx({}), only);
    assert.deepEqual(out.map((c) => c.id), ['worker', 'auth.claude']);
    assert.deepEqual(pick(out[1]!), ['warn', "not logged in and no ANTHROPIC_API_KEY: claude workers would fail; AURA_API_KEY is the planner's key and never reaches workers", out[1]!.fix ?? null]);
    const withKey = await runChecks(ctx({ ANTHROPIC_API_KEY: 'sk-worker' }), only);
    assert.equal(withKey[1]!.status, 'ok', withKey[1]!.detail);
    assert.equal(withKey[0]!.status, 'ok', withKey[0]!.detail);
    assert.match(withKey[0]!.detail, /bypassPermissions/);
  });
});
