import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AuraError } from '../../src/util/errors.js';
import { defaultConfig, parseSetting, SETTING_KEYS, SETTINGS, type SettingKey, settingOf } from '../../src/config/schema.js';
import { load, thrown } from './helpers.js';

describe('SETTINGS', () => {
  test('every key starts with AURA_ and has a one-sentence description, a group and accepted-values text', () => {
    for (const key of SETTING_KEYS) {
      const s = settingOf(key);
      assert.match(key, /^AURA_[A-Z0-9_]+$/);
      assert.match(s.description, /^[A-Z].*\.$/, key);
      // One sentence: no full stop followed by a new sentence inside.
      assert.doesNotMatch(s.description.slice(0, -1), /\.\s+[A-Z]/, key);
      assert.ok(s.accepts.length > 0, key);
      assert.ok(['api', 'loop', 'workers', 'watchdog', 'slurm', 'notify', 'dashboard'].includes(s.group), key);
    }
  });

  test('every setting is enforced: none says it waits for a later version', () => {
    for (const key of SETTING_KEYS) assert.doesNotMatch(settingOf(key).description, /enforced once|not built yet|planned/i, key);
  });

  test('every default is itself accepted by its own type', () => {
    for (const key of SETTING_KEYS) {
      const d = settingOf(key).default;
      if (d === undefined) continue;
      const r = parseSetting(key, Array.isArray(d) ? d.join(',') : String(d));
      assert.ok(r.ok, `${key} default ${String(d)}`);
      assert.deepEqual(r.value, d, key);
    }
  });

  test('the defaults the brief asks for', () => {
    const c = defaultConfig();
    assert.equal(c.AURA_API_KEY, undefined);
    assert.equal(c.AURA_API_BASE_URL, 'https://api.anthropic.com');
    assert.equal(c.AURA_API_MODEL, 'claude-sonnet-5-5');
    assert.equal(c.AURA_API_MAX_TOKENS, 4096);
    assert.equal(c.AURA_API_TIMEOUT, 120);
    assert.equal(c.AURA_CYCLE_INTERVAL, 300);
    assert.equal(c.AURA_MAX_CONCURRENT_TASKS, 2);
    assert.equal(c.AURA_LAYER2_BACKEND, 'claude');
    assert.equal(c.AURA_TASK_BUDGET, 30);
    assert.equal(c.AURA_MAX_TURNS, 50);
    assert.equal(c.AURA_MAX_ATTEMPTS, 3);
    assert.equal(c.AURA_RETRY_BACKOFF_SECONDS, 10);
    assert.equal(c.AURA_RETRY_BACKOFF_MAX_SECONDS, 600);
    assert.equal(c.AURA_KILL_GRACE_SECONDS, 10);
    assert.equal(c.AURA_VERIFY_TIMEOUT, 600);
    assert.equal(c.AURA_TASKFILE_DEBOUNCE_MS, 100);
    assert.equal(c.AURA_LEAVE_WORKERS_ON_EXIT, false);
    assert.equal(c.AURA_WORKER_RESOURCE_GUARD, true);
    assert.equal(c.AURA_WORKER_RESOURCE_VIOLATION_STRIKES, 3);
    assert.equal(c.AURA_WORKER_RESOURCE_POLL_SECONDS, 5);
    assert.equal(c.AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS, 30);
    assert.equal(c.AURA_WORKER_CUDA_VISIBLE_DEVICES, undefined);
    assert.equal(SETTINGS.AURA_API_KEY.secret, true);
  });
});

