import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deniedName, pathProblem, resolveInProject } from '../../src/planner/confine.js';

const HINT = 'give a path relative to the project root';
const DOTDOT = (raw: string) => `${JSON.stringify(raw)} contains "..", which is not allowed (even when it stays inside); ${HINT}, without ".."`;
const OUTSIDE = (raw: string) => `${JSON.stringify(raw)} is outside the project; ${HINT}`;
const WINDOWS = (raw: string) => `${JSON.stringify(raw)} is a Windows-style path; ${HINT}, with "/" between names`;
const TILDE = (raw: string) =>
  `${JSON.stringify(raw)} starts with "~", which is not expanded (home directories are outside the project); ${HINT}`;
const VIA_LINK = (raw: string) => `${JSON.stringify(raw)} leads outside the project through a symlink; only files inside the project can be used`;
const LOOP = (raw: string) => `${JSON.stringify(raw)} goes through a symlink loop; ${HINT} that names a real file`;
const AURA = "is aura's own directory (.aura); aura gives you the run's state, journal and worker outputs itself";
const ENV = 'is an environment file (.env, .env.*, .envrc) that may hold secrets';
const CONFIG = 'is a configuration file (config.env) that may hold keys';
const DENIED_IN = (raw: string, segment: string, why: string) =>
  `${JSON.stringify(raw)} is not available to file tools: ${JSON.stringify(segment)} ${why}`;
const DENIED_SELF = (raw: string, why: string) => `${JSON.stringify(raw)} ${why}; file tools cannot use it`;

// base/proj is the project; base/proj-evil is a sibling whose name starts with the project's.
let base = '';
let proj = '';
before(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'aura-confine-')));
  proj = path.join(base, 'proj');
  for (const d of ['src', '.aura/state', 'sub', '.git']) mkdirSync(path.join(proj, d), { recursive: true });
  mkdirSync(path.join(base, 'proj-evil'));
  writeFileSync(path.join(base, 'proj-evil', 'secret.txt'), 'evil');
  writeFileSync(path.join(proj, 'src', 'a.ts'), 'export {};\n');
  writeFileSync(path.join(proj, '.aura', 'state', 'state.json'), '{}');
  for (const f of ['.env', 'sub/.env', '.env.local', 'config.env']) writeFileSync(path.join(proj, f), 'KEY=1');
  const link = (target: string, name: string) => symlinkSync(target, path.join(proj, name));
  link('/etc', 'to-etc');
  link('../proj-evil', 'mid');
  link('loop', 'loop');
  link('loopb', 'loopa');
  link('loopa', 'loopb');
  link('/nonexistent-aura-confine-test/x', 'dangling-out');
  link('.env', 'notes');
  link('.aura/state', 'st');
  link('src', 'inner');
  link('missing-dir', 'dangling-in');
  symlinkSync(proj, path.join(base, 'projlink'));
});
after(() => rmSync(base, { recursive: true, force: true }));

