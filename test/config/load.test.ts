import assert from 'node:assert/strict';
import { chmodSync, mkdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { loadConfig, type Source } from '../../src/config/load.js';
import { defaultConfig, SETTING_KEYS } from '../../src/config/schema.js';
import { AuraError } from '../../src/util/errors.js';
import { load, makeDirs, thrown } from './helpers.js';

const SECRET = 'sk-ant-api03-SUPERSECRETVALUE-xyz';

test('with no sources every key has its default and source "default"', () => {
  const { config, sources, warnings } = load();
  assert.deepEqual(config, defaultConfig());
  for (const key of SETTING_KEYS) assert.deepEqual(sources[key], { source: 'default', detail: 'default' });
  assert.deepEqual(warnings, []);
});

describe('precedence: defaults < ~/.aura/config.env < .env < environment < flags', () => {
  // Which sources set AURA_CYCLE_INTERVAL (each to its own value), and who should win.
  const VALUES = { home: '11', project: '22', env: '33', flag: '44' } as const;
  const rows: { set: (keyof typeof VALUES)[]; winner: Source; value: number }[] = [
    { set: [], winner: 'default', value: 300 },
    { set: ['home'], winner: '~/.aura/config.env', value: 11 },
    { set: ['home', 'project'], winner: '.env', value: 22 },
    { set: ['project'], winner: '.env', value: 22 },
    { set: ['home', 'project', 'env'], winner: 'environment', value: 33 },
    { set: ['home', 'env'], winner: 'environment', value: 33 },
    { set: ['home', 'project', 'env', 'flag'], winner: 'flag', value: 44 },
    { set: ['home', 'flag'], winner: 'flag', value: 44 },
  ];
  for (const row of rows) {
    test(`set in [${row.set.join(', ')}] → ${row.winner}`, () => {
      const line = (k: keyof typeof VALUES) => (row.set.includes(k) ? `AURA_CYCLE_INTERVAL=${VALUES[k]}\n` : '');
      const dirs = makeDirs({ home: line('home'), project: line('project') });
      try {
        const { config, sources } = loadConfig({
          homeDir: dirs.home,
          projectDir: dirs.project,
          env: row.set.includes('env') ? { AURA_CYCLE_INTERVAL: VALUES.env } : {},
          flags: row.set.includes('flag') ? { AURA_CYCLE_INTERVAL: VALUES.flag } : {},
        });
        assert.equal(config.AURA_CYCLE_INTERVAL, row.value);
        assert.equal(sources.AURA_CYCLE_INTERVAL.source, row.winner);
        const detail = { '~/.aura/config.env': dirs.homeConfig, '.env': dirs.projectEnv }[row.winner as string] ?? row.winner;
        assert.equal(sources.AURA_CYCLE_INTERVAL.detail, detail);
      } finally {
        dirs.cleanup();
      }
    });
  }

  test('each source contributes its own keys at once', () => {
    const { config, sources } = load({
      home: 'AURA_MAX_ATTEMPTS=5\n',
      project: 'AURA_LAYER2_BACKEND=shell\n',
      env: { AURA_TASK_BUDGET: '2.5' },
      flags: { AURA_LEAVE_WORKERS_ON_EXIT: 'yes' },
    });
    assert.equal(config.AURA_MAX_ATTEMPTS, 5);
    assert.equal(config.AURA_LAYER2_BACKEND, 'shell');
    assert.equal(config.AURA_TASK_BUDGET, 2.5);
    assert.equal(config.AURA_LEAVE_WORKERS_ON_EXIT, true);
    assert.equal(sources.AURA_MAX_ATTEMPTS.source, '~/.aura/config.env');
    assert.equal(sources.AURA_LAYER2_BACKEND.source, '.env');
    assert.equal(sources.AURA_TASK_BUDGET.source, 'environment');
    assert.equal(sources.AURA_LEAVE_WORKERS_ON_EXIT.source, 'flag');
    assert.equal(sources.AURA_CYCLE_INTERVAL.source, 'default');
  });
});

describe('empty values count as unset', () => {
  const rows: { name: string; input: Parameters<typeof load>[0]; value: number; source: Source }[] = [
    { name: 'empty env value falls back to the default', input: { env: { AURA_CYCLE_INTERVAL: '' } }, value: 300, source: 'default' },
    { name: 'blank env value falls back to the default', input: { env: { AURA_CYCLE_INTERVAL: '   ' } }, value: 300, source: 'default' },
    { name: 'empty env value does not hide .env', input: { project: 'AURA_CYCLE_INTERVAL=60\n', env: { AURA_CYCLE_INTERVAL: '' } }, value: 60, source: '.env' },
    { name: 'empty .env value does not hide config.env', input: { home: 'AURA_CYCLE_INTERVAL=70\n', project: 'AURA_CYCLE_INTERVAL=\n' }, value: 70, source: '~/.aura/config.env' },
    { name: 'empty flag does not hide the environment', input: { env: { AURA_CYCLE_INTERVAL: '80' }, flags: { AURA_CYCLE_INTERVAL: '' } }, value: 80, source: 'environment' },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { config, sources, warnings } = load(row.input);
      assert.equal(config.AURA_CYCLE_INTERVAL, row.value);
      assert.equal(sources.AURA_CYCLE_INTERVAL.source, row.source);
      assert.deepEqual(warnings, []);
    });
  }
});

