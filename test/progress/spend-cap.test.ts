// The spend cap in the three views: progress.md, `aura status` and `aura status --json`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spendCapOf } from '../../src/core/spend.js';
import { loadProgressTemplate } from '../../src/progress/load-template.js';
import { renderMarkdown } from '../../src/progress/markdown.js';
import { StatusJson, statusJson } from '../../src/progress/status-json.js';
import { LINE_MAX, renderStatusText } from '../../src/progress/terminal.js';
import { buildView } from '../../src/progress/view.js';
import type { SpendCap } from '../../src/store/schema.js';
import { DAEMON, fixtureInput, fixtureState, NOW } from './fixture.js';

const TEMPLATE = loadProgressTemplate();

function views(spendCap: SpendCap | undefined) {
  const state = { ...fixtureState(), ...(spendCap ? { spendCap } : {}) };
  const view = buildView(fixtureInput({ state }));
  const json = StatusJson.parse(JSON.parse(JSON.stringify(statusJson(state, DAEMON, NOW))));
  return { md: renderMarkdown(view, TEMPLATE), text: renderStatusText(view), json };
}

describe('the spend cap in progress.md and aura status', () => {
  it('no cap with claude and the planner: a warning near the top of each view', () => {
    const cap = spendCapOf({ agents: ['claude'], planner: true, usd: 0, tokens: 0 });
    const { md, text, json } = views(cap);
    const warning = '> ⚠ **No spend cap**: claude workers and the LLM planner can spend without limit; set `AURA_RUN_BUDGET_USD` or `AURA_RUN_TOKEN_BUDGET`';
    assert.ok(md.includes(`\n${warning}\n`), md);
    assert.ok(md.indexOf(warning) < md.indexOf('## Tasks'), 'before the task list');
    // Wrapped to the line width, before the daemon line.
    const unwrapped = text.replace(/\n {2}(?=\S)/g, ' ');
    assert.match(unwrapped, /\n⚠ no spend cap: claude workers and the LLM planner can spend without limit; set AURA_RUN_BUDGET_USD or AURA_RUN_TOKEN_BUDGET\ndaemon pid/);
    for (const line of text.split('\n')) assert.ok(Array.from(line).length <= LINE_MAX, line);
    assert.deepEqual(json.spendCap, {
      usd: null,
      tokens: null,
      spenders: ['claude', 'planner'],
      uncapped: ['claude', 'planner'],
      warning: 'no spend cap: claude workers and the LLM planner can spend without limit; set AURA_RUN_BUDGET_USD or AURA_RUN_TOKEN_BUDGET',
    });
  });

  it('a cap in force is said plainly, without a warning', () => {
    const { md, text, json } = views(spendCapOf({ agents: ['claude'], planner: false, usd: 5, tokens: 0 }));
    assert.match(md, /^_Spend cap: \$5 for the whole run_$/m);
    assert.doesNotMatch(md, /no spend cap/i);
    assert.match(text, /^spend cap: \$5 for the whole run$/m);
    assert.deepEqual(json.spendCap, { usd: 5, tokens: null, spenders: ['claude'], uncapped: [], warning: null });
  });

  it('a pure shell run with the rules planner says nothing about spending', () => {
    const { md, text, json } = views(spendCapOf({ agents: [], planner: false, usd: 0, tokens: 0 }));
    assert.doesNotMatch(md, /spend cap/i);
    assert.doesNotMatch(text, /spend cap/i);
    assert.deepEqual(json.spendCap, { usd: null, tokens: null, spenders: [], uncapped: [], warning: null });
  });

  it('a state saved before spend caps were recorded: nothing shown, null in JSON', () => {
    const { md, text, json } = views(undefined);
    assert.doesNotMatch(md, /spend cap/i);
    assert.doesNotMatch(text, /spend cap/i);
    assert.equal(json.spendCap, null);
  });
});
