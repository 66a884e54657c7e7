// The plan survives the person, with the real Claude Code CLI as the planner's workers (against the
// scripted model server): the model decomposes a goal-only task.md into part-a, part-b and report,
// two claude workers write the parts, the person appends a checklist item meanwhile, and the run ends
// with every task verified, the report after both parts, the goal done only then, and nothing alive.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureAgentClis } from '../agents/setup.mjs';
import { startModelServer, text, toolResults, toolUse, type ModelServer, type RecordedRequest } from '../fixtures/model-server/index.js';
import { pidsWithEnv, projectsForThisFile, startDaemon, waitFor } from '../helpers/aura.js';
import { calls, deltaOf, isLaterRound, plannerEnv, readyTasks } from './planner-helpers.js';

const skip = process.env.AURA_SKIP_REAL_AGENTS === '1' ? 'AURA_SKIP_REAL_AGENTS=1' : false;
const project = projectsForThisFile();
const servers: ModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('the plan survives the person (real claude workers)', { skip, timeout: 5 * 60_000 }, () => {
  let binDir = '';
  before(async () => {
    const bins = await ensureAgentClis({ log: (m: string) => process.stderr.write(`${m}\n`) });
    binDir = path.dirname(bins.claude);
  });

  test('goal-only → the model\'s three tasks; a checklist item appended while two claude workers run; all verified, in order', async () => {
    const p = project({ 'task.md': '# Write the report\n\nTwo parts written by agents, then a report that joins them.\n' });
    // The planner: decompose once, then start whatever is ready.
    const planner = await startModelServer(
      Array.from({ length: 60 }, () => (req: RecordedRequest) => {
        if (deltaOf(req).startsWith('Deep-reflection review')) return text('keep going');
        if (isLaterRound(req)) return text('ok');
        if (!JSON.stringify(req.body).includes('part-a')) {
          const part = (id: string) => ({ id, title: `Write ${id}`, acceptance: `${id}.txt says ${id}`, produces: [`${id}.txt`], verify: `grep -q ${id} ${id}.txt`, worker: 'claude' });
          return calls({
            name: 'decompose_task',
            input: {
              task_id: 'goal',
              reason: 'two parts and a report',
              children: [part('part-a'), part('part-b'), { id: 'report', title: 'Join the parts', acceptance: 'report.txt', produces: ['report.txt'], needs: ['part-a', 'part-b'], run: 'cat part-a.txt part-b.txt > report.txt' }],
            },
          });
        }
        const ready = readyTasks(req);
        return ready.length ? calls(...ready.map((id) => ({ name: 'spawn_task', input: { task_id: id, reason: 'ready' } }))) : calls({ name: 'no_op', input: { reason: 'waiting' } });
      }),
    );
    servers.push(planner);
    // The workers' model: each claude writes its own part with its Write tool, slowly enough that the
    // person's edit lands while both run.
    const workers = await startModelServer(
      Array.from({ length: 20 }, () => (req: RecordedRequest) => {
        const id = /task id `([^`]+)`/.exec(JSON.stringify(req.body))?.[1] ?? 'unknown';
        if (toolResults(req).length > 0) return text(`wrote ${id}.txt`);
        return toolUse('Write', { file_path: path.join(p.dir, `${id}.txt`), content: `${id}\n` }, { delayMs: 2500 });
      }),
    );
    servers.push(workers);
    const env = plannerEnv(planner.url, {
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      ANTHROPIC_BASE_URL: workers.url,
      ANTHROPIC_API_KEY: 'sk-test-worker',
      IS_SANDBOX: '1',
      AURA_MAX_CONCURRENT_TASKS: '3',
    });
    const d = startDaemon(['task.md', '--exit-when-done', '--interval', '3600'], { cwd: p.dir, env });
    await waitFor('both claude workers running', () => p.state().tasks['part-a']?.status === 'running' && p.state().tasks['part-b']?.status === 'running', 60_000);
    appendFileSync(p.file('task.md'), ['', '- [ ] Add a changelog', '  - id: changelog', '  - run: `echo changes > changelog.md`', '  - produces: `changelog.md`', ''].join('\n'));
    const r = await d.exited;
    assert.equal(r.code, 0, d.output());
    const s = p.state();
    for (const id of ['part-a', 'part-b', 'report', 'changelog', 'goal']) assert.equal(s.tasks[id]?.status, 'done', `${id}: ${s.tasks[id]?.reason}`);
    assert.equal(s.tasks['part-a']?.attempts.at(-1)?.worker, 'claude');
    assert.equal(p.read('report.txt'), 'part-a\npart-b\n');
    const j = p.journal();
    const at = (task: string, to: string) => j.findIndex((e) => e.task === task && e.to === to);
    assert.ok(at('report', 'running') > at('part-a', 'done') && at('report', 'running') > at('part-b', 'done'), 'report after both parts');
    const goalDoneAt = j.findIndex((e) => /goal done/.test(e.msg));
    for (const id of ['part-a', 'part-b', 'report', 'changelog']) assert.ok(goalDoneAt > at(id, 'done'), `goal done before ${id}`);
    assert.deepEqual(pidsWithEnv(`AURA_RUN_ID=${s.runId}`), [], 'a process of the run outlived the daemon');
  });
});
