import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentBackendsInUse, backendOf, capsText, plannerSpends, spendCapOf, spendLine, spendWarning } from '../../src/core/spend.js';
import type { TaskState } from '../../src/store/schema.js';
import { makeTask } from './fixtures.js';

// Only the worker name matters here.
const attempt = (worker: string) => ({ worker }) as TaskState['attempts'][number];

describe('backendOf', () => {
  const rows: Array<[Partial<TaskState>, string]> = [
    [{}, 'claude'],
    [{ run: 'make' }, 'shell'],
    [{ run: 'make', worker: 'codex' }, 'shell'],
    [{ worker: 'codex' }, 'codex'],
    [{ worker: 'shell' }, 'shell'],
  ];
  for (const [t, want] of rows) it(`${JSON.stringify(t)} → ${want}`, () => assert.equal(backendOf(t, 'claude'), want));
});

describe('agentBackendsInUse', () => {
  const rows: Array<{ name: string; tasks: TaskState[]; def?: string; want: string[] }> = [
    { name: 'shell tasks only', tasks: [makeTask('a', { run: 'x' }), makeTask('b', { run: 'y' })], want: [] },
    { name: 'a task without run: uses the default backend', tasks: [makeTask('a', { run: 'x' }), makeTask('b')], want: ['claude'] },
    { name: 'the default backend may be shell', tasks: [makeTask('b')], def: 'shell', want: [] },
    { name: 'worker: wins over the default', tasks: [makeTask('a', { worker: 'codex' }), makeTask('b', { worker: 'gemini' })], want: ['codex', 'gemini'] },
    { name: 'worker: shell with no run: is no agent', tasks: [makeTask('a', { worker: 'shell' })], want: [] },
    { name: 'an unknown worker cannot run, so cannot spend', tasks: [makeTask('a', { worker: 'nope' })], want: [] },
    { name: 'archived tasks never run again', tasks: [makeTask('a', { status: 'archived', attempts: [attempt('claude')] })], want: [] },
    { name: 'a ticked task without run: never runs', tasks: [makeTask('a', { status: 'done', userChecked: true })], want: [] },
    { name: 'a done task counts what it ran', tasks: [makeTask('a', { status: 'done', attempts: [attempt('opencode')] })], want: ['opencode'] },
    { name: 'a done shell task spent nothing', tasks: [makeTask('a', { status: 'done', run: 'x', attempts: [attempt('shell')] })], want: [] },
    {
      name: 'a parent runs no worker itself; its leaves do',
      tasks: [makeTask('p', { children: ['c'] }), makeTask('c', { parent: 'p', run: 'x' })],
      want: [],
    },
    { name: 'failed and blocked tasks may run again', tasks: [makeTask('a', { status: 'failed' }), makeTask('b', { status: 'blocked', worker: 'codex' })], want: ['claude', 'codex'] },
    { name: 'each backend once, sorted', tasks: [makeTask('a', { worker: 'gemini' }), makeTask('b'), makeTask('c')], want: ['claude', 'gemini'] },
  ];
  for (const r of rows) it(r.name, () => assert.deepEqual(agentBackendsInUse(r.tasks, r.def ?? 'claude'), r.want));
});

describe('plannerSpends', () => {
  const rows: Array<[string, string | undefined, boolean]> = [
    ['auto', undefined, false],
    ['auto', 'sk-ant-x', true],
    ['llm', undefined, true],
    ['rules', 'sk-ant-x', false],
  ];
  for (const [planner, key, want] of rows) {
    it(`AURA_PLANNER=${planner}, key ${key ? 'set' : 'unset'} → ${want}`, () =>
      assert.equal(plannerSpends({ AURA_PLANNER: planner as 'auto', AURA_API_KEY: key }), want));
  }
});

describe('spendCapOf and its words', () => {
  const rows: Array<{ name: string; agents: string[]; planner: boolean; usd: number; tokens: number; uncapped: string[]; line: RegExp | null }> = [
    { name: 'nothing spends: quiet', agents: [], planner: false, usd: 0, tokens: 0, uncapped: [], line: null },
    { name: 'nothing spends, caps set: still quiet', agents: [], planner: false, usd: 5, tokens: 0, uncapped: [], line: null },
    {
      name: 'claude, no caps',
      agents: ['claude'],
      planner: false,
      usd: 0,
      tokens: 0,
      uncapped: ['claude'],
      line: /^no spend cap: claude workers can spend without limit; set AURA_RUN_BUDGET_USD or AURA_RUN_TOKEN_BUDGET$/,
    },
    {
      name: 'the planner alone, no caps',
      agents: [],
      planner: true,
      usd: 0,
      tokens: 0,
      uncapped: ['planner'],
      line: /^no spend cap: the LLM planner can spend/,
    },
    {
      name: 'claude and the planner, no caps',
      agents: ['claude'],
      planner: true,
      usd: 0,
      tokens: 0,
      uncapped: ['claude', 'planner'],
      line: /^no spend cap: claude workers and the LLM planner can spend without limit/,
    },
    { name: 'claude with a USD cap', agents: ['claude'], planner: true, usd: 5, tokens: 0, uncapped: [], line: /^spend cap: \$5 for the whole run$/ },
    { name: 'claude with a token cap', agents: ['claude'], planner: false, usd: 0, tokens: 1000, uncapped: [], line: /^spend cap: 1000 tokens for the whole run$/ },
    {
      name: 'codex reports no cost: a USD cap does not bind it',
      agents: ['claude', 'codex'],
      planner: false,
      usd: 5,
      tokens: 0,
      uncapped: ['codex'],
      line: /^no spend cap for codex workers: codex workers report no cost, so AURA_RUN_BUDGET_USD does not limit them: set AURA_RUN_TOKEN_BUDGET$/,
    },
    { name: 'codex with a token cap', agents: ['codex'], planner: false, usd: 0, tokens: 10, uncapped: [], line: /^spend cap: 10 tokens/ },
    {
      name: 'custom reports nothing: no cap binds it',
      agents: ['custom'],
      planner: false,
      usd: 5,
      tokens: 10,
      uncapped: ['custom'],
      line: /^no spend cap for custom workers: custom workers report no usage, so no run budget limits them$/,
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const cap = spendCapOf({ agents: r.agents, planner: r.planner, usd: r.usd, tokens: r.tokens });
      assert.deepEqual(cap.uncapped, r.uncapped);
      assert.deepEqual(cap.spenders, [...r.agents, ...(r.planner ? ['planner'] : [])]);
      assert.equal(cap.usd, r.usd > 0 ? r.usd : null);
      assert.equal(cap.tokens, r.tokens > 0 ? r.tokens : null);
      const line = spendLine(cap);
      if (r.line === null) assert.equal(line, null);
      else assert.match(line ?? '', r.line);
      assert.equal(spendWarning(cap) !== null, r.uncapped.length > 0);
    });
  }

  it('an unknown state (null) says nothing', () => assert.equal(spendLine(null), null));
  it('capsText names both caps', () => assert.equal(capsText({ usd: 2.5, tokens: 100 }), '$2.5 and 100 tokens for the whole run'));
});
