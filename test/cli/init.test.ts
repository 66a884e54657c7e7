// `aura init`: the .gitignore rules (table-tested), which checks it ends with, and the command end to
// end through the built CLI in real directories and real git repositories.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checksForWorker } from '../../src/doctor/select.js';
import { gitignoreAddition, ignoresAura } from '../../src/init/gitignore.js';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { projectsForThisFile, REPO, runAura, testEnv, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();
const TEMPLATE = readFileSync(path.join(REPO, 'templates', 'task.md'), 'utf8');

/** No agent CLI on PATH (an empty directory first), so the checks are the same on every machine. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-bin-'));
  return testEnv({ PATH: `${bin}:/usr/bin:/bin`, ...extra });
}

const init = (p: Project, args: string[] = [], env = bareEnv(), cwd = p.dir) => runAura(['init', ...args], { cwd, env });

function git(dir: string, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** Whether real git ignores `rel` (a path under .aura/, which need not exist). */
const gitIgnores = (dir: string, rel: string) => git(dir, 'check-ignore', '-q', '--no-index', rel).code === 0;

describe('ignoresAura', () => {
  const rows: Array<[string, boolean]> = [
    ['', false],
    ['node_modules/\n', false],
    ['.aura/\n', true],
    ['.aura', true],
    ['/.aura/\n', true],
    ['**/.aura\n', true],
    ['.aura/*\n', true],
    ['  .aura/  \n', true],
    ['# .aura/\n', false],
    ['.aura-old/\n', false],
    ['x/.aura/\n', false],
    ['.aura/\n!.aura/\n', false],
    ['!.aura/\n.aura/\n', true],
    ['dist\r\n.aura/\r\n', true],
  ];
  for (const [text, want] of rows) it(`${JSON.stringify(text)} → ${want}`, () => assert.equal(ignoresAura(text), want));
});

describe('gitignoreAddition', () => {
  const entry = '# aura: run state, logs and worker output (added by aura init)\n.aura/\n';
  const rows: Array<[string | null, string]> = [
    [null, entry],
    ['', entry],
    ['dist/\n', `\n${entry}`],
    ['dist/', `\n\n${entry}`],
  ];
  for (const [existing, want] of rows) {
    it(`after ${JSON.stringify(existing)}`, () => {
      const add = gitignoreAddition(existing);
      assert.equal(add, want);
      assert.ok(ignoresAura((existing ?? '') + add), 'the result ignores .aura/');
    });
  }
});

describe('checksForWorker', () => {
  const rows: Array<[string, Parameters<typeof checksForWorker>[0], string[]]> = [
    ['claude, rules planner', { AURA_LAYER2_BACKEND: 'claude', AURA_PLANNER: 'auto', AURA_API_KEY: undefined }, ['node', 'config', 'agent.claude', 'worker', 'auth.claude', 'spend', 'disk']],
    ['claude, with the LLM planner', { AURA_LAYER2_BACKEND: 'claude', AURA_PLANNER: 'auto', AURA_API_KEY: 'k' }, ['node', 'config', 'agent.claude', 'worker', 'auth.claude', 'spend', 'api', 'disk']],
    ['codex', { AURA_LAYER2_BACKEND: 'codex', AURA_PLANNER: 'rules', AURA_API_KEY: 'k' }, ['node', 'config', 'agent.codex', 'worker', 'spend', 'disk']],
    ['custom (no CLI of its own)', { AURA_LAYER2_BACKEND: 'custom', AURA_PLANNER: 'llm', AURA_API_KEY: undefined }, ['node', 'config', 'worker', 'spend', 'api', 'disk']],
    ['shell', { AURA_LAYER2_BACKEND: 'shell', AURA_PLANNER: 'auto', AURA_API_KEY: undefined }, ['node', 'config', 'worker', 'spend', 'disk']],
    ['an invalid config: the config check explains', null, ['node', 'config', 'disk']],
  ];
  for (const [name, config, want] of rows) it(name, () => assert.deepEqual(checksForWorker(config), want));
});

describe('aura init (command)', () => {
  it('in a fresh directory: writes task.md from the template, touches no .gitignore, ends with the worker checks', async () => {
    const p = project();
    const r = await init(p);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('task.md'), TEMPLATE);
    assert.equal(p.exists('.gitignore'), false);
    assert.match(r.stdout, /^wrote task\.md: /m);
    assert.match(r.stdout, /not a git repository, so no \.gitignore was touched/);
    // The checks that matter for claude (the default), and only those.
    assert.match(r.stdout, /checks for the claude worker/);
    assert.match(r.stdout, /warn\s+claude\s+claude not found on PATH/);
    assert.match(r.stdout, /warn\s+spend cap\s+no spend cap: claude workers can spend without limit/);
    assert.match(r.stdout, /ok\s+node\s+v\d+/);
    assert.doesNotMatch(r.stdout, /LLM API|nvidia-smi|cgroup|inotify|daemon lock/);
    assert.match(r.stdout, /aura logs <task> -f --events/);
  });

  it('the template is a valid task file: a goal, context, two agent tasks with produces: and verify:, no comment taken for a task', () => {
    const spec = parseTaskFile(TEMPLATE, { file: 'task.md' });
    assert.deepEqual(spec.warnings, []);
    assert.equal(spec.goalOnly, false);
    assert.deepEqual(spec.tasks.map((t) => [t.id, t.run ?? null, t.produces, t.needs]), [
      ['overview', null, ['docs/OVERVIEW.md'], []],
      ['links', null, ['docs/LINKS.md'], ['overview']],
    ]);
    for (const t of spec.tasks) {
      assert.ok(t.verify, `${t.id} has verify:`);
      assert.ok(t.notes.length > 0, `${t.id} has notes for the worker`);
      assert.doesNotMatch(t.notes, /<!--/, `${t.id}: no comment in the notes`);
    }
    assert.match(TEMPLATE, /<!--[\s\S]*produces:[\s\S]*verify:[\s\S]*-->/, 'comments say what produces: and verify: do');
  });

  it('in a git repository without a .gitignore: creates one that real git honours', async () => {
    const p = project();
    assert.equal(git(p.dir, 'init', '-q').code, 0);
    const r = await init(p, ['--no-check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('.gitignore'), '# aura: run state, logs and worker output (added by aura init)\n.aura/\n');
    assert.match(r.stdout, /^created \.gitignore: \.aura\//m);
    assert.ok(gitIgnores(p.dir, '.aura/state/state.json'));
    assert.ok(!gitIgnores(p.dir, 'task.md'));
    assert.doesNotMatch(r.stdout, /checks for/, '--no-check skips the checks');
  });

  it('in a git repository with a .gitignore: appends, keeping every byte that was there', async () => {
    const p = project({ '.gitignore': 'node_modules/\n*.log' }); // no final newline
    git(p.dir, 'init', '-q');
    const r = await init(p, ['--no-check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = p.read('.gitignore');
    assert.ok(text.startsWith('node_modules/\n*.log\n'), text);
    assert.ok(text.endsWith('\n.aura/\n'), text);
    assert.match(r.stdout, /^appended to \.gitignore: \.aura\//m);
    assert.ok(gitIgnores(p.dir, '.aura/logs/aura.log'));
    assert.ok(gitIgnores(p.dir, 'x.log'), 'the old rules still work');
  });

  it('a .gitignore that already ignores .aura is left alone', async () => {
    const p = project({ '.gitignore': 'dist\n/.aura\n' });
    git(p.dir, 'init', '-q');
    const r = await init(p, ['--no-check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('.gitignore'), 'dist\n/.aura\n');
    assert.match(r.stdout, /\.gitignore already ignores \.aura\//);
  });

  it('a task file in a subdirectory of a repository: the .gitignore at the root gets the entry', async () => {
    const p = project();
    git(p.dir, 'init', '-q');
    const sub = path.join(p.dir, 'jobs', 'train');
    mkdirSync(sub, { recursive: true });
    const r = await init(p, ['task.md', '--no-check'], bareEnv(), sub);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('jobs/train/task.md'), TEMPLATE);
    assert.equal(p.exists('jobs/train/.gitignore'), false);
    assert.match(r.stdout, /created \.\.\/\.\.\/\.gitignore/);
    assert.ok(gitIgnores(p.dir, 'jobs/train/.aura/state/state.json'));
  });

  it('a directory that does not exist yet is made', async () => {
    const p = project();
    const r = await init(p, ['new/dir/job.md', '--no-check']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(p.read('new/dir/job.md'), TEMPLATE);
  });

  it('an existing task.md is never replaced without --force: exit 2, the file and the .gitignore untouched', async () => {
    const p = project({ 'task.md': '# My own goal\n\n- [ ] mine\n', '.gitignore': 'dist/\n' });
    git(p.dir, 'init', '-q');
    const r = await init(p);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^aura: task\.md already exists; aura init never replaces a file without --force$/m);
    assert.match(r.stderr, /aura init task\.md --force/);
    assert.equal(p.read('task.md'), '# My own goal\n\n- [ ] mine\n');
    assert.equal(p.read('.gitignore'), 'dist/\n');
    assert.equal(r.stdout, '');
  });

  it('--force replaces it and keeps the old one beside it, never overwriting an earlier copy', async () => {
    const p = project({ 'task.md': '# First\n' });
    const r1 = await init(p, ['--force', '--no-check']);
    assert.equal(r1.code, 0, r1.stdout + r1.stderr);
    assert.equal(p.read('task.md'), TEMPLATE);
    assert.equal(p.read('task.md.bak'), '# First\n');
    assert.match(r1.stdout, /the old one is kept as task\.md\.bak/);
    p.write('task.md', '# Second\n');
    const r2 = await init(p, ['--force', '--no-check']);
    assert.equal(r2.code, 0, r2.stdout + r2.stderr);
    assert.equal(p.read('task.md.bak'), '# First\n');
    assert.equal(p.read('task.md.bak.1'), '# Second\n');
  });

  it('a directory where the task file should be: exit 2, named', async () => {
    const p = project();
    mkdirSync(p.file('task.md'));
    const r = await init(p);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /task\.md is a directory/);
  });

  it('a directory it cannot write to: exit 2, the path named, nothing written', async () => {
    const p = project();
    // Root may write anywhere a mode allows nothing, so it gets a directory the kernel refuses (sysfs).
    const root = process.getuid?.() === 0;
    const target = root ? '/sys/aura-init-test.md' : p.file('locked/task.md');
    if (!root) {
      mkdirSync(p.file('locked'));
      chmodSync(p.file('locked'), 0o555);
    }
    const r = await init(p, [target, '--no-check']);
    if (!root) chmodSync(p.file('locked'), 0o755);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`cannot write ${target.replace(/[.]/g, '\\.')}: (permission denied|operation not permitted)`));
    assert.match(r.stderr, /nothing was written/);
    assert.match(r.stderr, /a directory you can write to/);
    assert.equal(existsSync(target), false);
  });

  it('a check that fails (an invalid setting) exits 1, with the file written', async () => {
    const p = project({ '.env': 'AURA_MAX_ATTEMPTS=0\n' });
    const r = await init(p);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(p.read('task.md'), TEMPLATE);
    assert.match(r.stdout, /fail\s+config\s+.*AURA_MAX_ATTEMPTS=0/);
  });

  it('with a spend cap and the shell backend, the checks say so', async () => {
    const p = project();
    writeFileSync(p.file('.env'), 'AURA_RUN_BUDGET_USD=5\n');
    const r = await init(p, [], bareEnv({ AURA_LAYER2_BACKEND: 'shell' }));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /checks for the shell worker/);
    assert.match(r.stdout, /ok\s+worker\s+shell \(AURA_LAYER2_BACKEND\): every task needs a run: command/);
    assert.match(r.stdout, /ok\s+spend cap\s+nothing spends/);
  });
});
