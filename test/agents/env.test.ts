import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backends } from '../../src/workers/agents/index.js';
import { input } from './helpers.js';

const parent: NodeJS.ProcessEnv = {
  PATH: '/usr/bin',
  HOME: '/home/u',
  USER: 'u',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  CUDA_VISIBLE_DEVICES: '1',
  AURA_API_KEY: 'aura-secret',
  AURA_LAYER2_BACKEND: 'claude',
  MY_RANDOM_VAR: 'nope',
  AWS_SECRET_ACCESS_KEY: 'nope',
  GITHUB_TOKEN: 'nope',
  ANTHROPIC_API_KEY: 'sk-ant',
  ANTHROPIC_BASE_URL: 'http://proxy',
  CLAUDE_CODE_USE_BEDROCK: '0',
  IS_SANDBOX: '1',
  OPENAI_API_KEY: 'sk-oai',
  CODEX_API_KEY: 'cx',
  OPENCODE_CONFIG: '/x.json',
  XDG_CONFIG_HOME: '/home/u/.config',
  GEMINI_API_KEY: 'g',
  GOOGLE_GEMINI_BASE_URL: 'http://g',
};

const base = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'CUDA_VISIBLE_DEVICES'];
const never = ['AURA_API_KEY', 'AURA_LAYER2_BACKEND', 'MY_RANDOM_VAR', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN'];

const cases: { backend: keyof typeof backends; pass: string[]; block: string[]; set: Record<string, string> }[] = [
  {
    backend: 'claude',
    pass: ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_USE_BEDROCK', 'IS_SANDBOX'],
    block: ['OPENAI_API_KEY', 'CODEX_API_KEY', 'GEMINI_API_KEY', 'OPENCODE_CONFIG', 'XDG_CONFIG_HOME'],
    set: { CLAUDE_CODE_MAX_RETRIES: '2', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
  },
  {
    backend: 'codex',
    pass: ['OPENAI_API_KEY', 'CODEX_API_KEY'],
    block: ['ANTHROPIC_API_KEY', 'IS_SANDBOX', 'GEMINI_API_KEY', 'XDG_CONFIG_HOME'],
    set: {},
  },
  {
    backend: 'opencode',
    pass: ['OPENCODE_CONFIG', 'ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'XDG_CONFIG_HOME'],
    block: ['IS_SANDBOX', 'CODEX_API_KEY', 'GEMINI_API_KEY', 'CLAUDE_CODE_USE_BEDROCK'],
    set: { OPENCODE_DISABLE_AUTOUPDATE: '1' },
  },
  {
    backend: 'gemini',
    pass: ['GEMINI_API_KEY', 'GOOGLE_GEMINI_BASE_URL'],
    block: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'XDG_CONFIG_HOME'],
    set: { GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_CLI_NO_RELAUNCH: 'true' },
  },
  {
    backend: 'custom',
    pass: [],
    block: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'IS_SANDBOX'],
    set: {},
  },
];

for (const c of cases) {
  test(`env: ${c.backend} passes the base and its provider variables, nothing else`, () => {
    const env = backends[c.backend].env(parent, input({ template: 'tool {prompt}' }));
    for (const k of [...base, ...c.pass]) assert.equal(env[k], parent[k], `${k} should pass`);
    for (const k of [...never, ...c.block]) assert.equal(env[k], undefined, `${k} must not pass`);
    for (const [k, v] of Object.entries(c.set)) assert.equal(env[k], v, `${k} should be set`);
    const expected = new Set([...base, ...c.pass, ...Object.keys(c.set)]);
    assert.deepEqual(Object.keys(env).filter((k) => !expected.has(k)), [], 'no other variable');
  });
}

test('env: AURA_* never passes, even under a provider prefix-like name', () => {
  for (const b of Object.values(backends)) {
    const env = b.env({ AURA_ANTHROPIC_API_KEY: 'x', AURA_OPENAI_API_KEY: 'y', PATH: '/bin' }, input({ template: 't' }));
    assert.deepEqual(Object.keys(env).filter((k) => k.startsWith('AURA_')), [], b.name);
  }
});

test('env: claude keeps the user\'s own retry count, but always disables updates and extra traffic', () => {
  const env = backends.claude.env(
    { CLAUDE_CODE_MAX_RETRIES: '0', DISABLE_AUTOUPDATER: '0', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '0' },
    input(),
  );
  assert.equal(env.CLAUDE_CODE_MAX_RETRIES, '0');
  assert.equal(env.DISABLE_AUTOUPDATER, '1');
  assert.equal(env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, '1');
});
