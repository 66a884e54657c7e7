// The acceptance every agent backend must pass through the whole daemon, with its real CLI against
// the scripted model server: the declared artifact written with the CLI's own file tool → done with
// evidence and tokens; a bare claim → not done; a refused key → blocked, naming the key, not
// retried; a rate limit with a time → retried then, not counted; a stall → the whole tree stopped;
// the worker's environment carries its provider key and never AURA_API_KEY. A backend supplies a
// Kit (how to point its CLI at the server, what its model says); agents-<cli>.test.ts run it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startModelServer, text, type ModelServer, type RecordedRequest, type Reply, type Step } from '../fixtures/model-server/index.js';
import { ensureAgentClis, type AgentCli } from '../agents/setup.mjs';
import { isAlive, pidsWithEnv, projectsForThisFile, runAura, testEnv, waitFor, type Project } from '../helpers/aura.js';

export interface Kit {
  worker: AgentCli;
  /** AURA_AGENT_MODEL for the run. */
  model: string;
  /** The provider key variable and the value the tests give it. */
  keyVar: string;
  key: string;
  /** The key as the CLI sent it to the server. */
  sentKey(req: RecordedRequest): unknown;
  /**
   * Points the CLI at `server` (writing its config under `home`, the worker's HOME) and returns the
   * variables to add to the daemon's environment. `failFast`: the CLI's own retries off, so a
   * refused key or a rate limit ends the run at once.
   */
  env(server: ModelServer, home: string, o: { failFast: boolean }): Record<string, string>;
  /** The model's reply that writes `content` to out.txt in the project at `dir` with the CLI's own file tool. */
  writeOut(dir: string, content: string): Reply;
  /** The tool_call name that step shows in output.jsonl. */
  fileTool: string;
  /** What the provider answers for a key it does not accept. */
  refusedKey(): Step;
  /** A rate limit that asks to come back in `seconds`, as the CLI reports it to aura when it gives up. */
  rateLimited(seconds: number): Step;
}

const TASK = (worker: string) => ['# Agent work', '', '- [ ] Write the greeting', '  - id: greet', `  - worker: ${worker}`, '  - produces: `out.txt`', ''].join('\n');

const CANARY = 'aura-canary-key-must-not-reach-workers';

