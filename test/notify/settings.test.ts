import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ATTENTION_KINDS, NOTIFY_SETTINGS_DOC, parseKinds, selectTransports, type AttentionKind, type NotifyConfig } from '../../src/notify/index.js';
import { config } from './helpers.js';

test('selectTransports: configured transports whose list (own, else general) has the kind', () => {
  const all = config({ webhookUrl: 'http://x/', command: 'cat', desktop: true });
  const cases: Array<[string, NotifyConfig, AttentionKind, string[]]> = [
    ['nothing configured', config(), 'task_failed', []],
    ['all on, default list', all, 'goal_done', ['webhook', 'desktop', 'command']],
    ['empty string URL counts as unset', config({ webhookUrl: '', command: '' }), 'task_failed', []],
    ['general list excludes the kind', { ...all, events: ['task_failed'] }, 'goal_done', []],
    ['own list overrides the general list (adds)', { ...all, events: ['task_failed'], webhookEvents: ['goal_done'] }, 'goal_done', ['webhook']],
    ['own list overrides the general list (removes)', { ...all, commandEvents: ['safe_mode'] }, 'task_failed', ['webhook', 'desktop']],
    ['desktop own list', { ...all, desktopEvents: ['goal_done'] }, 'watchdog_kill', ['webhook', 'command']],
    ['desktop off ignores its list', { ...all, desktop: false, desktopEvents: ['goal_done'] }, 'goal_done', ['webhook', 'command']],
  ];
  for (const [name, c, kind, want] of cases) assert.deepEqual(selectTransports(c, kind), want, name);
});

test('NOTIFY_SETTINGS_DOC: every key is AURA_NOTIFY_*, described, and the events default names all six kinds', () => {
  const keys = NOTIFY_SETTINGS_DOC.map((d) => d.key);
  assert.deepEqual(keys, [
    'AURA_NOTIFY_WEBHOOK_URL',
    'AURA_NOTIFY_COMMAND',
    'AURA_NOTIFY_DESKTOP',
    'AURA_NOTIFY_EVENTS',
    'AURA_NOTIFY_WEBHOOK_EVENTS',
    'AURA_NOTIFY_DESKTOP_EVENTS',
    'AURA_NOTIFY_COMMAND_EVENTS',
  ]);
  for (const d of NOTIFY_SETTINGS_DOC) assert.match(d.description, /\.$/, d.key);
  const events = NOTIFY_SETTINGS_DOC.find((d) => d.key === 'AURA_NOTIFY_EVENTS');
  assert.deepEqual(parseKinds(events?.default ?? ''), { kinds: [...ATTENTION_KINDS], unknown: [] });
  assert.equal(NOTIFY_SETTINGS_DOC.find((d) => d.key === 'AURA_NOTIFY_WEBHOOK_URL')?.secret, true);
});