describe('resolveInProject: the escape corpus is refused', () => {
  const rows: Array<{ raw: () => string; message: (raw: string) => string }> = [
    { raw: () => '../x', message: DOTDOT },
    { raw: () => 'a/../../x', message: DOTDOT },
    { raw: () => 'A1./../../escaped', message: DOTDOT },
    { raw: () => './src/../src/a.ts', message: DOTDOT },
    { raw: () => 'src/..', message: DOTDOT },
    { raw: () => '/etc/passwd', message: OUTSIDE },
    { raw: () => '/proc/self/environ', message: OUTSIDE },
    { raw: () => '/', message: OUTSIDE },
    { raw: () => `${proj}-evil/secret.txt`, message: OUTSIDE },
    { raw: () => `${proj}-evil`, message: OUTSIDE },
    { raw: () => 'to-etc/passwd', message: VIA_LINK },
    { raw: () => 'to-etc', message: VIA_LINK },
    { raw: () => 'mid/secret.txt', message: VIA_LINK },
    { raw: () => 'mid/not-yet-there.txt', message: VIA_LINK },
    { raw: () => 'dangling-out', message: VIA_LINK },
    { raw: () => 'dangling-out/deeper', message: VIA_LINK },
    { raw: () => 'loop', message: LOOP },
    { raw: () => 'loopa/x', message: LOOP },
    { raw: () => '.aura/state/state.json', message: (r) => DENIED_IN(r, '.aura', AURA) },
    { raw: () => '.aura', message: (r) => DENIED_SELF(r, AURA) },
    { raw: () => '.AURA/x', message: (r) => DENIED_IN(r, '.AURA', AURA) },
    { raw: () => `${proj}/.aura/state/state.json`, message: (r) => DENIED_IN(r, '.aura', AURA) },
    { raw: () => 'sub/.env', message: (r) => DENIED_IN(r, '.env', ENV) },
    { raw: () => '.env', message: (r) => DENIED_SELF(r, ENV) },
    { raw: () => './.Env', message: (r) => DENIED_SELF(r, ENV) },
    { raw: () => '.env.local', message: (r) => DENIED_SELF(r, ENV) },
    { raw: () => 'config.env', message: (r) => DENIED_SELF(r, CONFIG) },
    { raw: () => 'deploy/Config.ENV', message: (r) => DENIED_IN(r, 'Config.ENV', CONFIG) },
    { raw: () => '.git/config', message: (r) => DENIED_IN(r, '.git', "is git's internal data (.git)") },
    { raw: () => 'keys/id_rsa', message: (r) => DENIED_IN(r, 'id_rsa', 'looks like a private key (id_rsa*, *.pem, *.key)') },
    { raw: () => 'tls/server.pem', message: (r) => DENIED_IN(r, 'server.pem', 'looks like a private key (id_rsa*, *.pem, *.key)') },
    { raw: () => 'server.KEY', message: (r) => DENIED_SELF(r, 'looks like a private key (id_rsa*, *.pem, *.key)') },
    { raw: () => '.npmrc', message: (r) => DENIED_SELF(r, 'is a credentials file (.npmrc, .netrc, .pypirc, .git-credentials)') },
    { raw: () => 'home/.netrc', message: (r) => DENIED_IN(r, '.netrc', 'is a credentials file (.npmrc, .netrc, .pypirc, .git-credentials)') },
    {
      raw: () => 'notes',
      message: (r) => `${JSON.stringify(r)} leads through a symlink to ".env", which is not available to file tools: ".env" ${ENV}`,
    },
    {
      raw: () => 'st/state.json',
      message: (r) => `${JSON.stringify(r)} leads through a symlink to ".aura/state/state.json", which is not available to file tools: ".aura" ${AURA}`,
    },
    { raw: () => '~/.ssh/id_rsa', message: TILDE },
    { raw: () => '~', message: TILDE },
    { raw: () => 'C:\\x', message: WINDOWS },
    { raw: () => 'C:/x', message: WINDOWS },
    { raw: () => '\\\\server\\share', message: WINDOWS },
    { raw: () => '..\\..\\x', message: WINDOWS },
    { raw: () => 'src/a.ts\0.png', message: (r) => `${JSON.stringify(r)} contains a NUL byte; ${HINT}` },
    { raw: () => '', message: () => `the path is empty; ${HINT} ("." for the root)` },
    { raw: () => '   ', message: () => `the path is empty; ${HINT} ("." for the root)` },
  ];
  for (const row of rows) {
    it(`refuses ${JSON.stringify(row.raw()).replace(base, '<tmp>')}`, async () => {
      const raw = row.raw();
      assert.deepEqual(await resolveInProject(proj, raw), { ok: false, message: row.message(raw) });
    });
  }
});