test('only AURA_* keys are read from the environment and the files', () => {
  const { warnings } = load({ project: 'DATABASE_URL=postgres://x\nPORT=3000\n', env: { PATH: '/bin', HOME: '/root', CYCLE_INTERVAL: 'abc' } });
  assert.deepEqual(warnings, []);
});

test('AURA_* keys used by scripts, not settings, do not warn', () => {
  assert.deepEqual(load({ env: { AURA_TEST_CONCURRENCY: '2' } }).warnings, []);
});

describe('unknown keys', () => {
  const rows: { name: string; input: Parameters<typeof load>[0]; expect: RegExp }[] = [
    { name: 'env typo gets a suggestion', input: { env: { AURA_CYCLE_INTERVALS: '5' } }, expect: /^unknown setting AURA_CYCLE_INTERVALS \(from environment\); did you mean AURA_CYCLE_INTERVAL\?$/ },
    { name: 'transposition in config.env', input: { home: 'AURA_MAX_CONCURERNT_TASKS=4\n' }, expect: /^unknown setting AURA_MAX_CONCURERNT_TASKS \(from \/.*\/home\/\.aura\/config\.env\); did you mean AURA_MAX_CONCURRENT_TASKS\?$/ },
    { name: 'lower-case key in .env', input: { project: 'aura_task_budget=5\n' }, expect: /^unknown setting aura_task_budget \(from \/.*\/project\/\.env\); did you mean AURA_TASK_BUDGET\?$/ },
    { name: 'unknown flag key', input: { flags: { AURA_VERIFY_TIMOUT: '5' } }, expect: /^unknown setting AURA_VERIFY_TIMOUT \(from flag\); did you mean AURA_VERIFY_TIMEOUT\?$/ },
    { name: 'nothing close: no suggestion', input: { env: { AURA_FROBNICATE: '1' } }, expect: /^unknown setting AURA_FROBNICATE \(from environment\)$/ },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const { warnings } = load(row.input);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', row.expect);
    });
  }
});

describe('invalid values', () => {
  test('every bad key is listed in ONE BAD_CONFIG error, with where it came from', () => {
    const err = thrown(() =>
      load({
        home: 'AURA_MAX_ATTEMPTS=0\n',
        project: 'AURA_LAYER2_BACKEND=copilot\n',
        env: { AURA_CYCLE_INTERVAL: 'abc', AURA_LEAVE_WORKERS_ON_EXIT: 'maybe' },
        flags: { AURA_TASK_BUDGET: '-1' },
      }),
    );
    assert.ok(err instanceof AuraError);
    assert.equal(err.code, 'BAD_CONFIG');
    const lines = err.message.split('\n');
    assert.equal(lines[0], '5 invalid settings:');
    assert.equal(lines.length, 6);
    assert.match(err.message, /AURA_MAX_ATTEMPTS=0 \(from \/.*config\.env\): expected a whole number of attempts between 1 and 100/);
    assert.match(err.message, /AURA_LAYER2_BACKEND=copilot \(from \/.*\.env\): expected one of claude, codex, opencode, gemini, shell, custom/);
    assert.match(err.message, /AURA_CYCLE_INTERVAL=abc \(from environment\): expected a whole number of seconds between 1 and 86400/);
    assert.match(err.message, /AURA_LEAVE_WORKERS_ON_EXIT=maybe \(from environment\): expected true or false/);
    assert.match(err.message, /AURA_TASK_BUDGET=-1 \(from flag\): expected a number of minutes greater than 0 and at most 10080/);
  });

  test('a secret value is masked in the error', () => {
    const bad = 'sk-ant-api03 SUPERSECRET-xyz';
    const err = thrown(() => load({ env: { AURA_API_KEY: bad } }));
    assert.ok(!err.message.includes('SUPERSECRET'), err.message);
    assert.ok(err.message.includes('AURA_API_KEY=sk-…yz (from environment): expected an API key without spaces'), err.message);
  });

  test('odd values are quoted so blanks are visible', () => {
    const err = thrown(() => load({ env: { AURA_API_MODEL: 'claude sonnet' } }));
    assert.ok(err.message.includes('AURA_API_MODEL="claude sonnet" (from environment)'), err.message);
  });

  test('an overridden bad value is a warning, not an error', () => {
    const { config, warnings } = load({ home: 'AURA_CYCLE_INTERVAL=soon\n', env: { AURA_CYCLE_INTERVAL: '60' } });
    assert.equal(config.AURA_CYCLE_INTERVAL, 60);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /^AURA_CYCLE_INTERVAL=soon \(from \/.*config\.env\) is invalid, expected .*; ignored because environment overrides it$/);
  });
});

