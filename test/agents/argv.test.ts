import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../../src/workers/agents/index.js';
import { splitTemplate, expandTemplate } from '../../src/workers/agents/argv-template.js';
import type { AgentSettings } from '../../src/workers/agents/types.js';
import { input, sampleLines } from './helpers.js';

type Case = { name: string; backend: keyof typeof backends; settings?: Partial<AgentSettings>; prompt?: string; want: string[] };

const cases: Case[] = [
  {
    name: 'claude defaults: unattended stream-json, bypass, no transcript',
    backend: 'claude',
    want: ['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '30', '--permission-mode', 'bypassPermissions', '--no-session-persistence', '--', 'do the task'],
  },
  {
    name: 'claude with budget, model and another mode',
    backend: 'claude',
    settings: { maxTurns: 5, maxBudgetUsd: 0.5, model: 'opus', permissionMode: 'acceptEdits' },
    want: ['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '5', '--max-budget-usd', '0.5', '--model', 'opus', '--permission-mode', 'acceptEdits', '--no-session-persistence', '--', 'do the task'],
  },
  {
    name: 'claude: a zero budget means no cap; an empty mode means bypass',
    backend: 'claude',
    settings: { maxBudgetUsd: 0, permissionMode: '' },
    want: ['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '30', '--permission-mode', 'bypassPermissions', '--no-session-persistence', '--', 'do the task'],
  },
  {
    name: 'claude: a prompt starting with a dash stays the prompt',
    backend: 'claude',
    prompt: '--help me',
    want: ['-p', '--output-format', 'stream-json', '--verbose', '--max-turns', '30', '--permission-mode', 'bypassPermissions', '--no-session-persistence', '--', '--help me'],
  },
  {
    name: 'codex bypass → no sandbox, approvals never, project dir',
    backend: 'codex',
    want: ['exec', '--json', '--skip-git-repo-check', '--ephemeral', '--disable', 'unbounded_connection_retries', '-c', 'approval_policy="never"', '--sandbox', 'danger-full-access', '-C', '/work/proj', '--', 'do the task'],
  },
  {
    name: 'codex other modes → workspace-write, with model',
    backend: 'codex',
    settings: { permissionMode: 'acceptEdits', model: 'gpt-5' },
    want: ['exec', '--json', '--skip-git-repo-check', '--ephemeral', '--disable', 'unbounded_connection_retries', '-c', 'approval_policy="never"', '--sandbox', 'workspace-write', '-m', 'gpt-5', '-C', '/work/proj', '--', 'do the task'],
  },
  {
    name: 'codex plan → read-only',
    backend: 'codex',
    settings: { permissionMode: 'plan' },
    want: ['exec', '--json', '--skip-git-repo-check', '--ephemeral', '--disable', 'unbounded_connection_retries', '-c', 'approval_policy="never"', '--sandbox', 'read-only', '-C', '/work/proj', '--', 'do the task'],
  },
  {
    name: 'opencode bypass → --auto, with provider/model',
    backend: 'opencode',
    settings: { model: 'anthropic/claude-sonnet-4-5' },
    want: ['run', '--format', 'json', '-m', 'anthropic/claude-sonnet-4-5', '--auto', '--', 'do the task'],
  },
  {
    name: 'opencode default mode → no --auto (permission requests are rejected)',
    backend: 'opencode',
    settings: { permissionMode: 'default' },
    want: ['run', '--format', 'json', '--', 'do the task'],
  },
  {
    name: 'gemini bypass → yolo, skip trust',
    backend: 'gemini',
    want: ['-p', 'do the task', '-o', 'stream-json', '--approval-mode', 'yolo', '--skip-trust'],
  },
  {
    name: 'gemini acceptEdits → auto_edit, with model',
    backend: 'gemini',
    settings: { permissionMode: 'acceptEdits', model: 'gemini-2.5-pro' },
    want: ['-p', 'do the task', '-o', 'stream-json', '--approval-mode', 'auto_edit', '-m', 'gemini-2.5-pro', '--skip-trust'],
  },
  {
    name: 'gemini: a prompt starting with a dash is passed as --prompt=',
    backend: 'gemini',
    settings: { permissionMode: 'default' },
    prompt: '-x',
    want: ['--prompt=-x', '-o', 'stream-json', '--skip-trust'],
  },
  {
    name: 'custom: template placeholders, the prompt one argument',
    backend: 'custom',
    settings: { template: "mytool --prompt {prompt} --dir {project} --log '{attempt}/log.txt' -n {max_turns} --model={model}", model: 'm1' },
    prompt: 'fix it; rm -rf / $(x)',
    want: ['mytool', '--prompt', 'fix it; rm -rf / $(x)', '--dir', '/work/proj', '--log', '/work/proj/.aura/attempts/t1-1/log.txt', '-n', '30', '--model=m1'],
  },
];

for (const c of cases) {
  test(`argv: ${c.name}`, () => {
    assert.deepEqual(backends[c.backend].argv(input(c.settings, c.prompt)), c.want);
  });
}

test('argv: custom without a template or with a bad one says so', () => {
  assert.throws(() => backends.custom.argv(input()), /command template/);
  assert.throws(() => backends.custom.argv(input({ template: "tool 'open" })), /unterminated ' quote/);
});

test('argv: every flag claude/codex/opencode/gemini get is in their --help (--max-turns is hidden)', () => {
  const help: Record<string, string> = {
    claude: sampleLines('claude-help.txt').join('\n'),
    codex: sampleLines('codex-exec-help.txt').join('\n'),
    opencode: sampleLines('opencode-run-help.txt').join('\n'),
    gemini: sampleLines('gemini-help.txt').join('\n'),
  };
  const hidden = new Set(['--max-turns']);
  for (const name of ['claude', 'codex', 'opencode', 'gemini'] as const) {
    const argv = backends[name].argv(input({ model: 'm', maxBudgetUsd: 1 }));
    const flags = argv.slice(0, argv.indexOf('--') >= 0 ? argv.indexOf('--') : undefined).filter((a) => /^--?[a-z]/.test(a));
    for (const f of flags) {
      if (hidden.has(f)) continue;
      assert.ok(new RegExp(`(^|[\\s,])${f.replace(/[-]/g, '\\-')}\\b`, 'm').test(help[name] ?? ''), `${name}: ${f} not in --help`);
    }
  }
});

const splits: [string, string[] | RegExp][] = [
  ['a b  c', ['a', 'b', 'c']],
  ["tool 'two words' \"dq \\\"x\\\"\" ''", ['tool', 'two words', 'dq "x"', '']],
  ['tool a\\ b', ['tool', 'a b']],
  ["tool '{\"k\": 1}'", ['tool', '{"k": 1}']],
  ['   ', /empty/],
  ['tool "open', /unterminated " quote/],
];
for (const [tpl, want] of splits) {
  test(`template split: ${JSON.stringify(tpl)}`, () => {
    const r = splitTemplate(tpl);
    if (want instanceof RegExp) {
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.error, want);
    } else {
      assert.deepEqual(r, { ok: true, words: want });
    }
  });
}

test('template expand: values are never expanded again, unknown braces stay', () => {
  const v = { prompt: 'say {project}', project: '/p', attempt: '/a', model: '', max_turns: '3' };
  assert.deepEqual(expandTemplate(['{prompt}', 'x{project}y', '{other}', '{model}'], v), ['say {project}', 'x/py', '{other}', '']);
});
