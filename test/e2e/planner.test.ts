// The LLM planner end to end: the real daemon and the real @anthropic-ai/sdk against the scripted
// model server. Each test is one acceptance scenario of the planner issue.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { apiError, startModelServer, text, toolResults, toolUse } from '../fixtures/model-server/index.js';
import { projectsForThisFile, runAura, startDaemon, waitFor } from '../helpers/aura.js';
import { autopilot, calls, deltaOf, plannerEnv, repeat } from './planner-helpers.js';

const project = projectsForThisFile();

describe('LLM planner, end to end', () => {
  test('a goal with no checklist: the model decomposes and spawns; done only with evidence, a done claim refused', async () => {
    const server = await startModelServer([
      toolUse('decompose_task', {
        task_id: 'goal',
        reason: 'one step is enough',
        children: [{ id: 'hello', title: 'Write hello', acceptance: 'out.txt says hello', produces: ['out.txt'], run: 'sleep 0.3; echo hello > out.txt', verify: 'grep -q hello out.txt' }],
      }),
      toolUse('update_task', { task_id: 'hello', status: 'done', reason: 'it will be fine' }),
      toolUse('spawn_task', { task_id: 'hello', reason: 'ready' }),
      text('started the only task'),
      ...repeat(autopilot, 10),
    ]);
    try {
      const p = project({ 'task.md': '# Write a greeting\n\nA file that says hello.\n' });
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '5'], { cwd: p.dir, env: plannerEnv(server.url), timeoutMs: 40_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const s = p.state();
      assert.equal(s.tasks.hello?.status, 'done');
      assert.equal(s.tasks.hello?.origin, 'planner');
      assert.equal(s.tasks.hello?.attempts.at(-1)?.evidence?.passed, true);
      assert.equal(s.tasks['goal']?.status, 'done');
      assert.equal(p.read('out.txt').trim(), 'hello');
      // The refusal reached the model in the next request, as an error result naming the gate.
      const refusal = toolResults(server.requests[2]!)[0];
      assert.equal(refusal?.is_error, true);
      assert.match(String(refusal?.content), /cannot be marked done by a proposal.*evidence gate/);
      // Done came from the evidence, after the worker ran.
      const j = p.journal();
      const doneAt = j.findIndex((e) => e.task === 'hello' && e.to === 'done');
      const evidenceAt = j.findIndex((e) => e.task === 'hello' && e.kind === 'evidence');
      assert.ok(evidenceAt >= 0 && doneAt > evidenceAt, 'done follows the evidence');
      assert.ok(j.some((e) => e.kind === 'planner' && /refused update_task/.test(e.msg)));
      // Every cycle's request figures are journaled.
      const figures = j.filter((e) => e.kind === 'planner' && e.data && typeof (e.data as { requestChars?: unknown }).requestChars === 'number');
      assert.ok(figures.length >= 1);
      assert.match(p.progress(), /planner: model · \d+ model requests/);
      const st = await runAura(['status'], { cwd: p.dir, env: plannerEnv(server.url) });
      assert.match(st.stdout, /planner: model · \d+ model requests/);
      const sj = JSON.parse((await runAura(['status', '--json'], { cwd: p.dir, env: plannerEnv(server.url) })).stdout) as { planner: { mode: string; requests: number } };
      assert.equal(sj.planner.mode, 'model');
      assert.ok(sj.planner.requests >= 4);
    } finally {
      await server.close();
    }
  });

  test('invalid tool calls get error results and the cycle goes on', async () => {
    const server = await startModelServer([
      calls(
        { name: 'spawn_task', input: { task_id: 5, reason: 'wrong type' } },
        { name: 'decompose_task', input: { task_id: 'a' } },
        { name: 'rm_rf', input: { path: '/' } },
        { name: 'update_task', input: { task_id: 'a', status: 'finished', reason: 'bad enum' } },
        { name: 'spawn_task', input: { task_id: 'a', reason: 'fine', extra: true } },
      ),
      toolUse('spawn_task', { task_id: 'a', reason: 'now properly' }),
      text('ok'),
      ...repeat(autopilot, 10),
    ]);
    try {
      const p = project({ 'task.md': '# Invalid calls\n\n- [ ] A\n  - id: a\n  - run: `echo a > a.txt`\n  - produces: `a.txt`\n' });
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '5'], { cwd: p.dir, env: plannerEnv(server.url), timeoutMs: 40_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const results = toolResults(server.requests[1]!);
      assert.equal(results.length, 5);
      assert.ok(results.every((x) => x.is_error === true), JSON.stringify(results));
      const texts = results.map((x) => String(x.content));
      assert.match(texts[0]!, /invalid input for spawn_task: task_id: .*expected string/i);
      assert.match(texts[1]!, /invalid input for decompose_task: .*children/);
      assert.match(texts[2]!, /unknown tool "rm_rf"; the tools are spawn_task, kill_task/);
      assert.match(texts[3]!, /invalid input for update_task: status/);
      assert.match(texts[4]!, /invalid input for spawn_task: .*extra/i);
      assert.equal(p.state().tasks.a?.status, 'done');
    } finally {
      await server.close();
    }
  });

  test('escape attempts through read_file, list_directory, task ids and artifact paths are all refused', async () => {
    const outside = path.join(os.tmpdir(), `aura-outside-${process.pid}-${Date.now()}`);
    const server = await startModelServer([
      calls(
        { name: 'read_file', input: { path: '../secret.txt' } },
        { name: 'read_file', input: { path: '/etc/passwd' } },
        { name: 'read_file', input: { path: '.aura/state/state.json' } },
        { name: 'read_file', input: { path: '.env' } },
        { name: 'read_file', input: { path: 'link-out/passwd' } },
        { name: 'list_directory', input: { path: '..' } },
        { name: 'list_directory', input: { path: '/' } },
        {
          name: 'decompose_task',
          input: { task_id: 'a', reason: 'escape', children: [{ id: 'A1./../../escaped', title: 'x', acceptance: 'x', run: 'true' }] },
        },
        {
          name: 'decompose_task',
          input: { task_id: 'a', reason: 'escape', children: [{ title: 'x', acceptance: 'x', produces: ['../outside.txt'], run: 'true' }] },
        },
        {
          name: 'decompose_task',
          input: { task_id: 'a', reason: 'escape', children: [{ title: 'x', acceptance: 'x', produces: [`${outside}/x.txt`], run: 'true' }] },
        },
        { name: 'spawn_task', input: { task_id: '../../etc', reason: 'escape' } },
      ),
      toolUse('read_file', { path: 'notes.txt' }),
      toolUse('spawn_task', { task_id: 'a', reason: 'real work' }),
      text('ok'),
      ...repeat(autopilot, 10),
    ]);
    try {
      const p = project({
        'task.md': '# Escapes\n\n- [ ] A\n  - id: a\n  - run: `echo a > a.txt`\n  - produces: `a.txt`\n',
        '.env': 'SECRET=1\n',
        'notes.txt': 'inside the project\n',
      });
      symlinkSync('/etc', p.file('link-out'));
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '5'], { cwd: p.dir, env: plannerEnv(server.url), timeoutMs: 40_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const refused = toolResults(server.requests[1]!);
      assert.equal(refused.length, 11);
      for (const [i, x] of refused.entries()) assert.equal(x.is_error, true, `call ${i} was not refused: ${String(x.content)}`);
      const all = refused.map((x) => String(x.content)).join('\n');
      assert.doesNotMatch(all, /root:x:0:0|SECRET=1|"schemaVersion"/);
      // A legitimate read still works.
      const ok = toolResults(server.requests[2]!)[0];
      assert.notEqual(ok?.is_error, true);
      assert.match(String(ok?.content), /inside the project/);
      const ids = Object.keys(p.state().tasks);
      assert.deepEqual(ids.sort(), ['a', 'goal']);
      assert.equal(existsSync(path.join(p.dir, '..', 'escaped')), false);
      assert.equal(existsSync(outside), false);
    } finally {
      await server.close();
    }
  });

  test('after the goal is done, idle wakes make no API calls', async () => {
    const server = await startModelServer([...repeat(autopilot, 20)]);
    try {
      const p = project({ 'task.md': '# Idle\n\n- [ ] A\n  - id: a\n  - run: `echo a > a.txt`\n  - produces: `a.txt`\n' });
      const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: plannerEnv(server.url) });
      try {
        await waitFor('goal done', () => p.state().doneAt !== null, 30_000);
        const before = server.requests.length;
        assert.ok(before >= 1);
        for (let i = 0; i < 5; i++) {
          const w = await runAura(['wake', '--reason', `idle check ${i}`], { cwd: p.dir, env: plannerEnv(server.url) });
          assert.equal(w.code, 0, w.stderr);
        }
        await waitFor('five more cycles', () => p.journal().filter((e) => e.kind === 'wake' && /idle check 4/.test(e.msg)).length === 1);
        assert.equal(server.requests.length, before, 'no model call after the goal is done');
      } finally {
        d.kill();
        await d.exited;
      }
    } finally {
      await server.close();
    }
  });

  test('529s put the planner in safe mode (the rules planner keeps working), then it returns to the model', async () => {
    const overloaded = apiError(529, 'overloaded_error', { message: 'Overloaded' });
    const server = await startModelServer([overloaded, overloaded, overloaded, overloaded, overloaded, ...repeat(autopilot, 30)]);
    try {
      // Enough sequential work that some is left when the model is back (about 4 s in safe mode).
      const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const steps = ids.map((id) => `- [ ] Step ${id}\n  - id: ${id}\n  - run: \`sleep 1; echo ${id} > ${id}.txt\`\n  - produces: \`${id}.txt\`\n`);
      const p = project({ 'task.md': `# Overloaded\n\n${steps.join('')}` });
      const env = plannerEnv(server.url, { AURA_API_FAILURES_FOR_SAFE_MODE: '2', AURA_API_SAFE_MODE_RETRY_SECONDS: '1' });
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '1'], { cwd: p.dir, env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const j = p.journal();
      const entered = j.findIndex((e) => e.kind === 'planner' && /planner in safe mode: the API failed \(529/.test(e.msg));
      const left = j.findIndex((e) => e.kind === 'planner' && /planner back on the model/.test(e.msg));
      assert.ok(entered >= 0, 'safe mode entered');
      assert.ok(left > entered, 'back to the model afterwards');
      // The rules planner started work while the model was away.
      assert.ok(j.slice(entered, left).some((e) => e.kind === 'decision' && /^start /.test(e.msg) && !/\(planner\)/.test(e.msg)));
      // And the model started work after it came back.
      assert.ok(j.slice(left).some((e) => e.kind === 'decision' && /\(planner\)$/.test(e.msg)), 'the model started a task after recovering');
      for (const id of ids) assert.equal(p.state().tasks[id]?.status, 'done');
      assert.equal(p.state().planner?.mode, 'model');
      assert.match(r.stdout, /planner in safe mode/);
    } finally {
      await server.close();
    }
  });

  test('a refused key (401) is not retried and says what to fix; the rules planner supervises', async () => {
    const server = await startModelServer([apiError(401, 'authentication_error', { message: 'invalid x-api-key' }), ...repeat(autopilot, 5)]);
    try {
      const p = project({ 'task.md': '# Refused\n\n- [ ] A\n  - id: a\n  - run: `echo a > a.txt`\n  - produces: `a.txt`\n' });
      const env = plannerEnv(server.url, { AURA_API_MAX_RETRIES: '3', AURA_API_SAFE_MODE_RETRY_SECONDS: '3600' });
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '5'], { cwd: p.dir, env, timeoutMs: 40_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(server.requests.filter((q) => q.path === '/v1/messages').length, 1, 'a 401 is not retried');
      assert.match(r.stdout, /refused AURA_API_KEY \(401: invalid x-api-key\); fix the key/);
      assert.equal(p.state().planner?.mode, 'safe');
      assert.match(p.progress(), /SAFE MODE/);
      assert.equal(p.state().tasks.a?.status, 'done');
    } finally {
      await server.close();
    }
  });

  test('task.md edited mid-run: the next request carries the diff and the replan is applied', async () => {
    let sawDiff = '';
    const server = await startModelServer([
      toolUse('spawn_task', { task_id: 'a', reason: 'first' }),
      text('ok'),
      ...repeat((req, i) => {
        const d = deltaOf(req);
        if (!sawDiff && /task\.md changed/.test(d)) {
          sawDiff = d;
          return toolUse('decompose_task', {
            task_id: 'b',
            reason: 'the person asked for two files',
            children: [
              { id: 'b1', title: 'first file', acceptance: 'b1.txt', produces: ['b1.txt'], run: 'echo 1 > b1.txt' },
              { id: 'b2', title: 'second file', acceptance: 'b2.txt', produces: ['b2.txt'], run: 'echo 2 > b2.txt', needs: ['b1'] },
            ],
          });
        }
        return (autopilot as (r: typeof req, i: number) => ReturnType<typeof text>)(req, i);
      }, 30),
    ]);
    try {
      const p = project({ 'task.md': '# Edits\n\n- [ ] A\n  - id: a\n  - run: `sleep 2; echo a > a.txt`\n  - produces: `a.txt`\n' });
      const d = startDaemon(['task.md', '--interval', '3600', '--exit-when-done'], { cwd: p.dir, env: plannerEnv(server.url) });
      try {
        await waitFor('a running', () => p.state().tasks.a?.status === 'running', 20_000);
        appendFileSync(p.file('task.md'), '\n- [ ] B: two files\n  - id: b\n');
        const exit = await d.exited;
        assert.equal(exit.code, 0, d.output());
      } finally {
        d.kill();
      }
      assert.match(sawDiff, /```diff[\s\S]*\+- \[ \] B: two files[\s\S]*\+ {2}- id: b/);
      const s = p.state();
      assert.deepEqual(s.tasks.b?.children, ['b1', 'b2']);
      for (const id of ['a', 'b1', 'b2', 'b']) assert.equal(s.tasks[id]?.status, 'done', `${id}: ${s.tasks[id]?.reason}`);
    } finally {
      await server.close();
    }
  });

  test('stopping the daemon during a model call ends the call at once; it does not count as an API failure', async () => {
    const server = await startModelServer([{ ...text('too late'), delayMs: 60_000 }]);
    try {
      const p = project({ 'task.md': '# Slow model\n\n- [ ] A\n  - id: a\n  - run: `true`\n' });
      const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: plannerEnv(server.url, { AURA_API_TIMEOUT: '120' }) });
      await waitFor('the model call in flight', () => server.requests.length === 1, 20_000);
      const t0 = Date.now();
      d.kill('SIGTERM');
      const exit = await d.exited;
      assert.equal(exit.code, 0, d.output());
      assert.ok(Date.now() - t0 < 15_000, 'the drain did not wait for the model');
      assert.equal(p.state().planner?.failures ?? 0, 0);
      assert.equal(p.state().planner?.mode ?? 'model', 'model');
    } finally {
      await server.close();
    }
  });

  test('--planner rules keeps the rules planner with a key; --planner llm without a key is bad input', async () => {
    const server = await startModelServer([]);
    try {
      const p = project({ 'task.md': '# Rules\n\n- [ ] A\n  - id: a\n  - run: `echo a > a.txt`\n  - produces: `a.txt`\n' });
      const r = await runAura(['task.md', '--exit-when-done', '--planner', 'rules'], { cwd: p.dir, env: plannerEnv(server.url), timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(server.requests.length, 0);
      assert.equal(p.state().planner, null);
      assert.ok(p.journal().some((e) => e.kind === 'daemon' && e.msg === 'planner: rules (AURA_PLANNER=rules)'));

      const q = project({ 'task.md': '# No key\n\n- [ ] A\n  - run: `true`\n' });
      const bad = await runAura(['task.md', '--planner', 'llm'], { cwd: q.dir, env: plannerEnv(server.url, { AURA_API_KEY: '' }), timeoutMs: 20_000 });
      assert.equal(bad.code, 2, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /AURA_PLANNER=llm .*needs AURA_API_KEY/);
      assert.equal(q.exists('.aura'), false);
    } finally {
      await server.close();
    }
  });
});