// Per key: a value of the wrong type, a value of the right type but out of range (or not allowed),
// and a valid value with what it parses to. Record<SettingKey, …> makes a new setting fail to compile
// until it has a row here.
const CASES: Record<SettingKey, { wrong: string; outOfRange: string; valid: [string, unknown] }> = {
  AURA_API_KEY: { wrong: 'sk-ant has spaces', outOfRange: 'sk-ant-\tTAB-inside-xyz', valid: ['sk-ant-abcdefghijkl', 'sk-ant-abcdefghijkl'] },
  AURA_API_BASE_URL: { wrong: 'not a url', outOfRange: 'ftp://example.com', valid: ['http://localhost:8080/v1', 'http://localhost:8080/v1'] },
  AURA_API_MODEL: { wrong: 'claude sonnet', outOfRange: 'a b c', valid: ['claude-opus-4', 'claude-opus-4'] },
  AURA_API_MAX_TOKENS: { wrong: 'lots', outOfRange: '64001', valid: ['64000', 64000] },
  AURA_API_TIMEOUT: { wrong: '2m', outOfRange: '0', valid: ['0.5', 0.5] },
  AURA_PLANNER: { wrong: '1', outOfRange: 'gpt', valid: ['rules', 'rules'] },
  AURA_API_AUTH_HEADER: { wrong: '0', outOfRange: 'basic', valid: ['x-api-key', 'x-api-key'] },
  AURA_API_MAX_RETRIES: { wrong: 'some', outOfRange: '11', valid: ['0', 0] },
  AURA_API_MAX_ROUNDS: { wrong: 'many', outOfRange: '0', valid: ['50', 50] },
  AURA_API_FAILURES_FOR_SAFE_MODE: { wrong: 'x', outOfRange: '0', valid: ['1', 1] },
  AURA_API_SAFE_MODE_RETRY_SECONDS: { wrong: '1m', outOfRange: '0', valid: ['86400', 86400] },
  AURA_API_INPUT_USD_PER_MTOK: { wrong: '$3', outOfRange: '-1', valid: ['0', 0] },
  AURA_API_OUTPUT_USD_PER_MTOK: { wrong: 'free', outOfRange: '-0.5', valid: ['15.5', 15.5] },
  AURA_DEEP_REFLECTION_INTERVAL: { wrong: 'often', outOfRange: '10001', valid: ['0', 0] },
  AURA_MEMORY_MAX_CHARS: { wrong: 'big', outOfRange: '499', valid: ['500', 500] },
  AURA_CYCLE_INTERVAL: { wrong: 'abc', outOfRange: '86401', valid: ['1', 1] },
  AURA_MAX_CONCURRENT_TASKS: { wrong: '2.5', outOfRange: '65', valid: ['64', 64] },
  AURA_LAYER2_BACKEND: { wrong: '42', outOfRange: 'copilot', valid: ['Codex', 'codex'] },
  AURA_TASK_BUDGET: { wrong: '30min', outOfRange: '10081', valid: ['10080', 10080] },
  AURA_MAX_TURNS: { wrong: 'many', outOfRange: '0', valid: ['10000', 10000] },
  AURA_MAX_ATTEMPTS: { wrong: 'three', outOfRange: '101', valid: ['1', 1] },
  AURA_RETRY_BACKOFF_SECONDS: { wrong: '10s', outOfRange: '-1', valid: ['0', 0] },
  AURA_RETRY_BACKOFF_MAX_SECONDS: { wrong: 'Infinity', outOfRange: '-0.5', valid: ['1.5', 1.5] },
  AURA_KILL_GRACE_SECONDS: { wrong: '0x10', outOfRange: '601', valid: ['600', 600] },
  AURA_VERIFY_TIMEOUT: { wrong: '1e3', outOfRange: '-5', valid: ['+7', 7] },
  AURA_ARTIFACT_HASH_MAX_MB: { wrong: 'lots', outOfRange: '-1', valid: ['0', 0] },
  AURA_TASKFILE_DEBOUNCE_MS: { wrong: '100ms', outOfRange: '10001', valid: ['0', 0] },
  AURA_LEAVE_WORKERS_ON_EXIT: { wrong: 'maybe', outOfRange: '2', valid: ['YES', true] },
  AURA_RUNNER_STANDBY: { wrong: 'sometimes', outOfRange: '3', valid: ['no', false] },
  AURA_WORKTREES: { wrong: '1', outOfRange: 'always', valid: ['ON', 'on'] },
  AURA_MERGE: { wrong: '1', outOfRange: 'squash', valid: ['Branch', 'branch'] },
  AURA_WORKTREE_COPY: { wrong: '.env, .npmrc', outOfRange: ',', valid: ['.env,config/local.json', '.env,config/local.json'] },
  AURA_WORKTREE_LINK: { wrong: 'node modules', outOfRange: 'a,,b', valid: ['node_modules,.venv', 'node_modules,.venv'] },
  AURA_WORKER_RESOURCE_GUARD: { wrong: 'enabled?', outOfRange: '-1', valid: ['off', false] },
  AURA_WORKER_CGROUP_SCOPES: { wrong: '2', outOfRange: 'maybe', valid: ['yes', true] },
  AURA_NOTIFY_WEBHOOK_URL: { wrong: 'hooks.example', outOfRange: 'ftp://hooks.example/x', valid: ['http://127.0.0.1:9/hook', 'http://127.0.0.1:9/hook'] },
  AURA_NOTIFY_COMMAND: { wrong: 'say\nhi', outOfRange: 'y'.repeat(4001), valid: ['notify-me --urgent', 'notify-me --urgent'] },
  AURA_NOTIFY_DESKTOP: { wrong: 'loud', outOfRange: '2', valid: ['on', true] },
  AURA_NOTIFY_EVENTS: { wrong: 'everything', outOfRange: 'goal_done,task_exploded', valid: ['Goal_Done, task_failed', ['goal_done', 'task_failed']] },
  AURA_NOTIFY_WEBHOOK_EVENTS: { wrong: 'all', outOfRange: 'task_failed,nope', valid: ['task_failed', ['task_failed']] },
  AURA_NOTIFY_DESKTOP_EVENTS: { wrong: 'all', outOfRange: 'nope', valid: ['goal_done', ['goal_done']] },
  AURA_NOTIFY_COMMAND_EVENTS: { wrong: 'all', outOfRange: 'nope', valid: ['budget_reached,safe_mode', ['budget_reached', 'safe_mode']] },
  AURA_HTTP_PORT: { wrong: 'http', outOfRange: '65536', valid: ['0', 0] },
  AURA_HTTP_HOST: { wrong: 'a b', outOfRange: 'http://127.0.0.1/', valid: [' ::1 ', '::1'] },
  AURA_WORKER_MAX_CPU_PERCENT: { wrong: '50%', outOfRange: '101', valid: ['100', 100] },
  AURA_WORKER_MAX_SYSTEM_MEMORY_PERCENT: { wrong: 'half', outOfRange: '100.5', valid: ['99.5', 99.5] },
  AURA_WORKER_MAX_SYSTEM_MEMORY_GB: { wrong: '8GB', outOfRange: '-8', valid: ['8', 8] },
  AURA_WORKER_MIN_SYSTEM_MEMORY_FREE_GB: { wrong: 'two', outOfRange: '-0.1', valid: ['2.25', 2.25] },
  AURA_WORKER_MAX_GPU_UTIL_PERCENT: { wrong: 'x', outOfRange: '-1', valid: ['0', 0] },
  AURA_WORKER_MAX_GPU_MEMORY_PERCENT: { wrong: '90 %', outOfRange: '1000', valid: ['90', 90] },
  AURA_WORKER_MAX_GPU_MEMORY_GB: { wrong: '40G', outOfRange: '-40', valid: ['40', 40] },
  AURA_WORKER_MIN_GPU_MEMORY_FREE_GB: { wrong: 'none', outOfRange: '-2', valid: ['2', 2] },
  AURA_WORKER_RESOURCE_VIOLATION_STRIKES: { wrong: '3.0', outOfRange: '101', valid: ['100', 100] },
  AURA_WORKER_RESOURCE_POLL_SECONDS: { wrong: 'often', outOfRange: '0', valid: ['0.25', 0.25] },
  AURA_WORKER_RESOURCE_AVG_WINDOW_SECONDS: { wrong: '30s', outOfRange: '-30', valid: ['60', 60] },
  AURA_WORKER_CUDA_VISIBLE_DEVICES: { wrong: '0, 1', outOfRange: '0,,1', valid: ['0,1', '0,1'] },
  AURA_AGENT_MODEL: { wrong: 'claude sonnet', outOfRange: 'a b', valid: ['claude-sonnet-4-5', 'claude-sonnet-4-5'] },
  AURA_CLAUDE_PERMISSION_MODE: { wrong: '42', outOfRange: 'yolo', valid: ['acceptEdits', 'acceptEdits'] },
  AURA_TASK_BUDGET_USD: { wrong: 'ten', outOfRange: '-1', valid: ['2.5', 2.5] },
  AURA_RUN_BUDGET_USD: { wrong: '$5', outOfRange: '-0.01', valid: ['0.01', 0.01] },
  AURA_RUN_TOKEN_BUDGET: { wrong: 'many', outOfRange: '-5', valid: ['100000', 100000] },
  AURA_RUN_BUDGET_ACTION: { wrong: '1', outOfRange: 'pause', valid: ['stop', 'stop'] },
  AURA_STALL_SECONDS: { wrong: 'soon', outOfRange: '-1', valid: ['0', 0] },
  AURA_MAX_STALLS: { wrong: 'two', outOfRange: '0', valid: ['3', 3] },
  AURA_OUTPUT_CAP_MB: { wrong: 'big', outOfRange: '0', valid: ['0.5', 0.5] },
  AURA_CUSTOM_WORKER_COMMAND: { wrong: 'tool\nnext', outOfRange: 'x'.repeat(4001), valid: ['mytool --prompt {prompt}', 'mytool --prompt {prompt}'] },
  AURA_EXECUTOR: { wrong: '1', outOfRange: 'kubernetes', valid: ['SLURM', 'slurm'] },
  AURA_SLURM_PARTITION: { wrong: 'gpu long', outOfRange: 'a\tb', valid: ['gpu', 'gpu'] },
  AURA_SLURM_ACCOUNT: { wrong: 'my lab', outOfRange: 'x y', valid: ['lab-42', 'lab-42'] },
  AURA_SLURM_SBATCH_ARGS: { wrong: '--qos=long\n--x', outOfRange: 'q'.repeat(4001), valid: ['--qos=long --constraint=a100', '--qos=long --constraint=a100'] },
  AURA_SLURM_POLL_SECONDS: { wrong: '10s', outOfRange: '0', valid: ['0.5', 0.5] },
  AURA_SLURM_POLL_MAX_SECONDS: { wrong: '5m', outOfRange: '86401', valid: ['600', 600] },
  AURA_SLURM_COMMAND_TIMEOUT: { wrong: 'long', outOfRange: '601', valid: ['60', 60] },
  AURA_SLURM_MISSING_SECONDS: { wrong: '2m', outOfRange: '-1', valid: ['0', 0] },
};