describe('resolveInProject: accepted paths', () => {
  const rows: Array<{ raw: () => string; rel: string }> = [
    { raw: () => '.', rel: '.' },
    { raw: () => './', rel: '.' },
    { raw: () => 'src/a.ts', rel: 'src/a.ts' },
    { raw: () => './src/a.ts', rel: 'src/a.ts' },
    { raw: () => 'src//a.ts', rel: 'src/a.ts' },
    { raw: () => 'src/', rel: 'src' },
    { raw: () => `${proj}/src/a.ts`, rel: 'src/a.ts' },
    { raw: () => proj, rel: '.' },
    { raw: () => 'inner/a.ts', rel: 'src/a.ts' },
    { raw: () => 'new/not/yet.txt', rel: 'new/not/yet.txt' },
    { raw: () => 'dangling-in/x', rel: 'missing-dir/x' },
    { raw: () => 'src/a.ts/x', rel: 'src/a.ts/x' },
    { raw: () => '%2e%2e/x', rel: '%2e%2e/x' },
    { raw: () => '..foo', rel: '..foo' },
    { raw: () => 'a..b/c...', rel: 'a..b/c...' },
    { raw: () => 'src/~backup', rel: 'src/~backup' },
    { raw: () => '.environment', rel: '.environment' },
    { raw: () => 'docs/aura.md', rel: 'docs/aura.md' },
    { raw: () => 'src/keys.ts', rel: 'src/keys.ts' },
    { raw: () => 'aura/state.json', rel: 'aura/state.json' },
  ];
  for (const row of rows) {
    it(`accepts ${JSON.stringify(row.raw()).replace(base, '<tmp>')} as ${JSON.stringify(row.rel)}`, async () => {
      const r = await resolveInProject(proj, row.raw());
      assert.deepEqual(r, { ok: true, rel: row.rel, abs: row.rel === '.' ? proj : path.join(proj, row.rel) });
    });
  }

  it('takes the project named through a symlink, and absolute paths in either spelling', async () => {
    const link = path.join(base, 'projlink');
    const want = { ok: true, rel: 'src/a.ts', abs: path.join(proj, 'src/a.ts') };
    assert.deepEqual(await resolveInProject(link, 'src/a.ts'), want);
    assert.deepEqual(await resolveInProject(link, `${link}/src/a.ts`), want);
    assert.deepEqual(await resolveInProject(link, `${proj}/src/a.ts`), want);
    assert.deepEqual(await resolveInProject(link, `${link}-x/a`), { ok: false, message: OUTSIDE(`${link}-x/a`) });
  });

  it('refuses when the project itself does not exist', async () => {
    const r = await resolveInProject(path.join(base, 'nope'), 'a');
    assert.deepEqual(r, { ok: false, message: 'the project directory cannot be resolved (ENOENT)' });
  });
});

describe('pathProblem (text only, no disk)', () => {
  const rows: Array<{ raw: string; project?: string; problem: string | null }> = [
    { raw: 'out/report.md', problem: null },
    { raw: './out/', problem: null },
    { raw: '%2e%2e/x', problem: null },
    { raw: '../x', problem: DOTDOT('../x') },
    { raw: 'out/../../x', problem: DOTDOT('out/../../x') },
    { raw: '/tmp/p/out.txt', problem: `"/tmp/p/out.txt" is an absolute path; ${HINT}` },
    { raw: '/tmp/p/out.txt', project: '/tmp/p', problem: null },
    { raw: '/tmp/p', project: '/tmp/p/', problem: null },
    { raw: '/tmp/p-evil/x', project: '/tmp/p', problem: OUTSIDE('/tmp/p-evil/x') },
    { raw: '/tmp/p/.aura/x', project: '/tmp/p', problem: DENIED_IN('/tmp/p/.aura/x', '.aura', AURA) },
    { raw: '.aura/worker/out.txt', problem: DENIED_IN('.aura/worker/out.txt', '.aura', AURA) },
    { raw: 'a/.ENV.production', problem: DENIED_IN('a/.ENV.production', '.ENV.production', ENV) },
    { raw: '~/x', problem: TILDE('~/x') },
    { raw: 'D:\\out', problem: WINDOWS('D:\\out') },
    { raw: '', problem: `the path is empty; ${HINT} ("." for the root)` },
  ];
  for (const row of rows) {
    it(`${JSON.stringify(row.raw)}${row.project ? ` in ${row.project}` : ''} → ${row.problem === null ? 'fine' : 'refused'}`, () => {
      assert.equal(pathProblem(row.raw, row.project), row.problem);
    });
  }
});

describe('deniedName', () => {
  const denied = ['.aura', '.Aura', '.git', '.env', '.env.local', '.env.example', '.envrc', 'config.env', 'CONFIG.ENV', 'id_rsa', 'id_rsa.pub', 'id_ed25519', 'cert.pem', 'tls.key', '.npmrc', '.netrc', '.ssh', '.git-credentials', '.pypirc'];
  const allowed = ['.aurarc', 'aura', '.gitignore', '.github', '.environment', 'env', 'config.envx', 'my-config.env.ts', 'keys.ts', 'pem', 'id_card.txt', 'npmrc'];
  for (const n of denied) it(`denies ${n}`, () => assert.notEqual(deniedName(n), null));
  for (const n of allowed) it(`allows ${n}`, () => assert.equal(deniedName(n), null));
});
