// Issue 2's acceptance, end to end: the real CLI, real worker processes, real files.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, runAura, startDaemon, testEnv, waitFor, projectsForThisFile } from '../helpers/aura.js';

const project = projectsForThisFile();

describe('the example mission', () => {
  test('runs to a verified finish and progress.md shows every task with its evidence', async () => {
    const p = project();
    cpSync(path.join(REPO, 'tasks', 'example_mission.md'), p.file('example_mission.md'));
    cpSync(path.join(REPO, 'tasks', 'example'), p.file('example'), { recursive: true });
    const r = await runAura(['example_mission.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const st = p.state();
    const ids = ['corpus', 'counts', 'top', 'stats', 'report'];
    for (const id of ids) {
      assert.equal(st.tasks[id]?.status, 'done', `${id}: ${st.tasks[id]?.reason}`);
      const ev = st.tasks[id]?.attempts.at(-1)?.evidence;
      assert.ok(ev?.passed, `${id} has passing evidence`);
    }
    assert.ok(st.doneAt);
    const progress = p.progress();
    for (const f of ['out/corpus.txt', 'out/counts.json', 'out/top.md', 'out/stats.json', 'out/report.md']) {
      assert.ok(progress.includes(f), `progress.md names ${f}`);
      assert.ok(readFileSync(p.file(f)).length > 0);
    }
    assert.match(progress, /verify passed/);
    assert.match(progress, /Final report: \[\.\.\/summaries\/final-report\.md\]/);
    assert.match(p.read('.aura/summaries/final-report.md'), /Word-frequency|word-frequency/);
    for (const id of ids) assert.match(p.read(`.aura/summaries/${id}.md`), /verified/);
    const log = p.read('.aura/logs/aura.log').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    assert.ok(log.some((e) => /goal done/.test(e.msg)), 'the run is in .aura/logs/aura.log');
    assert.match(progress, /\*\*Done\*\*/);
    // The two analyses ran side by side: both started before either was verified.
    const j = p.journal();
    const seq = (task: string, to: string) => j.find((e) => e.task === task && e.to === to)?.seq ?? Infinity;
    assert.ok(seq('stats', 'running') < seq('top', 'done') && seq('top', 'running') < seq('stats', 'done'), 'top and stats overlapped');
    assert.ok(seq('counts', 'running') > seq('corpus', 'done'), 'counts waited for corpus');
    assert.ok(seq('report', 'running') > Math.max(seq('top', 'done'), seq('stats', 'done')), 'report waited for top and stats');
  });
});

describe('the evidence gate', () => {
  test('exit 0 without the declared artifact is not done: retried, then failed, with the reason recorded', async () => {
    const p = project({
      'task.md': ['# Make a file', '', '- [ ] Write the output', '  - id: out', '  - run: `echo "I did it, trust me"`', '  - produces: `result.txt`', ''].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_MAX_ATTEMPTS: '2' }) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.out!;
    assert.equal(t.status, 'failed');
    assert.equal(t.attempts.length, 2, 'retried once, then failed');
    assert.match(t.reason, /result\.txt: missing/);
    for (const a of t.attempts) {
      assert.equal(a.exitCode, 0);
      assert.equal(a.evidence?.passed, false);
    }
    const j = p.journal();
    assert.ok(j.some((e) => e.task === 'out' && e.to === 'pending' && /retry/.test(e.msg)), 'the retry is journaled');
    assert.ok(j.some((e) => e.task === 'out' && e.to === 'failed' && /result\.txt: missing/.test(e.msg)), 'the failure reason is journaled');
    assert.match(p.progress(), /result\.txt/);
    assert.match(p.progress(), /missing/);
  });

  test('an artifact left over from before the attempt does not count', async () => {
    const p = project({
      'task.md': ['# Stale', '', '- [ ] Produce', '  - id: prod', '  - run: `true`', '  - produces: `old.txt`', ''].join('\n'),
      'old.txt': 'from yesterday\n',
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_MAX_ATTEMPTS: '1' }) });
    assert.equal(r.code, 1);
    assert.match(p.state().tasks.prod!.reason, /not written during this attempt/);
  });

  test('a failing verify keeps the task from done', async () => {
    const p = project({
      'task.md': ['# Verify', '', '- [ ] Produce', '  - id: v', '  - run: `echo hi > a.txt`', '  - produces: `a.txt`', '  - verify: `grep -q bye a.txt`', ''].join('\n'),
    });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ AURA_MAX_ATTEMPTS: '1' }) });
    assert.equal(r.code, 1);
    const t = p.state().tasks.v!;
    assert.equal(t.status, 'failed');
    assert.equal(t.attempts[0]?.evidence?.verify?.exitCode, 1);
    assert.match(t.reason, /verify failed/);
  });
});

describe('bad inputs', () => {
  const cases: Array<[string, Record<string, string>, string[], RegExp, Record<string, string>?]> = [
    ['a missing task file', {}, ['nope.md'], /nope\.md/],
    ['an empty task file', { 'task.md': '' }, ['task.md'], /empty/i],
    ['a binary task file', { 'task.md': 'PK\u0003\u0004\u0000\u0000binary' }, ['task.md'], /binary/i],
    ['a task file without a heading', { 'task.md': 'just words\n- [ ] a task\n' }, ['task.md'], /heading/i],
    ['an invalid config value', { 'task.md': '# Goal\n' }, ['task.md'], /AURA_CYCLE_INTERVAL=soon/, { AURA_CYCLE_INTERVAL: 'soon' }],
    ['an invalid flag value', { 'task.md': '# Goal\n' }, ['task.md', '--max-concurrent', 'many'], /AURA_MAX_CONCURRENT_TASKS/],
  ];
  for (const [name, files, args, message, env] of cases) {
    test(`${name}: a clear message, exit 2, nothing written`, async () => {
      const p = project(files);
      const r = await runAura(args, { cwd: p.dir, env: testEnv(env) });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(p.exists('.aura'), false, '.aura must not be created');
    });
  }

  test('a non-UTF-8 task file is refused with exit 2', async () => {
    const p = project();
    writeFileSync(p.file('task.md'), Buffer.from([0x23, 0x20, 0x47, 0x6f, 0x61, 0x6c, 0x0a, 0xff, 0xfe, 0x41, 0x0a]));
    const r = await runAura(['task.md'], { cwd: p.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UTF-8/);
    assert.equal(p.exists('.aura'), false);
  });

  test('a task whose agent CLI is not installed is blocked with the install command', async () => {
    const p = project({ 'task.md': '# Write a poem about rivers\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv({ PATH: '/nonexistent' }) });
    assert.equal(r.code, 1);
    const [t] = Object.values(p.state().tasks);
    assert.equal(t?.status, 'blocked');
    assert.match(t!.reason, /claude is not installed.*npm i(nstall)? -g @anthropic-ai\/claude-code/);
  });
});

describe('one daemon per project', () => {
  test('a second start refuses and names the running daemon', async () => {
    const p = project({ 'task.md': '# Wait\n\n- [ ] Sleep\n  - run: `sleep 30`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('the first daemon to start its worker', () => p.state().tasks.sleep?.status === 'running');
      const r = await runAura(['start', 'task.md'], { cwd: p.dir });
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, new RegExp(`PID ${d.child.pid}`));
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });
});
