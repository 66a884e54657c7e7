// `aura setup`: value handling (unit) and the command end to end with a temp HOME.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseEnvText } from '../../src/config/envfile.js';
import { quoteEnvValue, renderEnvFile, validateValues, valuesFromFlags } from '../../src/doctor/setup.js';
import type { SettingKey } from '../../src/config/schema.js';
import { AURA_BIN, runAura, type RunResult, testEnv } from '../helpers/aura.js';

/** `aura setup …` through the built CLI (npm test builds first), from a neutral directory. */
function setup(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return runAura(['setup', ...args], { cwd: os.tmpdir(), env, timeoutMs: 60_000 });
}

const configFile = (env: NodeJS.ProcessEnv) => path.join(env.HOME!, '.aura', 'config.env');
const readValues = (env: NodeJS.ProcessEnv) => parseEnvText(readFileSync(configFile(env), 'utf8'), 'config.env').values;
const modeOf = (p: string) => statSync(p).mode & 0o777;

const KEY = 'sk-ant-api03-abcdefghijklmnop';

// ── a fake API ──
let server: http.Server;
let baseUrl = '';
before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers['x-api-key'] === KEY) res.writeHead(200).end('{"input_tokens":3}');
      else res.writeHead(401).end('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

describe('setup values', () => {
  it('flags map to their keys; --set adds any setting; dedicated flags win', () => {
    const v = valuesFromFlags({ apiKey: 'k1', baseUrl: 'http://x', model: 'm', backend: 'codex', set: ['AURA_MAX_ATTEMPTS=5', 'AURA_LAYER2_BACKEND=gemini', 'AURA_TASK_BUDGET=a=b'] });
    assert.deepEqual(Object.fromEntries(v), {
      AURA_MAX_ATTEMPTS: '5',
      AURA_LAYER2_BACKEND: 'codex',
      AURA_TASK_BUDGET: 'a=b',
      AURA_API_KEY: 'k1',
      AURA_API_BASE_URL: 'http://x',
      AURA_API_MODEL: 'm',
    });
    assert.deepEqual(Object.fromEntries(valuesFromFlags({})), {});
    assert.throws(() => valuesFromFlags({ set: ['AURA_MAX_ATTEMPT=5'] }), /unknown setting AURA_MAX_ATTEMPT; did you mean AURA_MAX_ATTEMPTS\?/);
    assert.throws(() => valuesFromFlags({ set: ['novalue'] }), /KEY=VALUE/);
  });

  it('validation names every bad key and masks secrets', () => {
    const bad = new Map<SettingKey, string>([
      ['AURA_LAYER2_BACKEND', 'nope'],
      ['AURA_MAX_ATTEMPTS', '0'],
      ['AURA_API_KEY', 'has space in it, secret'],
      ['AURA_CYCLE_INTERVAL', '60'],
    ]);
    assert.throws(
      () => validateValues(bad),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'BAD_CONFIG');
        assert.match(err.message, /3 invalid settings/);
        assert.match(err.message, /AURA_LAYER2_BACKEND=nope: expected/);
        assert.match(err.message, /AURA_MAX_ATTEMPTS=0/);
        assert.doesNotMatch(err.message, /secret/);
        return true;
      },
    );
    assert.doesNotThrow(() => validateValues(new Map([['AURA_CYCLE_INTERVAL', '60']])));
    assert.throws(() => validateValues(new Map([['AURA_AGENT_MODEL', 'a\nAURA_X=1']])), /line break/);
  });

  it('written values read back unchanged', () => {
    for (const v of ['plain', 'https://api.example.com/x', 'has space', "it's", 'a#b', 'q"uote', `both'"`, '']) {
      const text = `K=${quoteEnvValue(v)}\n`;
      assert.equal(parseEnvText(text, 'f').values.K, v, `${v} → ${text}`);
    }
    const text = renderEnvFile(new Map<SettingKey, string>([['AURA_API_MODEL', 'claude x'], ['AURA_API_KEY', KEY]]));
    assert.deepEqual(parseEnvText(text, 'f').values, { AURA_API_KEY: KEY, AURA_API_MODEL: 'claude x' });
  });
});