/** A /proc file of a process, or null once it has gone (the CLIs start short-lived helpers). */
function procFile(pid: number, name: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'latin1');
  } catch (err) {
    if (['ENOENT', 'ESRCH'].includes((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
}

/** The live processes of a worker's tree with their command line and environment (NAME → value). */
function treeOf(marker: string): { pid: number; cmd: string; env: Map<string, string> }[] {
  const out: { pid: number; cmd: string; env: Map<string, string> }[] = [];
  for (const pid of pidsWithEnv(`AURA_WORKER_MARKER=${marker}`)) {
    const cmd = procFile(pid, 'cmdline');
    const environ = procFile(pid, 'environ');
    if (cmd === null || environ === null) continue;
    const env = new Map<string, string>();
    for (const entry of environ.split('\0')) {
      const i = entry.indexOf('=');
      if (i > 0) env.set(entry.slice(0, i), entry.slice(i + 1));
    }
    out.push({ pid, cmd: cmd.replace(/\0/g, ' '), env });
  }
  return out;
}

export interface Run {
  p: Project;
  server: ModelServer;
  env: NodeJS.ProcessEnv;
  run(): ReturnType<typeof runAura>;
}

/** Makes a project with the one-task task.md, a server playing `script`, and the daemon's environment. */
export type Setup = (script: (p: Project) => Step[], extra?: Record<string, string>, o?: { failFast: boolean }) => Promise<Run>;

/** `more` adds a backend's own tests to the same suite, with the same setup. */
export function agentAcceptance(kit: Kit, more?: (setup: Setup) => void): void {
  const skip = process.env.AURA_SKIP_REAL_AGENTS === '1' ? 'AURA_SKIP_REAL_AGENTS=1' : false;
  const makeProject = projectsForThisFile();
  const servers: ModelServer[] = [];
  let binDir = '';

  const setup: Setup = async (script, extra = {}, o = { failFast: true }) => {
    const p = makeProject({ 'task.md': TASK(kit.worker) });
    const server = await startModelServer(script(p));
    servers.push(server);
    const env = testEnv({
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      AURA_AGENT_MODEL: kit.model,
      AURA_MAX_ATTEMPTS: '1',
      // aura's own key is in the daemon's environment; the rules planner never uses it.
      AURA_API_KEY: CANARY,
      AURA_PLANNER: 'rules',
      ...extra,
    });
    Object.assign(env, kit.env(server, env.HOME ?? '', o));
    return { p, server, env, run: () => runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env, timeoutMs: 180_000 }) };
  };

  describe(`${kit.worker} under aura (the real CLI)`, { skip, timeout: 15 * 60_000 }, () => {
    before(async () => {
      binDir = path.dirname((await ensureAgentClis({ log: (m: string) => process.stderr.write(`${m}\n`) }))[kit.worker]);
    });
    after(() => Promise.all(servers.map((s) => s.close())));

    test(`writes out.txt with its own file tool → done with evidence and tokens; its environment has ${kit.keyVar}, never AURA_API_KEY`, async () => {
      let release = () => {};
      const inspected = new Promise<void>((r) => (release = r));
      const s = await setup((p) => [{ ...kit.writeOut(p.dir, 'hello from the model\n'), holdUntil: inspected }, text('done!')]);
      const running = s.run();
      try {
        // The worker now waits for the model: look at every process of its tree.
        await waitFor('the model was asked', () => s.server.requests.some((q) => q.step === 0), 120_000);
        const marker = await waitFor('the attempt marker', () => s.p.state().tasks.greet?.attempts[0]?.marker);
        const tree = treeOf(marker);
        const cli = tree.filter((p) => p.cmd.includes(kit.worker));
        assert.ok(cli.length > 0, `the ${kit.worker} process is in the tree: ${tree.map((p) => p.cmd).join(' | ')}`);
        for (const p of tree) {
          assert.equal(p.env.has('AURA_API_KEY'), false, `AURA_API_KEY reached ${p.cmd}`);
          assert.ok(![...p.env.values()].includes(CANARY), `aura's key value reached ${p.cmd}`);
        }
        for (const p of cli) assert.equal(p.env.get(kit.keyVar), kit.key, `${kit.keyVar} of ${p.cmd}`);
      } finally {
        release();
      }
      const r = await running;
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const t = s.p.state().tasks.greet!;
      assert.equal(t.status, 'done');
      const a = t.attempts[0]!;
      assert.equal(a.worker, kit.worker);
      assert.equal(a.classification?.kind, 'success', a.classification?.message);
      assert.equal(a.evidence?.passed, true);
      assert.equal(s.p.read('out.txt'), 'hello from the model\n');
      assert.ok((a.usage?.inputTokens ?? 0) > 0 && (a.usage?.outputTokens ?? 0) > 0, `tokens recorded: ${JSON.stringify(a.usage)}`);
      assert.equal(a.usage?.costUsd ?? null, null, 'the CLI reports no cost');
      assert.match(s.p.read(path.join('.aura', a.dir, 'output.jsonl')), new RegExp(`"type":"tool_call".*"name":"${kit.fileTool}"`));
      const main = s.server.requests.filter((q) => q.step !== 'side' && q.api !== null);
      assert.ok(main.length >= 2 && main.every((q) => kit.sentKey(q) === kit.key), 'every model request carried the provider key');
      assert.doesNotMatch(JSON.stringify(s.server.requests), new RegExp(CANARY));
    });

    test('only claims success, writing nothing → not done', async () => {
      const s = await setup(() => [text('All done! I wrote out.txt.')]);
      const r = await s.run();
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const t = s.p.state().tasks.greet!;
      assert.equal(t.status, 'failed');
      assert.equal(t.attempts[0]?.classification?.kind, 'success', 'the stream claimed success');
      assert.equal(t.attempts[0]?.evidence?.passed, false);
      assert.match(t.reason, /out\.txt: missing/);
    });

    test(`a refused key → an auth failure, not retried, the task blocked with a message naming ${kit.keyVar}`, async () => {
      const s = await setup(() => [kit.refusedKey(), kit.refusedKey(), kit.refusedKey()], { AURA_MAX_ATTEMPTS: '3' });
      const r = await s.run();
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const t = s.p.state().tasks.greet!;
      assert.equal(t.attempts.length, 1, 'not retried: credentials need a person');
      assert.equal(t.attempts[0]?.classification?.kind, 'api_error');
      assert.equal(t.status, 'blocked');
      assert.match(t.reason, new RegExp(`credentials were refused.*${kit.keyVar}`));
      assert.equal(s.server.played, 1);
    });

    test('a rate limit with a retry time → retried at that time, not counted as an attempt', async () => {
      // One attempt allowed: had the rate-limited one counted, the task would fail instead of finishing.
      const s = await setup((p) => [kit.rateLimited(2), kit.writeOut(p.dir, 'after the wait\n'), text('done!')]);
      const r = await s.run();
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const t = s.p.state().tasks.greet!;
      assert.equal(t.status, 'done');
      assert.equal(t.attempts.length, 2);
      const [limited, retried] = t.attempts;
      assert.equal(limited?.classification?.kind, 'rate_limited', limited?.classification?.message);
      const retryAt = Date.parse(limited?.classification?.retryAt ?? '');
      assert.ok(retryAt >= (s.server.requests[0]?.at ?? Infinity) + 2000, `retryAt ${limited?.classification?.retryAt}: the 2 s the provider asked for`);
      assert.ok(Date.parse(retried?.startedAt ?? '') >= retryAt, `retried at ${retried?.startedAt}, not before ${limited?.classification?.retryAt}`);
      assert.ok(s.p.journal().some((e) => e.task === 'greet' && /rate limited; retrying at/.test(e.msg)));
    });

    test('a stall (the server stops answering mid-stream) → the stall detector stops the whole tree, nothing of it survives', async () => {
      const s = await setup(() => [text('this answer never finishes', { stallAfterChars: 120 })], { AURA_STALL_SECONDS: '2', AURA_MAX_STALLS: '1', AURA_MAX_ATTEMPTS: '3' });
      const running = s.run();
      await waitFor('the model was asked', () => s.server.requests.some((q) => q.step === 0), 120_000);
      const marker = await waitFor('the attempt marker', () => s.p.state().tasks.greet?.attempts[0]?.marker);
      const tree = treeOf(marker);
      assert.ok(tree.some((p) => p.cmd.includes(kit.worker)), `the ${kit.worker} process is in the tree: ${tree.map((p) => p.cmd).join(' | ')}`);
      const r = await running;
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const t = s.p.state().tasks.greet!;
      assert.equal(t.status, 'failed');
      assert.match(t.reason, /stalled 1 times/);
      assert.match(t.attempts[0]?.stopReason ?? '', /^stalled: no output, stream events or CPU for \d+s/);
      assert.equal(t.attempts[0]?.classification?.kind, 'killed');
      assert.deepEqual(tree.map((p) => p.pid).filter(isAlive), [], 'every process seen in the tree is gone');
      assert.deepEqual(pidsWithEnv(`AURA_WORKER_MARKER=${marker}`), [], 'no process with the marker remains');
    });

    more?.(setup);
  });
}
