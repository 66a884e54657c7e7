// Config and flags: every key with wrong types and out-of-range values, from every source. In
// process for all keys (fast), then a random sample through the real CLI: exit 2, one message
// naming the key, nothing written, never a stack trace.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/load.js';
import { parseSetting, SETTING_KEYS } from '../../src/config/schema.js';
import { AuraError } from '../../src/util/errors.js';
import { auraRun, crashed, short, tempDir, rmrf, type Ctx, type FaultKind } from './common.js';

const WRONG = [
  'abc', '-1', '-0', '0', '1e3', '0x10', 'NaN', 'Infinity', '-Infinity', '99999999999999999999', '1.5', '.5', '5.', 'true', 'yes',
  '[]', '{}', 'null', '\u0000', '10 s', '10s', '5m', ' 7 ', '+3', '--1', '1,2', 'http://', 'ftp://x', 'claude,codex', 'goal_done,,',
  'nope', 'x'.repeat(5000), '\u202e1', '１２', '3\n4', '$(touch /tmp/aura-pwned)', '`id`',
];

/** In process: each key × each wrong value, plus fast-check strings; only BAD_CONFIG naming the key may come out. */
function inProcess(ctx: Ctx): number {
  const home = tempDir('aura-torture-home-');
  const project = tempDir('aura-torture-proj-');
  let n = 0;
  try {
    const extra = fc.sample(fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.double().map(String), fc.bigInt().map(String)), { seed: ctx.rand.int(0, 2 ** 31 - 1), numRuns: 40 });
    for (const key of SETTING_KEYS) {
      for (const raw of [...WRONG, ...extra]) {
        n += 1;
        const expectOk = raw.trim() === '' || parseSetting(key, raw).ok;
        try {
          const c = loadConfig({ projectDir: project, env: { [key]: raw }, homeDir: home, flags: {} });
          if (!expectOk) ctx.violate(`${key}=${JSON.stringify(raw).slice(0, 60)} was accepted though parseSetting refuses it`);
          const v = (c.config as Record<string, unknown>)[key];
          if (typeof v === 'number' && !Number.isFinite(v)) ctx.violate(`${key}=${JSON.stringify(raw).slice(0, 60)} gave a non-finite number ${v}`);
        } catch (err) {
          if (!(err instanceof AuraError) || err.code !== 'BAD_CONFIG') {
            ctx.violate(`${key}=${JSON.stringify(raw).slice(0, 60)}: loadConfig threw ${err instanceof Error ? err.stack : String(err)}`);
          } else if (!err.message.includes(key)) ctx.violate(`${key}=${JSON.stringify(raw).slice(0, 60)}: the error does not name the key: ${err.message}`);
          else if (expectOk) ctx.violate(`${key}=${JSON.stringify(raw).slice(0, 60)}: refused though parseSetting accepts it: ${err.message}`);
        }
      }
    }
  } finally {
    rmrf(home);
    rmrf(project);
  }
  return n;
}

const TASKS = '# Config\n\n- [ ] One\n  - id: one\n  - run: `echo 1 > one.txt`\n  - produces: `one.txt`\n';

type Source = 'flag' | 'env' | '.env' | 'config.env';

/** Bad flags: exit 2 with a message, nothing written. */
const BAD_FLAGS: string[][] = [
  ['--interval', 'abc'], ['--interval', '-5'], ['--interval', '0'], ['--interval', '1e9'], ['--max-concurrent', '0'], ['--max-concurrent', '1.5'],
  ['--max-concurrent', 'many'], ['--backend', 'nope'], ['--set', 'NOEQUALS'], ['--set', '=1'], ['--set', 'AURA_MAX_ATTEMPTS=0'], ['--bogus-flag'],
  ['--project'], ['--set'],
];

const configFuzz: FaultKind = {
  name: 'config-fuzz',
  family: 'config',
  what: `every setting (${SETTING_KEYS.length} keys) with wrong types and out-of-range values, in process and through flags, env, .env and ~/.aura/config.env`,
  timeoutMs: 180_000,
  async run(ctx) {
    const { rand } = ctx;
    ctx.note(`${inProcess(ctx)} key/value pairs in process`);
    for (let i = 0; i < 4; i++) {
      const key = rand.pick(SETTING_KEYS);
      const bad = WRONG.filter((w) => w.trim() !== '' && !w.includes('\u0000') && !w.includes('\n') && !parseSetting(key, w).ok);
      if (bad.length === 0) continue;
      const raw = rand.pick(bad);
      const source = rand.pick<Source>(['flag', 'env', '.env', 'config.env']);
      const p = ctx.project({ 'task.md': TASKS });
      const env = ctx.env();
      // The test environment sets a few keys itself (AURA_RETRY_BACKOFF_SECONDS=0 …); a file's bad
      // value under an environment override is rightly only a warning, so fuzz the key alone.
      delete env[key];
      const args = ['task.md', '--exit-when-done'];
      if (source === 'flag') args.push('--set', `${key}=${raw}`);
      else if (source === 'env') env[key] = raw;
      else if (source === '.env') p.write('.env', `${key}=${JSON.stringify(raw)}\n`);
      else {
        mkdirSync(path.join(env.HOME!, '.aura'), { recursive: true, mode: 0o700 });
        writeFileSync(path.join(env.HOME!, '.aura', 'config.env'), `${key}=${JSON.stringify(raw)}\n`, { mode: 0o600 });
      }
      const r = await auraRun(args, { cwd: p.dir, env, timeoutMs: 20_000 });
      const what = `${key}=${JSON.stringify(raw).slice(0, 40)} from ${source}`;
      ctx.note(`${what}: exit ${r.code}`);
      if (r.code !== 2) ctx.violate(`${what}: exit ${r.code}, expected 2:\n${short(r, 600)}`);
      if (!(r.stdout + r.stderr).includes(key)) ctx.violate(`${what}: the message does not name ${key}:\n${short(r, 600)}`);
      if (p.exists('.aura')) ctx.violate(`${what}: .aura was written despite the bad setting`);
      const trace = crashed(r.stdout + r.stderr);
      if (trace) ctx.violate(`${what}: stack trace: ${trace}`);
    }
    for (const flags of [rand.pick(BAD_FLAGS), rand.pick(BAD_FLAGS)]) {
      const p = ctx.project({ 'task.md': TASKS });
      const r = await auraRun(['task.md', '--exit-when-done', ...flags], { cwd: p.dir, env: ctx.env(), timeoutMs: 20_000 });
      ctx.note(`${flags.join(' ')}: exit ${r.code}`);
      if (r.code !== 2) ctx.violate(`flags ${flags.join(' ')}: exit ${r.code}, expected 2:\n${short(r, 600)}`);
      if (p.exists('.aura')) ctx.violate(`flags ${flags.join(' ')}: .aura was written`);
      const trace = crashed(r.stdout + r.stderr);
      if (trace) ctx.violate(`flags ${flags.join(' ')}: stack trace: ${trace}`);
    }
  },
};

export const CONFIG_FAULTS: FaultKind[] = [configFuzz];
