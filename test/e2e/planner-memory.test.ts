// The LLM planner's memory, reviews and spend, end to end (real daemon, real SDK, scripted server).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { startModelServer, text, toolUse, type RecordedRequest } from '../fixtures/model-server/index.js';
import { projectsForThisFile, runAura, startDaemon, waitFor } from '../helpers/aura.js';
import { autopilot, calls, deltaOf, plannerEnv, repeat } from './planner-helpers.js';

const project = projectsForThisFile();

const steps = (ids: string[]) =>
  ids.map((id) => `- [ ] Step ${id}\n  - id: ${id}\n  - run: \`echo ${id} > ${id}.txt\`\n  - produces: \`${id}.txt\`\n`).join('');

function systemText(req: RecordedRequest): string {
  const sys = (req.body as { system?: { text: string }[] }).system ?? [];
  return sys.map((b) => b.text).join('\n');
}

describe('LLM planner memory and review', () => {
  test('memory and project context reach later cycles; a review is written and shown once', async () => {
    const server = await startModelServer([
      calls(
        { name: 'write_memory', input: { section: 'facts', text: 'The inputs are CSV files with a header row.' } },
        { name: 'write_memory', input: { section: 'session', text: 'Look at step b output next.' } },
        { name: 'update_project_context', input: { summary: 'A three-step demo.', commands: 'none' } },
        { name: 'spawn_task', input: { task_id: 'a', reason: 'first' } },
      ),
      text('ok'),
      toolUse('update_project_context', { commands: '' }),
      ...repeat(autopilot, 40),
    ]);
    try {
      const p = project({ 'task.md': `# Memory\n\n${steps(['a', 'b', 'c', 'd'])}` });
      const env = plannerEnv(server.url, { AURA_DEEP_REFLECTION_INTERVAL: '2' });
      const r = await runAura(['task.md', '--exit-when-done', '--interval', '5'], { cwd: p.dir, env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(p.read('.aura/memory/MEMORY.md'), /## Facts\n- \[[^\]]+\] The inputs are CSV files with a header row\./);
      assert.match(p.read('.aura/memory/session.md'), /Look at step b output next\./);
      const ctx = JSON.parse(p.read('.aura/memory/context.json')) as Record<string, string>;
      assert.deepEqual(ctx, { summary: 'A three-step demo.' }, 'commands cleared by "", summary kept');

      const cycles = server.requests.filter((q) => q.path === '/v1/messages' && !deltaOf(q).startsWith('Deep-reflection') && !(q.body as { messages: unknown[] }).messages.slice(1).length);
      const later = cycles.slice(2);
      assert.ok(later.length >= 3, `enough model cycles (${cycles.length})`);
      assert.match(deltaOf(later[0]!), /## MEMORY\.md[\s\S]*CSV files with a header row/);
      assert.match(deltaOf(later[0]!), /## Session notes[\s\S]*Look at step b/);
      assert.match(systemText(later[0]!), /summary: A three-step demo\./);

      const reviews = readdirSync(p.file('.aura/memory/reviews'));
      assert.ok(reviews.length >= 1);
      assert.match(p.read(`.aura/memory/reviews/${reviews[0]}`), /Keep each step small/);
      const reviewReq = server.requests.findIndex((q) => deltaOf(q).startsWith('Deep-reflection review'));
      assert.ok(reviewReq > 0);
      assert.equal((server.requests[reviewReq]!.body as { tool_choice?: { type: string } }).tool_choice?.type, 'none');
      const shown = cycles.filter((q) => /Recommendations from the last review/.test(deltaOf(q)));
      const firstAfter = cycles.find((q) => server.requests.indexOf(q) > reviewReq);
      assert.ok(firstAfter && /Recommendations from the last review[\s\S]*Keep each step small/.test(deltaOf(firstAfter)), 'the next cycle sees the review');
      // Once each: between two cycles that show recommendations, a new review was written.
      const idx = (q: RecordedRequest) => server.requests.indexOf(q);
      for (let i = 1; i < shown.length; i++) {
        const between = server.requests.slice(idx(shown[i - 1]!), idx(shown[i]!)).some((q) => deltaOf(q).startsWith('Deep-reflection review'));
        assert.ok(between, 'a review is shown once, not again in the next cycle');
      }
      assert.ok(shown.length >= reviews.length - 1 && shown.length <= reviews.length);
    } finally {
      await server.close();
    }
  });

  test("the orchestrator's own spend counts against the run budget: reached → no more model calls", async () => {
    const server = await startModelServer([...repeat(autopilot, 20)], { cacheSim: true });
    try {
      const p = project({ 'task.md': `# Budget\n\n${steps(['a', 'b', 'c'])}` });
      // The first call writes the whole prefix to the cache (about 2,300 tokens at 1.25 × $3/M): over $0.005.
      const env = plannerEnv(server.url, { AURA_RUN_BUDGET_USD: '0.005' });
      const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env });
      try {
        await waitFor('paused by the budget', () => p.state().pause?.kind === 'budget', 30_000).catch((e: unknown) => {
          throw new Error(`${String(e)}\n${d.output()}`);
        });
        const calls = server.requests.length;
        assert.ok(calls >= 1);
        assert.match(p.state().pause!.reason, /run budget reached: \$0\.\d+ spent of AURA_RUN_BUDGET_USD=\$0\.005/);
        for (let i = 0; i < 3; i++) await runAura(['wake', '--reason', `try ${i}`], { cwd: p.dir, env });
        await waitFor('wakes taken', () => p.journal().some((e) => e.kind === 'wake' && /try 2/.test(e.msg)));
        assert.equal(server.requests.length, calls, 'no model call once the budget is reached');
        assert.ok((p.state().planner?.usage.cacheWriteTokens ?? 0) > 0 && (p.state().planner?.usage.costUsd ?? 0) >= 0.005);
      } finally {
        d.kill();
        await d.exited;
      }
    } finally {
      await server.close();
    }
  });
});
