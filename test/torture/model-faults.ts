// The model: the LLM planner against the scripted model server, which misbehaves on purpose —
// malformed tool JSON, unknown tools, wrong types, escape attempts (paths, ids, symlinks, artifact
// paths), false "done" claims, 429 with retry-after, 529, 500, timeouts, streams cut in the middle.
// After each run: the usual invariants (no done without evidence, no stray marked process, state and
// journal whole), the run finishes, nothing outside the project was read or written, and no secret
// from outside the project reached the model.
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiError, startModelServer, toolResults, toolUse, type Step } from '../fixtures/model-server/index.js';
import { autopilot, calls } from '../e2e/planner-helpers.js';
import { auraRun, crashed, short, type Ctx, type FaultKind, type Rand } from './common.js';
import { checkAfterFault } from './invariants.js';

function steps(rand: Rand, n: number): string {
  const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  return ids
    .map((id) => `- [ ] Step ${id}\n  - id: ${id}\n  - run: \`sleep 0.${rand.int(1, 5)}; echo ${id} > ${id}.txt\`\n  - produces: \`${id}.txt\`\n  - verify: \`grep -q ${id} ${id}.txt\`\n`)
    .join('');
}

/** A seeded shuffle. */
function shuffled<T>(rand: Rand, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Setup {
  outside: string;
  canary: string;
}

function outsideDir(): Setup {
  const outside = mkdtempSync(path.join(os.tmpdir(), 'aura-torture-outside-'));
  const canary = `CANARY-OUTSIDE-${Math.random().toString(36).slice(2)}`;
  writeFileSync(path.join(outside, 'secret.txt'), canary);
  return { outside, canary };
}

/** Escape attempts of every sort; each must come back as an error result. */
function escapes(s: Setup, projectName: string): { name: string; input: unknown }[] {
  return [
    { name: 'read_file', input: { path: '../secret.txt' } },
    { name: 'read_file', input: { path: path.join(s.outside, 'secret.txt') } },
    { name: 'read_file', input: { path: 'out-link/secret.txt' } },
    { name: 'read_file', input: { path: 'dir-link/../secret.txt' } },
    { name: 'read_file', input: { path: '.aura/state/state.json' } },
    { name: 'read_file', input: { path: '.env' } },
    { name: 'read_file', input: { path: '/proc/self/environ' } },
    { name: 'read_file', input: { path: `../${projectName}-evil/secret.txt` } },
    { name: 'list_directory', input: { path: '..' } },
    { name: 'list_directory', input: { path: 'out-link' } },
    { name: 'list_directory', input: { path: s.outside } },
    { name: 'decompose_task', input: { task_id: 's1', reason: 'x', children: [{ id: 'A1./../../escaped', title: 't', acceptance: 'a', run: 'true' }] } },
    { name: 'decompose_task', input: { task_id: 's1', reason: 'x', children: [{ id: '../../etc', title: 't', acceptance: 'a', run: 'true' }] } },
    { name: 'decompose_task', input: { task_id: 's1', reason: 'x', children: [{ title: 't', acceptance: 'a', produces: ['../escaped.txt'], run: 'true' }] } },
    { name: 'decompose_task', input: { task_id: 's1', reason: 'x', children: [{ title: 't', acceptance: 'a', produces: [path.join(s.outside, 'x.txt')], run: 'true' }] } },
    { name: 'decompose_task', input: { task_id: 's1', reason: 'x', children: [{ title: 't', acceptance: 'a', produces: ['.aura/state/state.json'], run: 'true' }] } },
    { name: 'spawn_task', input: { task_id: '../../x', reason: 'x' } },
    { name: 'kill_task', input: { task_id: '/etc/passwd', reason: 'x' } },
  ];
}

/** Malformed and wrong calls: each must come back as an error result. */
function garbage(rand: Rand): { name: string; input?: unknown; rawInput?: string }[] {
  const all = [
    { name: 'spawn_task', input: { task_id: rand.int(0, 99), reason: 'wrong type' } },
    { name: 'spawn_task', input: {} },
    { name: 'update_task', input: { task_id: 's1', status: 'finished', reason: 'bad enum' } },
    { name: 'update_task', input: { task_id: 's1', status: 'done', reason: 'a false claim' } },
    { name: 'decompose_task', input: { task_id: 's1', children: 'many', reason: 'x' } },
    { name: 'no_op', input: { reason: 'x', wake_after_seconds: -5 } },
    { name: `tool_${rand.int(0, 1e6)}`, input: { anything: true } },
    { name: 'write_memory', input: { section: 'secrets', text: 'x' } },
    { name: 'read_file', input: { path: 'x', offset: 'zero' } },
    { name: 'spawn_task', rawInput: '{"task_id": "s1", "reason": ' },
  ];
  return shuffled(rand, all).slice(0, rand.int(3, all.length));
}

async function runWithModel(ctx: Ctx, script: (s: Setup, projectDir: string) => Step[], extraEnv: Record<string, string>, opts: { escapes?: boolean; garbage?: boolean } = {}): Promise<void> {
  const s = outsideDir();
  const p = ctx.project({ 'task.md': `# Model torture\n\n${steps(ctx.rand, ctx.rand.int(2, 4))}`, '.env': 'AURA_NOTHING=1\n' });
  const server = await startModelServer(script(s, p.dir));
  try {
    symlinkSync(s.outside, p.file('out-link'));
    symlinkSync(os.tmpdir(), p.file('dir-link'));
    const env = ctx.env({
      AURA_API_KEY: 'sk-torture',
      AURA_API_BASE_URL: server.url,
      AURA_API_MAX_RETRIES: String(ctx.rand.int(0, 2)),
      AURA_API_TIMEOUT: '1',
      AURA_API_FAILURES_FOR_SAFE_MODE: String(ctx.rand.int(1, 3)),
      AURA_API_SAFE_MODE_RETRY_SECONDS: '1',
      AURA_LAYER2_BACKEND: 'shell',
      ...extraEnv,
    });
    const r = await auraRun(['task.md', '--exit-when-done', '--interval', '2'], { cwd: p.dir, env, timeoutMs: 90_000 });
    if (r.code !== 0) ctx.violate(`the run exited ${r.code}:\n${short(r)}`);
    const trace = crashed(r.stdout + r.stderr);
    if (trace) ctx.violate(`stack trace: ${trace}`);
    checkAfterFault(ctx, p.dir, null, 'after the model run', { clean: true });
    for (const q of server.requests) {
      const t = JSON.stringify(q.body);
      if (t.includes(s.canary)) ctx.violate('a request to the model carries the content of a file outside the project');
      if (t.includes('AURA_NOTHING')) ctx.violate('a request to the model carries the content of .env');
      if (t.includes('"schemaVersion"')) ctx.violate("a request to the model carries aura's state file");
    }
    if (opts.escapes || opts.garbage) {
      const answered = server.requests.map((q) => toolResults(q)).find((rs) => rs.length > 1) ?? [];
      if (!answered.length) ctx.violate('the bad calls were never answered');
      for (const a of answered) if (a.is_error !== true) ctx.violate(`a bad call was accepted: ${String(a.content).slice(0, 200)}`);
      ctx.note(`${answered.length} bad calls, all refused`);
    }
    for (const bad of [path.join(p.dir, '..', 'escaped.txt'), path.join(s.outside, 'x.txt'), path.join(p.dir, '..', 'escaped')]) {
      if (existsSync(bad)) ctx.violate(`something was written outside the project: ${bad}`);
    }
    ctx.note(`${server.requests.length} model requests; planner ended in ${/SAFE MODE/.test(p.progress()) ? 'safe mode' : 'model mode'}`);
  } finally {
    await server.close();
    rmSync(s.outside, { recursive: true, force: true });
  }
}

const tools: FaultKind = {
  name: 'model-bad-calls',
  family: 'model',
  what: 'malformed tool JSON, unknown tools, wrong types, false done claims, then a sane model',
  timeoutMs: 120_000,
  async run(ctx) {
    await runWithModel(ctx, () => [calls(...garbage(ctx.rand)), ...Array.from({ length: 60 }, () => autopilot)], {}, { garbage: true });
  },
};

const escapeKind: FaultKind = {
  name: 'model-escapes',
  family: 'model',
  what: 'escape attempts through read_file, list_directory (paths, symlinks), task ids and artifact paths',
  timeoutMs: 120_000,
  async run(ctx) {
    await runWithModel(ctx, (st, dir) => [calls(...shuffled(ctx.rand, escapes(st, path.basename(dir)))), ...Array.from({ length: 60 }, () => autopilot)], {}, { escapes: true });
  },
};

const http: FaultKind = {
  name: 'model-http-faults',
  family: 'model',
  what: '429 with retry-after, 529, 500, 401-free transient errors, timeouts and streams cut mid-way, in random order',
  timeoutMs: 150_000,
  async run(ctx) {
    const faults: Step[] = [];
    const n = ctx.rand.int(3, 8);
    for (let i = 0; i < n; i++) {
      const k = ctx.rand.int(0, 4);
      if (k === 0) faults.push(apiError(429, 'rate_limit_error', { retryAfter: ctx.rand.int(0, 1) }));
      else if (k === 1) faults.push(apiError(529, 'overloaded_error', { retryAfter: 0 }));
      else if (k === 2) faults.push(apiError(500, 'api_error', { retryAfter: 0 }));
      else if (k === 3) faults.push({ ...toolUse('no_op', { reason: 'slow' }), delayMs: 3000 });
      else faults.push({ ...toolUse('spawn_task', { task_id: 's1', reason: 'cut' }), cutAfterChars: ctx.rand.int(50, 400) });
    }
    ctx.note(`${n} HTTP faults before a sane model`);
    await runWithModel(ctx, () => [...faults, ...Array.from({ length: 60 }, () => autopilot)], {});
  },
};

export const MODEL_FAULTS: FaultKind[] = [tools, escapeKind, http];
