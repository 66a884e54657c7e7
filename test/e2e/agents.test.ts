// Agent workers through the whole daemon: the real Claude Code and OpenCode binaries (pinned in
// test/agents/package.json, installed by test/agents/setup.mjs) against the scripted model server.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiError, startModelServer, text, toolUse, type ModelServer, type Step } from '../fixtures/model-server/index.js';
import { ensureAgentClis } from '../agents/setup.mjs';
import { isAlive, projectsForThisFile, runAura, startDaemon, testEnv, waitFor, type Project } from '../helpers/aura.js';

const skip = process.env.AURA_SKIP_REAL_AGENTS === '1' ? 'AURA_SKIP_REAL_AGENTS=1' : false;
const makeProject = projectsForThisFile();
const servers: ModelServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

let binDir = '';
async function server(script: Step[]): Promise<ModelServer> {
  const s = await startModelServer(script);
  servers.push(s);
  return s;
}

const TASK = (worker: string, extra = '') =>
  ['# Agent work', '', '- [ ] Write the greeting', '  - id: greet', `  - worker: ${worker}`, '  - produces: `out.txt`', extra, ''].join('\n');

function claudeEnv(s: ModelServer, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return testEnv({
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    ANTHROPIC_BASE_URL: s.url,
    ANTHROPIC_API_KEY: 'sk-test',
    IS_SANDBOX: '1', // the tests run as root here; bypassPermissions needs it
    AURA_MAX_ATTEMPTS: '1',
    ...extra,
  });
}

const writeOut = (p: Project, content = 'hello from the model\n'): Step => () =>
  toolUse('Write', { file_path: path.join(p.dir, 'out.txt'), content });

