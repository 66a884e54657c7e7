// The plan survives the person: a person edits task.md while the planner's plan runs, and the run
// still ends with every task verified, in order, and nothing of it alive after exit. Real daemons,
// real workers (shell here; the real claude CLI in plan-survives-agents.test.ts).
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { startModelServer, text, type RecordedRequest, type Step } from '../fixtures/model-server/index.js';
import { pidsWithEnv, projectsForThisFile, runAura, startDaemon, testEnv, waitFor, type Project } from '../helpers/aura.js';
import { calls, deltaOf, isLaterRound, plannerEnv, readyTasks } from './planner-helpers.js';

const project = projectsForThisFile();

/** No process carrying this run's id is alive (the daemon itself never carries it). */
function assertNothingAlive(p: Project): void {
  const runId = p.state().runId;
  assert.deepEqual(pidsWithEnv(`AURA_RUN_ID=${runId}`), [], 'a process of the run outlived the daemon');
}

const APPENDED = ['', '- [ ] Add a changelog', '  - id: changelog', '  - run: `echo changes > changelog.md`', '  - produces: `changelog.md`', ''].join('\n');

/** A model that decomposes the goal into part-a, part-b and report, then starts whatever is ready. */
function plannerModel(parts: { run?: (id: string) => string; worker?: string }): Step {
  const child = (id: string, needs: string[] = []) => ({
    id,
    title: `Write ${id}`,
    acceptance: `${id}.txt exists`,
    produces: [`${id}.txt`],
    needs,
    ...(parts.run ? { run: parts.run(id) } : {}),
    ...(parts.worker ? { worker: parts.worker } : {}),
    verify: `test -s ${id}.txt`,
  });
  return (req: RecordedRequest) => {
    if (deltaOf(req).startsWith('Deep-reflection review')) return text('keep going');
    if (isLaterRound(req)) return text('ok');
    const tree = JSON.stringify(req.body);
    if (!tree.includes('part-a')) {
      return calls({
        name: 'decompose_task',
        input: {
          task_id: 'goal',
          reason: 'two parts and a report',
          children: [child('part-a'), child('part-b'), { ...child('report', ['part-a', 'part-b']), run: 'cat part-a.txt part-b.txt > report.txt' }],
        },
      });
    }
    const ready = readyTasks(req);
    if (!ready.length) return calls({ name: 'no_op', input: { reason: 'nothing ready' } });
    return calls(...ready.map((id) => ({ name: 'spawn_task', input: { task_id: id, reason: 'ready' } })));
  };
}