describe('files', () => {
  test('quotes, comments and export prefixes are handled as node --env-file does', () => {
    const { config } = load({
      home: '# aura settings\nexport AURA_API_MODEL="claude-opus-4"  # the big one\nAURA_LAYER2_BACKEND=\'codex\'\n\nAURA_MAX_TURNS=7 # inline\n',
    });
    assert.equal(config.AURA_API_MODEL, 'claude-opus-4');
    assert.equal(config.AURA_LAYER2_BACKEND, 'codex');
    assert.equal(config.AURA_MAX_TURNS, 7);
  });

  test('a config file that cannot be read is a BAD_CONFIG error naming its path', () => {
    const dirs = makeDirs();
    try {
      mkdirSync(dirs.projectEnv); // a directory where the file should be: EISDIR, even for root
      const err = thrown(() => loadConfig({ homeDir: dirs.home, projectDir: dirs.project, env: {}, flags: {} }));
      assert.ok(err instanceof AuraError);
      assert.equal(err.code, 'BAD_CONFIG');
      assert.ok(err.message.includes(dirs.projectEnv), err.message);
    } finally {
      dirs.cleanup();
    }
  });

  test('a config.env without read permission is an error', { skip: process.getuid?.() === 0 ? 'root can read any file' : false }, () => {
    const dirs = makeDirs({ home: 'AURA_MAX_TURNS=7\n' });
    try {
      chmodSync(dirs.homeConfig, 0o000);
      const err = thrown(() => loadConfig({ homeDir: dirs.home, projectDir: dirs.project, env: {}, flags: {} }));
      assert.ok(err.message.includes(dirs.homeConfig), err.message);
    } finally {
      dirs.cleanup();
    }
  });

  const permRows: { name: string; home: string; mode: number; warns: boolean }[] = [
    { name: 'secret in a group/world-readable config.env warns', home: `AURA_API_KEY=${SECRET}\n`, mode: 0o644, warns: true },
    { name: 'secret in a group-readable config.env warns', home: `AURA_API_KEY=${SECRET}\n`, mode: 0o640, warns: true },
    { name: 'secret in a 600 config.env is fine', home: `AURA_API_KEY=${SECRET}\n`, mode: 0o600, warns: false },
    { name: 'no secret in a 644 config.env is fine', home: 'AURA_MAX_TURNS=7\n', mode: 0o644, warns: false },
  ];
  for (const row of permRows) {
    test(row.name, { skip: process.platform === 'win32' ? 'no POSIX modes' : false }, () => {
      const { warnings } = load({ home: row.home, homeMode: row.mode });
      const w = warnings.find((x) => x.includes('chmod 600'));
      assert.equal(w !== undefined, row.warns, warnings.join('\n'));
      if (w) {
        assert.match(w, /config\.env holds a secret and can be read by other users \(mode 6[04][04]\); run: chmod 600 \/.*config\.env$/);
        assert.ok(!w.includes('SUPERSECRET'));
      }
    });
  }

  test('a stray line without "=" is reported and does not swallow the next key', () => {
    const { config, warnings } = load({ project: 'oops\nAURA_MAX_TURNS=7\n' });
    assert.equal(config.AURA_MAX_TURNS, 7);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /\.env: ignored line "oops" \(no "="\)$/);
  });

  test('the secret value itself is returned untouched in config', () => {
    const { config } = load({ project: `AURA_API_KEY=${SECRET}\n` });
    assert.equal(config.AURA_API_KEY, SECRET);
  });
});

test('the source map is complete', () => {
  const { sources } = load({ env: { AURA_MAX_TURNS: '9' } });
  assert.deepEqual(Object.keys(sources).sort(), [...SETTING_KEYS].sort());
});