describe('every key validates', () => {
  for (const key of SETTING_KEYS) {
    const c = CASES[key];
    for (const [label, raw] of [
      ['wrong-typed', c.wrong],
      ['out-of-range', c.outOfRange],
    ] as const) {
      test(`${key} rejects a ${label} value (${JSON.stringify(raw)}) naming the key and what it accepts`, () => {
        const err = thrown(() => load({ env: { [key]: raw } }));
        assert.ok(err instanceof AuraError);
        assert.equal(err.code, 'BAD_CONFIG');
        assert.match(err.message, new RegExp(`^  ${key}=.* \\(from environment\\): expected `, 'm'));
        assert.ok(err.message.includes(`expected ${settingOf(key).accepts}`), err.message);
      });
    }
    test(`${key} accepts ${JSON.stringify(c.valid[0])}`, () => {
      const { config, sources } = load({ env: { [key]: c.valid[0] } });
      assert.deepEqual(config[key], c.valid[1]);
      assert.equal(sources[key].source, 'environment');
    });
  }
});

describe('booleans', () => {
  const rows: [string, boolean][] = [
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['Yes', true], ['on', true], ['ON', true], [' true ', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['NO', false], ['off', false], ['Off', false],
  ];
  for (const [raw, expected] of rows) {
    test(`${JSON.stringify(raw)} → ${expected}`, () => {
      assert.deepEqual(parseSetting('AURA_LEAVE_WORKERS_ON_EXIT', raw), { ok: true, value: expected });
    });
  }
  for (const raw of ['y', 'n', 'enabled', 'tru', '2', 'truee']) {
    test(`${JSON.stringify(raw)} is rejected`, () => {
      assert.equal(parseSetting('AURA_WORKER_RESOURCE_GUARD', raw).ok, false);
    });
  }
});

test('the brief\'s example message, word for word', () => {
  const err = thrown(() => load({ env: { AURA_CYCLE_INTERVAL: 'abc' } }));
  assert.ok(err.message.includes('AURA_CYCLE_INTERVAL=abc (from environment): expected a whole number of seconds between 1 and 86400'), err.message);
});

test('Config is precisely typed (checked by tsc)', () => {
  const c = defaultConfig();
  const interval: number = c.AURA_CYCLE_INTERVAL;
  const key: string | undefined = c.AURA_API_KEY;
  const backend: 'claude' | 'codex' | 'opencode' | 'gemini' | 'shell' | 'custom' = c.AURA_LAYER2_BACKEND;
  const leave: boolean = c.AURA_LEAVE_WORKERS_ON_EXIT;
  const gpus: string | undefined = c.AURA_WORKER_CUDA_VISIBLE_DEVICES;
  // @ts-expect-error: numbers are numbers, not strings
  const wrong: string = c.AURA_MAX_TURNS;
  assert.deepEqual([interval, key, backend, leave, gpus, wrong], [300, undefined, 'claude', false, undefined, 50]);
});