describe('aura setup (command)', () => {
  it('non-interactive: writes a 0600 file (0700 directory) with exactly the keys given', async () => {
    const env = testEnv();
    const r = await setup(['--non-interactive', '--api-key', KEY, '--backend', 'codex', '--set', 'AURA_MAX_ATTEMPTS=5', '--no-test'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(readValues(env), { AURA_API_KEY: KEY, AURA_LAYER2_BACKEND: 'codex', AURA_MAX_ATTEMPTS: '5' });
    assert.equal(modeOf(configFile(env)), 0o600);
    assert.equal(modeOf(path.dirname(configFile(env))), 0o700);
    assert.match(r.stdout, /wrote ~\/\.aura\/config\.env \(AURA_API_KEY, AURA_MAX_ATTEMPTS, AURA_LAYER2_BACKEND\)/);
    assert.match(r.stdout, /API check skipped/);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(KEY));
  });

  it('refuses to overwrite without --force (exit 2, file unchanged); overwrites with --force', async () => {
    const env = testEnv();
    mkdirSync(path.dirname(configFile(env)), { recursive: true });
    writeFileSync(configFile(env), 'AURA_CYCLE_INTERVAL=60\n', { mode: 0o644 });
    const refused = await setup(['--non-interactive', '--backend', 'gemini'], env);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /already exists/);
    assert.match(refused.stderr, /--force/);
    assert.equal(readFileSync(configFile(env), 'utf8'), 'AURA_CYCLE_INTERVAL=60\n');

    const forced = await setup(['--non-interactive', '--force', '--backend', 'gemini'], env);
    assert.equal(forced.code, 0, forced.stdout + forced.stderr);
    assert.deepEqual(readValues(env), { AURA_LAYER2_BACKEND: 'gemini' });
    assert.equal(modeOf(configFile(env)), 0o600, 'the replaced file is 0600 too');
  });

  it('a bad value: exit 2 naming the key, nothing written', async () => {
    const env = testEnv();
    const r = await setup(['--non-interactive', '--backend', 'nope', '--set', 'AURA_MAX_ATTEMPTS=5'], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /AURA_LAYER2_BACKEND=nope: expected/);
    assert.equal(existsSync(configFile(env)), false);

    const unknown = await setup(['--non-interactive', '--set', 'AURA_NOPE=1'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown setting AURA_NOPE/);
    assert.equal(existsSync(configFile(env)), false);

    const nothing = await setup(['--non-interactive'], env);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to write/);
    assert.equal(existsSync(path.dirname(configFile(env))), false);
  });

  it('tests the API key at the end: accepted → 0; refused → 1 with the file still written', async () => {
    const good = testEnv();
    const ok = await setup(['--api-key', KEY, '--base-url', baseUrl], good);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /API check: ok: reachable, key accepted/);

    const bad = testEnv();
    const refused = await setup(['--api-key', 'sk-ant-wrong-key-123456', '--base-url', baseUrl, '--model', 'claude-x'], bad);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /API check: fail: key refused \(HTTP 401/);
    assert.match(refused.stdout, /written all the same/);
    assert.deepEqual(readValues(bad), { AURA_API_KEY: 'sk-ant-wrong-key-123456', AURA_API_BASE_URL: baseUrl, AURA_API_MODEL: 'claude-x' });
  });
});

// util-linux `script` gives the command a pseudo-terminal; without it this test is skipped.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('aura setup (interactive, through a pseudo-terminal)', { skip: !hasScript && 'util-linux script(1) not found' }, () => {
  it('prompts with defaults, does not echo the key, re-asks a bad value, writes only what changed', async () => {
    const env = testEnv();
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const cmd = [process.execPath, AURA_BIN, 'setup', '--no-test'].map(quote).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: os.tmpdir(), env, stdio: ['pipe', 'pipe', 'pipe'] });
    const typed = 'sk-ant-typed-secret-98765';
    const answers: [string, string][] = [
      ['API key', `${typed}\r`],
      ['API base URL [https://api.anthropic.com]', '\r'],
      ['Planner model [claude-sonnet-5-5]', 'claude-opus-4\r'],
      ['Worker backend', 'nope\r'],
      ['Worker backend', 'codex\r'],
    ];
    let out = '';
    let from = 0;
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const a = answers[0];
      if (!a) return;
      const i = out.indexOf(a[0], from);
      const end = i < 0 ? -1 : out.indexOf(']: ', i);
      if (end < 0) return;
      from = end;
      answers.shift();
      child.stdin.write(a[1]);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    clearTimeout(timer);
    assert.equal(code, 0, out);
    assert.equal(answers.length, 0, `unanswered prompts; output:\n${out}`);
    assert.doesNotMatch(out, new RegExp(typed), 'the key is not echoed');
    assert.match(out, /AURA_LAYER2_BACKEND: expected one of/);
    assert.deepEqual(readValues(env), { AURA_API_KEY: typed, AURA_API_MODEL: 'claude-opus-4', AURA_LAYER2_BACKEND: 'codex' });
    assert.equal(modeOf(configFile(env)), 0o600);
  });
});
