// The documents people read must tell the truth about the code: every setting in .env.example
// (placeholders only), every command in the README and in `aura --help`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SETTING_KEYS, SETTINGS } from '../../src/config/schema.js';
import { renderEnvExample } from '../../src/config/show.js';
import { buildProgram } from '../../src/cli/main.js';
import { auraCalls, checkMarkdown } from './cli-usage.js';
import { REPO, runAura } from '../helpers/aura.js';

const read = (f: string) => readFileSync(path.join(REPO, f), 'utf8');
const COMMANDS = ['start', 'wake', 'status', 'progress', 'stop', 'kill', 'retry', 'pause', 'resume', 'history', 'config', 'init', 'doctor', 'setup', 'summaries', 'logs', 'changelog', 'projects', 'clean-workspaces', 'dashboard'];

test('.env.example lists every setting, with placeholders only', () => {
  const text = read('.env.example');
  assert.equal(text, renderEnvExample(), '.env.example is out of date; run: npm run docs');
  for (const k of SETTING_KEYS) assert.match(text, new RegExp(`^# ${k}=`, 'm'), `${k} in .env.example`);
  for (const line of text.split('\n')) {
    assert.ok(line === '' || line.startsWith('#'), `every line is a comment: ${line}`);
    const m = /^# (AURA_[A-Z0-9_]+)=(.*)$/.exec(line);
    if (m && (SETTINGS as Record<string, { secret?: boolean }>)[m[1]!]?.secret) assert.match(m[2]!, /your-key-here/, `${m[1]} is a placeholder`);
  }
});

test('the README documents every command, and --help lists them', async () => {
  const readme = read('README.md');
  for (const c of COMMANDS) assert.ok(readme.includes(`aura ${c}`), `README mentions aura ${c}`);
  const help = await runAura(['--help'], { cwd: REPO });
  assert.equal(help.code, 0);
  for (const c of COMMANDS) assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'), `--help lists ${c}`);
  for (const c of COMMANDS) {
    const r = await runAura([c, '--help'], { cwd: REPO });
    assert.equal(r.code, 0, `${c} --help exits 0`);
    assert.match(r.stdout, /Usage: aura/);
  }
});

test('the README quick start names the commands that CI runs', () => {
  const readme = read('README.md');
  const ci = read('.ci/run');
  assert.ok(readme.includes('npm ci && npm start -- tasks/example_mission.md --exit-when-done'));
  assert.ok(readme.includes('npm test'));
  assert.ok(ci.includes('npm start -- tasks/example_mission.md --exit-when-done'), '.ci/run runs the quick start');
  assert.match(ci, /^npm test/m, '.ci/run runs the README test command');
});

test('every aura command and flag the README shows exists (checked against the real program)', () => {
  const readme = read('README.md');
  assert.ok(auraCalls(readme).length >= 40, 'the checker finds the README\'s command lines');
  assert.deepEqual(checkMarkdown(readme, buildProgram()), []);
});

test('the task files the README points people to show real commands too', () => {
  for (const f of ['templates/task.md', 'tasks/example_mission.md', 'tasks/agent-mission/task.md']) {
    assert.deepEqual(checkMarkdown(read(f), buildProgram()), [], f);
  }
});