describe('the plan survives the person', () => {
  test('LLM planner, shell workers: a checklist appended while the planner\'s tasks run; everything verified, report last, nothing alive', async () => {
    const server = await startModelServer(Array.from({ length: 60 }, () => plannerModel({ run: (id) => `sleep 2; echo ${id} > ${id}.txt` })));
    try {
      const p = project({ 'task.md': '# Write the report\n\nTwo parts, then a report that joins them.\n' });
      const d = startDaemon(['task.md', '--exit-when-done', '--interval', '3600'], { cwd: p.dir, env: plannerEnv(server.url, { AURA_MAX_CONCURRENT_TASKS: '3' }) });
      await waitFor('both parts running', () => p.state().tasks['part-a']?.status === 'running' && p.state().tasks['part-b']?.status === 'running', 30_000);
      appendFileSync(p.file('task.md'), APPENDED);
      const r = await d.exited;
      assert.equal(r.code, 0, d.output());
      const s = p.state();
      for (const id of ['part-a', 'part-b', 'report', 'changelog', 'goal']) assert.equal(s.tasks[id]?.status, 'done', `${id}: ${s.tasks[id]?.reason}`);
      assert.equal(s.tasks['part-a']?.origin, 'planner');
      assert.equal(s.tasks['changelog']?.origin, 'taskfile');
      assert.equal(p.read('report.txt'), 'part-a\npart-b\n');
      // report ran only after both parts were verified, and the goal was done only after everything.
      const j = p.journal();
      const at = (task: string, to: string) => j.findIndex((e) => e.task === task && e.to === to);
      assert.ok(at('report', 'running') > at('part-a', 'done') && at('report', 'running') > at('part-b', 'done'));
      const goalDoneAt = j.findIndex((e) => /goal done/.test(e.msg));
      for (const id of ['part-a', 'part-b', 'report', 'changelog']) assert.ok(goalDoneAt > at(id, 'done'), `goal done before ${id}`);
      // The model was told about both: its tree had the new item beside its own tasks.
      const later = server.requests.filter((q) => JSON.stringify(q.body).includes('changelog'));
      assert.ok(later.some((q) => /part-a/.test(JSON.stringify(q.body))), 'the model saw its tasks and the new item together');
      assert.match(p.progress(), /Done/);
      assertNothingAlive(p);
    } finally {
      await server.close();
    }
  });

  test('rules planner, shell workers: an item appended while two run; all verified in order; --exit-when-done leaves nothing alive', async () => {
    const p = project({
      'task.md': [
        '# Write the report',
        '',
        '## Parts (parallel)',
        '- [ ] Part A',
        '  - id: part-a',
        '  - run: `sleep 2; echo a > part-a.txt`',
        '  - produces: `part-a.txt`',
        '- [ ] Part B',
        '  - id: part-b',
        '  - run: `sleep 2; echo b > part-b.txt`',
        '  - produces: `part-b.txt`',
        '',
        '## Then',
        '- [ ] Report',
        '  - id: report',
        '  - run: `cat part-a.txt part-b.txt > report.txt`',
        '  - produces: `report.txt`',
        '',
      ].join('\n'),
    });
    const d = startDaemon(['task.md', '--exit-when-done', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    await waitFor('both parts running', () => p.state().tasks['part-a']?.status === 'running' && p.state().tasks['part-b']?.status === 'running', 20_000);
    appendFileSync(p.file('task.md'), APPENDED);
    const r = await d.exited;
    assert.equal(r.code, 0, d.output());
    const s = p.state();
    for (const id of ['part-a', 'part-b', 'report', 'changelog', 'goal']) assert.equal(s.tasks[id]?.status, 'done', id);
    assert.equal(p.read('report.txt'), 'a\nb\n');
    assertNothingAlive(p);
  });

  test('removing the task.md item a planner subtree hangs under archives it and stops its workers', async () => {
    const model: Step = (req) => {
      if (isLaterRound(req)) return text('ok');
      const body = JSON.stringify(req.body);
      if (!body.includes('polish-1')) {
        return calls({
          name: 'decompose_task',
          input: { task_id: 'polish', reason: 'split', children: [{ id: 'polish-1', title: 'Polish one', acceptance: 'a', produces: ['p1.txt'], run: 'sleep 300' }] },
        });
      }
      const ready = readyTasks(req);
      return ready.length ? calls(...ready.map((id) => ({ name: 'spawn_task', input: { task_id: id, reason: 'ready' } }))) : calls({ name: 'no_op', input: { reason: 'wait' } });
    };
    const server = await startModelServer(Array.from({ length: 40 }, () => model));
    try {
      const keep = ['- [ ] Keep', '  - id: keep', '  - run: `sleep 600`', ''].join('\n');
      const polish = ['- [ ] Polish', '  - id: polish', '  - needs: none', '  - Make it shine.', ''].join('\n');
      const p = project({ 'task.md': `# Polish the app\n\n${keep}${polish}` });
      const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: plannerEnv(server.url, { AURA_MAX_CONCURRENT_TASKS: '3' }) });
      await waitFor('polish-1 running', () => p.state().tasks['polish-1']?.status === 'running', 30_000);
      const marker = p.state().tasks['polish-1']!.attempts.at(-1)!.marker;
      p.write('task.md', `# Polish the app\n\n${keep}`);
      await waitFor('polish-1 archived', () => p.state().tasks['polish-1']?.status === 'archived', 20_000);
      await waitFor('its worker gone', () => pidsWithEnv(`AURA_WORKER_MARKER=${marker}`).length === 0, 20_000);
      const s = p.state();
      assert.equal(s.tasks['polish']?.status, 'archived');
      assert.match(s.tasks['polish-1']!.reason, /removed with polish \(removed from task\.md\)/);
      assert.equal(s.tasks['keep']?.status, 'running', 'the other item is untouched');
      assert.ok(p.journal().some((e) => e.task === 'polish-1' && e.to === 'archived' && /removed with polish/.test(e.msg)));
      d.kill('SIGTERM');
      const r = await d.exited;
      assert.equal(r.code, 0, d.output());
      assertNothingAlive(p);
      assert.notEqual(p.state().tasks['keep']?.status, 'running', 'state.json does not claim a worker that is gone');
    } finally {
      await server.close();
    }
  });

  test('a model that answers no_op while a task is ready is asked again after a short backoff, not on every wake', async () => {
    let noOps = 0;
    const model: Step = (req) => {
      if (isLaterRound(req)) return text('ok');
      const ready = readyTasks(req);
      if (ready.length && noOps < 2) {
        noOps += 1;
        return calls({ name: 'no_op', input: { reason: 'thinking it over' } });
      }
      return ready.length ? calls(...ready.map((id) => ({ name: 'spawn_task', input: { task_id: id, reason: 'ready now' } }))) : calls({ name: 'no_op', input: { reason: 'nothing' } });
    };
    const server = await startModelServer(Array.from({ length: 30 }, () => model));
    try {
      const p = project({ 'task.md': '# Hello\n\n- [ ] Say hello\n  - id: hello\n  - run: `echo hi > hi.txt`\n  - produces: `hi.txt`\n' });
      const d = startDaemon(['task.md', '--exit-when-done', '--interval', '3600'], { cwd: p.dir, env: plannerEnv(server.url) });
      await waitFor('the first decline journaled', () => p.journal().some((e) => /could start but the planner left them waiting/.test(e.msg)), 20_000);
      const mainCalls = () => server.requests.filter((q) => q.step !== 'side' && !isLaterRound(q)).length;
      const before = mainCalls();
      // Plain wakes inside the backoff do not buy a model call.
      for (let i = 0; i < 3; i++) await runAura(['wake'], { cwd: p.dir, env: testEnv() });
      assert.equal(mainCalls(), before, 'a wake without news inside the backoff calls no model');
      // …but the daemon looks again on its own (heartbeat is an hour away), and the task runs.
      const r = await d.exited;
      assert.equal(r.code, 0, d.output());
      assert.equal(p.state().tasks['hello']?.status, 'done');
      const declines = p.journal().filter((e) => /could start but the planner left them waiting/.test(e.msg));
      assert.equal(declines.length, 2);
      assert.match(declines[0]!.msg, /asking again in 5s/);
      assert.match(declines[1]!.msg, /asking again in 10s/);
    } finally {
      await server.close();
    }
  });

  test('an ancestor-style numbered mission: a warning at start, in progress.md and status --json; the steps stay context', async () => {
    const p = project({ 'task.md': '# Harden the API\n\n## Tasks\n1. Add error handling\n2. Write tests\n<!-- note to self: ask Sam -->\n' });
    const r = await runAura(['task.md', '--once', '--set', 'AURA_LAYER2_BACKEND=custom'], { cwd: p.dir, env: testEnv() });
    assert.match(r.stdout + r.stderr, /numbered items on lines 4-5 are context, not tasks/);
    assert.match(r.stdout + r.stderr, /- \[ \] Add error handling/);
    assert.match(p.progress(), /\*\*task\.md:\*\* .*numbered items on lines 4-5/);
    const sj = JSON.parse((await runAura(['status', '--json'], { cwd: p.dir, env: testEnv() })).stdout) as { taskFileWarnings: string[]; tasks: { id: string }[] };
    assert.equal(sj.taskFileWarnings.length, 1);
    assert.deepEqual(sj.tasks.map((t) => t.id), ['goal'], 'the goal is the one task; the numbered steps are not tasks');
    // The author's comment reached neither the state nor the brief.
    assert.doesNotMatch(JSON.stringify(p.state()), /ask Sam/);
  });
});