describe('agent workers under aura (real CLIs)', { skip, timeout: 15 * 60_000 }, () => {
  before(async () => {
    const bins = await ensureAgentClis({ log: (m: string) => process.stderr.write(`${m}\n`) });
    binDir = path.dirname(bins.claude);
  });

  test('claude writes the declared artifact through its Write tool → done, with evidence and usage', async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([writeOut(p), text('done!')]);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: claudeEnv(s) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const t = p.state().tasks.greet!;
    assert.equal(t.status, 'done');
    const a = t.attempts[0]!;
    assert.equal(a.worker, 'claude');
    assert.equal(a.classification?.kind, 'success');
    assert.ok(a.evidence?.passed);
    assert.ok((a.usage?.inputTokens ?? 0) > 0, 'tokens recorded');
    assert.ok((a.usage?.costUsd ?? 0) > 0, 'cost recorded');
    assert.match(p.read(path.join('.aura', a.dir, 'output.jsonl')), /"type":"tool_call".*"name":"Write"/);
    const brief = p.read(path.join('.aura', a.dir, 'task.md'));
    assert.match(brief, /out\.txt/);
    assert.match(brief, /result\.md/);
    // The worker's environment is an allowlist: aura's own key never reaches it.
    const req = s.requests.find((q) => q.step !== 'side');
    assert.equal(req?.headers['x-api-key'], 'sk-test');
  });

  test('as root without IS_SANDBOX, a claude task is blocked with a plain message instead of an empty failure', { skip: process.getuid?.() !== 0 ? 'needs root' : false }, async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([text('never asked')]);
    const env = claudeEnv(s);
    delete env.IS_SANDBOX;
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.greet!;
    assert.equal(t.status, 'blocked');
    assert.equal(t.attempts.length, 0, 'nothing was started');
    assert.match(t.reason, /IS_SANDBOX=1/);
    assert.equal(s.requests.length, 0);
  });

  test('claude only claims success, writing nothing → not done', async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([text('All done! I wrote out.txt.')]);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: claudeEnv(s) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.greet!;
    assert.equal(t.status, 'failed');
    assert.equal(t.attempts[0]?.classification?.kind, 'success', 'the stream claimed success');
    assert.equal(t.attempts[0]?.evidence?.passed, false);
    assert.match(t.reason, /out\.txt: missing/);
  });

  test('a 401 from the model API is an API failure, not success, and blocks the task', async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([apiError(401, 'authentication_error', { message: 'invalid x-api-key' })]);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: claudeEnv(s, { CLAUDE_CODE_MAX_RETRIES: '0', AURA_MAX_ATTEMPTS: '3' }) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const t = p.state().tasks.greet!;
    assert.equal(t.attempts.length, 1, 'not retried: credentials need a person');
    assert.equal(t.attempts[0]?.classification?.kind, 'api_error');
    assert.equal(t.status, 'blocked');
    assert.match(t.reason, /credentials were refused/);
  });

  test('--max-turns reached is classified as max_turns', async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([toolUse('Bash', { command: 'echo hi', description: 'say hi' }), writeOut(p), text('done')]);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: claudeEnv(s, { AURA_MAX_TURNS: '1' }) });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const a = p.state().tasks.greet!.attempts[0]!;
    assert.equal(a.classification?.kind, 'max_turns');
    assert.match(a.evidence?.summary ?? '', /max turns/);
  });

  test('the run budget: with a tiny AURA_RUN_BUDGET_USD, aura stops spawning once it is crossed and says why', async () => {
    const tasks = ['# Budget', '', '- [ ] One', '  - id: one', '  - worker: claude', '', '- [ ] Two', '  - id: two', '  - worker: claude', ''].join('\n');
    const p = makeProject({ 'task.md': tasks });
    const s = await server([text('first done'), text('second done')]);
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: claudeEnv(s, { AURA_RUN_BUDGET_USD: '0.0000001' }) });
    try {
      await waitFor('budget pause, first task judged', () => p.state().pause && p.state().tasks.one?.status === 'done', 60_000);
      const st = p.state();
      assert.equal(st.pause?.kind, 'budget');
      assert.match(st.pause?.reason ?? '', /run budget reached/);
      assert.equal(st.tasks.one?.status, 'done');
      assert.equal(st.tasks.two?.attempts.length, 0, 'nothing new was started');
      // progress.md is rendered at its own pace (at most every few hundred ms).
      await waitFor('progress.md says so', () => /run budget reached/.test(p.progress()), 10_000);
      assert.ok(p.journal().some((e) => e.kind === 'decision' && /run budget reached/.test(e.msg)));
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('SIGKILL the daemon while claude works; the restarted daemon re-adopts it and reconciles its finish', async () => {
    const p = makeProject({ 'task.md': TASK('claude') });
    const s = await server([{ ...toolUse('Write', { file_path: path.join(p.dir, 'out.txt'), content: 'slow\n' }), delayMs: 4000 }, text('done')]);
    const env = claudeEnv(s);
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env });
    const pid = await waitFor('claude running', () => p.state().tasks.greet?.attempts[0]?.process?.pid, 30_000);
    await waitFor('the model was asked', () => s.requests.some((q) => q.step !== 'side'), 30_000);
    d.kill('SIGKILL');
    await d.exited;
    assert.ok(isAlive(pid), 'the worker outlived the daemon');
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /re-adopted/);
    const t = p.state().tasks.greet!;
    assert.equal(t.attempts.length, 1, 'not duplicated');
    assert.equal(t.status, 'done');
  });

  test('opencode: writes the artifact → done; only claims → not done', async () => {
    const run = async (script: (p: Project) => Step[]) => {
      const p = makeProject({ 'task.md': TASK('opencode') });
        const s = await server(script(p));
      const env = testEnv({
        PATH: `${binDir}:${process.env.PATH ?? ''}`,
        AURA_MAX_ATTEMPTS: '1',
        AURA_AGENT_MODEL: 'anthropic/claude-sonnet-4-5',
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          provider: { anthropic: { options: { baseURL: `${s.url}/v1`, apiKey: 'sk-test' } } },
          autoupdate: false,
          share: 'disabled',
        }),
        OPENCODE_DISABLE_MODELS_FETCH: '1',
        OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
      });
      const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 120_000 });
      return { p, r };
    };
    const ok = await run((p) => [() => toolUse('write', { filePath: path.join(p.dir, 'out.txt'), content: 'from opencode\n' }), text('done')]);
    assert.equal(ok.r.code, 0, ok.r.stdout + ok.r.stderr);
    assert.equal(ok.p.state().tasks.greet?.status, 'done');
    assert.equal(ok.p.state().tasks.greet?.attempts[0]?.classification?.kind, 'success');
    const claim = await run(() => [text('I wrote out.txt, all done.')]);
    assert.equal(claim.r.code, 1);
    assert.equal(claim.p.state().tasks.greet?.status, 'failed');
    assert.equal(claim.p.state().tasks.greet?.attempts[0]?.evidence?.passed, false);
  });
});
