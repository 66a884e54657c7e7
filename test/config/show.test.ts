import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maskSecret } from '../../src/config/format.js';
import { renderConfig, renderConfigReference, type JsonEntry } from '../../src/config/show.js';
import { GROUPS, SETTING_KEYS, settingOf } from '../../src/config/schema.js';
import { load } from './helpers.js';

const SECRET = 'sk-ant-api03-SUPERSECRETVALUE-xyz';

describe('maskSecret', () => {
  const rows: [string, string][] = [
    [SECRET, 'sk-…yz'],
    ['abcdefghijkl', 'abc…kl'],
    ['abcdefghijk', '(set)'],
    ['x', '(set)'],
  ];
  for (const [input, expected] of rows) {
    test(`${input.length} chars → ${expected}`, () => assert.equal(maskSecret(input), expected));
  }
});

describe('renderConfig', () => {
  const { config, sources } = load({ home: `AURA_API_KEY=${SECRET}\n`, env: { AURA_CYCLE_INTERVAL: '60' } });

  test('table: one row per key plus a header, secret masked, sources shown', () => {
    const out = renderConfig(config, sources, { json: false });
    const lines = out.split('\n');
    assert.equal(lines.length, SETTING_KEYS.length + 1);
    assert.match(lines[0] ?? '', /^KEY\s+VALUE\s+SOURCE$/);
    assert.ok(!out.includes('SUPERSECRET'));
    assert.match(out, /^AURA_API_KEY\s+sk-…yz\s+~\/\.aura\/config\.env \(\/.*config\.env\)$/m);
    assert.match(out, /^AURA_CYCLE_INTERVAL\s+60\s+environment$/m);
    assert.match(out, /^AURA_MAX_TURNS\s+50\s+default$/m);
    assert.match(out, /^AURA_WORKER_CUDA_VISIBLE_DEVICES\s+\(unset\)\s+default$/m);
    assert.ok(lines.every((l) => l === l.trimEnd()), 'no trailing blanks');
  });

  test('json: {key: {value, source, default, description}}, secret masked', () => {
    const out = renderConfig(config, sources, { json: true });
    assert.ok(!out.includes('SUPERSECRET'));
    const parsed = JSON.parse(out) as Record<string, JsonEntry>;
    assert.deepEqual(Object.keys(parsed), SETTING_KEYS);
    assert.equal(parsed.AURA_API_KEY?.value, 'sk-…yz');
    assert.equal(parsed.AURA_API_KEY?.source, '~/.aura/config.env');
    assert.equal(parsed.AURA_API_KEY?.default, null);
    assert.deepEqual(parsed.AURA_CYCLE_INTERVAL, {
      value: 60,
      source: 'environment',
      detail: 'environment',
      default: 300,
      description: settingOf('AURA_CYCLE_INTERVAL').description,
    });
    assert.equal(parsed.AURA_LEAVE_WORKERS_ON_EXIT?.value, false);
    assert.equal(parsed.AURA_WORKER_CUDA_VISIBLE_DEVICES?.value, null);
  });

  test('a short secret shows only (set)', () => {
    const r = load({ env: { AURA_API_KEY: 'short' } });
    const out = renderConfig(r.config, r.sources, { json: false }) + renderConfig(r.config, r.sources, { json: true });
    assert.ok(!out.includes('short'));
    assert.match(out, /AURA_API_KEY\s+\(set\)\s+environment/);
  });
});

describe('renderConfigReference', () => {
  const md = renderConfigReference();

  test('one table per group, every key exactly once, with its default and description', () => {
    for (const title of Object.values(GROUPS)) assert.ok(md.includes(`### ${title}\n\n| Key | Default | Description |`), title);
    for (const key of SETTING_KEYS) {
      const rows = md.split('\n').filter((l) => l.startsWith(`| \`${key}\``));
      assert.equal(rows.length, 1, key);
      const d = settingOf(key).default;
      assert.ok(rows[0]?.includes(d === undefined ? '*(unset)*' : `\`${String(d)}\``), key);
    }
    assert.match(md, /\| `AURA_API_KEY` \(secret\) \| \*\(unset\)\* \|/);
    assert.match(md, /\| `AURA_CYCLE_INTERVAL` \| `300` \| Time between heartbeat wakes of the supervisor, in seconds\. \|/);
  });

  test('groups appear in order and every table row has three cells', () => {
    const order = Object.values(GROUPS).map((t) => md.indexOf(`### ${t}`));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
      assert.equal(line.replace(/\\\|/g, '').split('|').length, 5, line);
    }
  });
});
