// What `npm install -g ./aura-*.tgz` gives a user: the tarball `npm pack` makes from this checkout,
// installed with npm into a fresh prefix (the machine's global packages are not touched), then run
// from there — never from the checkout: `aura --version`, `aura init` in a real git repository, and
// the example mission to a verified finish. One pack and one install for the whole file (slow).
//
// `npm pack --ignore-scripts`: the build (prepare) already ran before the tests (pretest), and
// rebuilding dist/ here would pull files from under the tests running beside this one.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO } from '../helpers/aura.js';

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

const work = mkdtempSync(path.join(os.tmpdir(), 'aura-pack-'));
const prefix = path.join(work, 'prefix');
const home = path.join(work, 'home');
const installed = path.join(prefix, 'lib', 'node_modules', 'aura');
const bin = path.join(prefix, 'bin', 'aura');
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; scripts: Record<string, string> };
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a plain shell: no npm_* variables from `npm test`, no AURA_* settings. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|AURA_|NODE_TEST|INIT_CWD$)/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** `aura` as the user runs it after the install: from the prefix's bin, found on PATH. */
function aura(args: string[], cwd: string, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  const env = cleanEnv({ HOME: home, PATH: `${path.join(prefix, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin` });
  return new Promise((resolve, reject) => {
    const child = spawn('aura', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`aura ${args.join(' ')} timed out:\n${out}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 5 * 60_000 });
  assert.equal(r.status, 0, `npm ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let packed: PackResult;
let tarball = '';
let installMs = 0;

before(() => {
  mkdirSync(home);
  // Leftovers of a local run of the agent mission must not ship: put some there on purpose.
  const mission = path.join(REPO, 'tasks', 'agent-mission');
  const probes = [path.join(mission, '.aura', 'pack-probe'), path.join(mission, 'out', 'pack-probe')];
  const made: string[] = [];
  for (const p of probes) {
    if (existsSync(path.dirname(p))) continue; // a real run's files: leave them, and the check below still holds
    mkdirSync(path.dirname(p));
    writeFileSync(p, 'must not be packed\n');
    made.push(path.dirname(p));
  }
  try {
    packed = (JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO)) as PackResult[])[0]!;
  } finally {
    for (const d of made) rmSync(d, { recursive: true, force: true });
  }
  tarball = path.join(work, packed.filename);
  const t0 = Date.now();
  // --prefer-offline: the dependencies come from npm's cache when `npm ci` put them there.
  npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
  installMs = Date.now() - t0;
});

describe('the packed tarball', { timeout: 10 * 60_000 }, () => {
  test('holds what a user needs and nothing of the checkout', (t) => {
    t.diagnostic(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${packed.files.length} files; install ${installMs} ms`);
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'bin/aura.js', 'dist/cli/main.js', 'dist/workers/runner.js', 'dist/workers/runner-main.js', 'src/http/page/index.html', 'templates/task.md', 'templates/progress.md', 'tasks/example_mission.md', 'tasks/example/check.mjs', 'tasks/agent-mission/task.md', 'tasks/agent-mission/check.mjs']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    // The dashboard's page is served as written (plain ES modules, no build step): its folder ships.
    const stray = files.filter((f) => (/^(src|test|bench|scripts|node_modules)\//.test(f) && !f.startsWith('src/http/page/')) || f.endsWith('.map') || /(^|\/)(\.aura|out)\//.test(f));
    assert.deepEqual(stray, []);
  });

  test('builds dist on pack, and installs without devDependencies', () => {
    assert.match(pkg.scripts.prepare ?? '', /\btsc\b/, 'prepare builds dist (npm pack runs it)');
    assert.match(pkg.scripts.prepack ?? '', /rmSync\('dist'/, 'prepack clears dist first, so no stale module ships');
    const deps = readdirSync(path.join(installed, 'node_modules'));
    for (const dev of ['typescript', 'tsx', 'fast-check', '@types']) assert.ok(!deps.includes(dev), `${dev} is not installed`);
  });

  test('aura --version and --help, from the installed bin', async () => {
    const v = await aura(['--version'], work);
    assert.equal(v.code, 0, v.out);
    assert.equal(v.out.trim(), pkg.version);
    const h = await aura(['--help'], work);
    assert.equal(h.code, 0, h.out);
    assert.match(h.out, /^ {2}init\b/m);
  });

  test('aura init in a git repository: the installed template, .aura/ ignored by real git', async () => {
    const dir = path.join(work, 'project');
    mkdirSync(dir);
    assert.equal(spawnSync('git', ['init', '-q'], { cwd: dir }).status, 0);
    const r = await aura(['init'], dir);
    assert.equal(r.code, 0, r.out);
    assert.equal(readFileSync(path.join(dir, 'task.md'), 'utf8'), readFileSync(path.join(installed, 'templates', 'task.md'), 'utf8'));
    assert.match(r.out, /checks for the claude worker/);
    assert.equal(spawnSync('git', ['check-ignore', '-q', '.aura/state/state.json'], { cwd: dir }).status, 0);
  });

  test('the example mission, copied from the installed package, runs to a verified finish', async () => {
    const dir = path.join(work, 'mission');
    cpSync(path.join(installed, 'tasks'), dir, { recursive: true });
    const r = await aura(['example_mission.md', '--exit-when-done'], dir, 120_000);
    assert.equal(r.code, 0, r.out);
    assert.match(readFileSync(path.join(dir, 'out', 'report.md'), 'utf8'), /\S/);
    const s = await aura(['status', '--json'], dir);
    const json = JSON.parse(s.out) as { state: string; counts: Record<string, number> };
    assert.equal(json.state, 'done');
    assert.equal(json.counts.done, 5);
  });
});
