// `aura doctor`: the pure verdicts (table-tested), the API probe against a local server, and the
// command end to end.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { probeApi } from '../../src/doctor/api.js';
import {
  agentVerdict,
  type AgentProbe,
  apiVerdict,
  type ApiProbe,
  type Check,
  cgroupVerdict,
  configVerdict,
  diskVerdict,
  exitCodeOf,
  gpuVerdict,
  inotifyVerdict,
  lockVerdict,
  nodeVerdict,
} from '../../src/doctor/checks.js';
import { projectsForThisFile, REPO, runAura, type RunResult, testEnv } from '../helpers/aura.js';

const project = projectsForThisFile();

/** Runs `aura <name> …` through the built CLI (npm test builds first). */
export function runCommand(name: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<RunResult> {
  return runAura([name, ...args], { cwd: opts.cwd, env: opts.env });
}

/** An env whose PATH has no agent CLI (an empty directory): node itself is run by absolute path. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'aura-bin-'));
  return testEnv({ PATH: bin, ...extra });
}

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  assert.ok(r.pid);
  return r.pid;
}

// ── a fake API ──

let server: http.Server;
let baseUrl = '';
const seen: { url: string; key: string | undefined; body: string }[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const key = req.headers['x-api-key'] as string | undefined;
      seen.push({ url: req.url ?? '', key, body });
      if (req.url !== '/v1/messages/count_tokens') {
        res.writeHead(404).end('not found');
      } else if (key === 'sk-ant-good-key-0123456789') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"input_tokens":8}');
      } else if (key === 'sk-ant-slow-key-0123456789') {
        setTimeout(() => res.writeHead(200).end('{}'), 3000);
      } else {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** A port nothing listens on. */
async function refusedUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

// ── verdicts ──

const pick = (c: Check) => ({ status: c.status, hasFix: c.fix !== undefined });

describe('doctor verdicts', () => {
  it('node version', () => {
    const table: [string, 'ok' | 'fail'][] = [
      ['20.19.0', 'ok'],
      ['v20.19.1', 'ok'],
      ['20.20.2', 'ok'],
      ['22.0.0', 'ok'],
      ['20.18.9', 'fail'],
      ['18.20.0', 'fail'],
      ['garbage', 'fail'],
    ];
    for (const [v, want] of table) {
      const c = nodeVerdict(v);
      assert.deepEqual(pick(c), { status: want, hasFix: want !== 'ok' }, v);
    }
    assert.match(nodeVerdict('18.0.0').detail, /20\.19/);
  });

  it('agent CLIs', () => {
    const base: AgentProbe = { name: 'claude', bin: 'claude', install: 'npm install -g @anthropic-ai/claude-code', path: '/bin/claude', version: null, isDefault: false };
    const table: [Partial<AgentProbe>, 'ok' | 'warn', RegExp][] = [
      [{ path: null }, 'warn', /claude not found on PATH/],
      [{ path: null, isDefault: true }, 'warn', /default backend/],
      [{ version: { status: 'missing' } }, 'warn', /not found/],
      [{ version: { status: 'exit', code: 0, stdout: '2.1.3 (Claude Code)\n', stderr: '' } }, 'ok', /^2\.1\.3 \(Claude Code\) \(\/bin\/claude\)$/],
      [{ version: { status: 'exit', code: 0, stdout: '', stderr: 'v9\n' } }, 'ok', /^v9 /],
      [{ version: { status: 'exit', code: 3, stdout: '', stderr: 'boom\nmore' } }, 'warn', /failed \(exit 3\): boom$/],
      [{ version: { status: 'timeout' } }, 'warn', /within 10 s/],
      [{ version: { status: 'error', message: 'EACCES' } }, 'warn', /could not be run: EACCES/],
    ];
    for (const [over, want, detail] of table) {
      const c = agentVerdict({ ...base, ...over });
      assert.equal(c.status, want, JSON.stringify(over));
      assert.match(c.detail, detail);
      assert.equal(c.id, 'agent.claude');
      if (want === 'ok') assert.equal(c.fix, undefined);
      else assert.match(c.fix ?? '', /npm install -g @anthropic-ai\/claude-code/);
    }
    assert.equal(agentVerdict({ ...base, path: null }).fix, 'npm install -g @anthropic-ai/claude-code');
  });

  it('LLM API', () => {
    const url = 'http://x/v1/messages/count_tokens';
    const table: [ApiProbe, 'ok' | 'warn' | 'fail', RegExp][] = [
      [{ kind: 'not-configured' }, 'ok', /^not configured \(rules planner\)$/],
      [{ kind: 'skipped', reason: 'the configuration is invalid' }, 'warn', /not checked/],
      [{ kind: 'http', url, status: 200, body: '{}' }, 'ok', /key accepted/],
      [{ kind: 'http', url, status: 400, body: '{"error":{"message":"model: not found"}}' }, 'ok', /key accepted \(HTTP 400: model: not found\)/],
      [{ kind: 'http', url, status: 401, body: '{"error":{"message":"invalid x-api-key"}}' }, 'fail', /^key refused \(HTTP 401: invalid x-api-key\)$/],
      [{ kind: 'http', url, status: 403, body: '' }, 'fail', /^key refused \(HTTP 403\)$/],
      [{ kind: 'http', url, status: 404, body: 'nope' }, 'warn', /HTTP 404/],
      [{ kind: 'http', url, status: 429, body: '' }, 'warn', /rate limited/],
      [{ kind: 'http', url, status: 529, body: 'overloaded' }, 'warn', /HTTP 529: overloaded/],
      [{ kind: 'network', url, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'fail', /connection refused/],
      [{ kind: 'network', url, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' }, 'fail', /host not found/],
      [{ kind: 'network', url, code: undefined, message: 'socket hang up' }, 'fail', /socket hang up/],
      [{ kind: 'timeout', url, seconds: 10 }, 'fail', /within 10 s/],
    ];
    for (const [probe, want, detail] of table) {
      const c = apiVerdict(probe);
      assert.deepEqual(pick(c), { status: want, hasFix: want !== 'ok' }, JSON.stringify(probe));
      assert.match(c.detail, detail);
    }
    assert.match(apiVerdict({ kind: 'http', url, status: 401, body: '' }).fix ?? '', /AURA_API_KEY/);
  });

  it('nvidia-smi', () => {
    assert.deepEqual(gpuVerdict({ found: false }), { id: 'gpu', name: 'nvidia-smi', status: 'ok', detail: 'not found: no GPU limits' });
    const ok = gpuVerdict({ found: true, path: '/usr/bin/nvidia-smi', query: { status: 'exit', code: 0, stdout: 'NVIDIA H100 80GB HBM3\nNVIDIA H100 80GB HBM3\n', stderr: '' } });
    assert.equal(ok.status, 'ok');
    assert.equal(ok.detail, 'NVIDIA H100 80GB HBM3, NVIDIA H100 80GB HBM3');
    const bad = gpuVerdict({ found: true, path: '/usr/bin/nvidia-smi', query: { status: 'exit', code: 9, stdout: '', stderr: 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' } });
    assert.equal(bad.status, 'warn');
    assert.match(bad.detail, /could not communicate/);
    assert.ok(bad.fix);
    assert.equal(gpuVerdict({ found: true, path: '/x', query: { status: 'timeout' } }).status, 'warn');
  });

  it('cgroup scopes', () => {
    assert.equal(cgroupVerdict({ available: true, controllers: ['cpu', 'memory'] }, true).status, 'ok');
    const off = cgroupVerdict({ available: false, reason: 'systemd-run not found' }, false);
    assert.equal(off.status, 'warn');
    assert.match(off.detail, /systemd-run not found.*only matters with AURA_WORKER_CGROUP_SCOPES=true/);
    const on = cgroupVerdict({ available: false, reason: 'no user D-Bus' }, true);
    assert.equal(on.status, 'warn');
    assert.match(on.fix ?? '', /AURA_WORKER_CGROUP_SCOPES=false/);
  });

  it('inotify limits', () => {
    const table: [number | null, number | null, 'ok' | 'warn', RegExp][] = [
      [524288, 512, 'ok', /max_user_watches=524288, max_user_instances=512/],
      [8192, 128, 'ok', /8192/],
      [8191, 128, 'warn', /max_user_watches=8191/],
      [8192, 127, 'warn', /max_user_instances=127/],
      [100, 1, 'warn', /max_user_watches=100.*max_user_instances=1/],
      [null, null, 'warn', /cannot read/],
      [null, 512, 'ok', /max_user_watches=\?/],
    ];
    for (const [watches, instances, want, detail] of table) {
      const c = inotifyVerdict({ watches, instances });
      assert.equal(c.status, want, `${watches}/${instances}`);
      assert.match(c.detail, detail);
    }
    assert.match(inotifyVerdict({ watches: 100, instances: 512 }).fix ?? '', /^sudo sysctl -w fs\.inotify\.max_user_watches=524288 /);
    assert.match(inotifyVerdict({ watches: 100, instances: 1 }).fix ?? '', /max_user_watches=524288 fs\.inotify\.max_user_instances=512/);
  });

  it('disk space', () => {
    const GiB = 1024 ** 3;
    assert.equal(diskVerdict({ path: '/p', freeBytes: 5 * GiB }).status, 'ok');
    assert.equal(diskVerdict({ path: '/p', freeBytes: GiB }).status, 'ok');
    const low = diskVerdict({ path: '/p', freeBytes: GiB - 1 });
    assert.equal(low.status, 'warn');
    assert.match(low.detail, /1024\.0 MiB free at \/p/);
    assert.equal(diskVerdict({ path: '/p', error: 'EACCES' }).status, 'warn');
  });

  it('daemon lock', () => {
    assert.equal(lockVerdict({ lock: null, display: '.aura/run/daemon.lock' }).status, 'ok');
    assert.equal(lockVerdict({ lock: { pid: 7, alive: true, startedAt: 't' }, display: 'x' }).status, 'ok');
    assert.deepEqual(lockVerdict({ lock: { pid: 4242, alive: false, startedAt: 't' }, display: '.aura/run/daemon.lock' }), {
      id: 'lock',
      name: 'daemon lock',
      status: 'warn',
      detail: 'stale lock left by PID 4242',
      fix: 'aura takes it over on start, or remove .aura/run/daemon.lock',
    });
  });

  it('config', () => {
    assert.deepEqual(pick(configVerdict({ ok: true, warnings: [] })), { status: 'ok', hasFix: false });
    const w = configVerdict({ ok: true, warnings: ['unknown setting AURA_FOO'] });
    assert.equal(w.status, 'warn');
    assert.match(w.detail, /1 warning: unknown setting AURA_FOO/);
    const f = configVerdict({ ok: false, message: 'invalid setting:\n  AURA_MAX_ATTEMPTS=0 (from environment): expected …', hint: 'fix these values' });
    assert.equal(f.status, 'fail');
    assert.equal(f.detail, 'invalid setting:; AURA_MAX_ATTEMPTS=0 (from environment): expected …');
    assert.equal(f.fix, 'fix these values');
  });

  it('exit code: 1 only when something fails', () => {
    assert.equal(exitCodeOf([nodeVerdict('22.0.0'), inotifyVerdict({ watches: 1, instances: 1 })]), 0);
    assert.equal(exitCodeOf([nodeVerdict('22.0.0'), nodeVerdict('18.0.0')]), 1);
    assert.equal(exitCodeOf([]), 0);
  });
});

// ── the API probe ──

describe('doctor API probe', () => {
  it('a good key is accepted, with the Anthropic headers and a count_tokens body', async () => {
    const p = await probeApi({ baseUrl: `${baseUrl}/`, apiKey: 'sk-ant-good-key-0123456789', model: 'claude-x' });
    assert.deepEqual(p, { kind: 'http', url: `${baseUrl}/v1/messages/count_tokens`, status: 200, body: '{"input_tokens":8}' });
    const last = seen.at(-1)!;
    assert.equal(last.key, 'sk-ant-good-key-0123456789');
    assert.equal((JSON.parse(last.body) as { model: string }).model, 'claude-x');
    assert.equal(apiVerdict(p).status, 'ok');
  });

  it('a refused key fails', async () => {
    const c = apiVerdict(await probeApi({ baseUrl, apiKey: 'sk-ant-bad', model: 'm' }));
    assert.equal(c.status, 'fail');
    assert.match(c.detail, /^key refused \(HTTP 401: invalid x-api-key\)/);
  });

  it('connection refused fails', async () => {
    const p = await probeApi({ baseUrl: await refusedUrl(), apiKey: 'k', model: 'm' });
    assert.equal(p.kind, 'network');
    assert.equal(p.kind === 'network' && p.code, 'ECONNREFUSED');
    assert.match(apiVerdict(p).detail, /connection refused/);
  });

  it('no answer within the time limit fails', async () => {
    const p = await probeApi({ baseUrl, apiKey: 'sk-ant-slow-key-0123456789', model: 'm', timeoutMs: 200 });
    assert.equal(p.kind, 'timeout');
    assert.equal(apiVerdict(p).status, 'fail');
  });
});

// ── end to end ──

interface DoctorJson {
  ok: boolean;
  project: string;
  counts: { ok: number; warn: number; fail: number };
  checks: Check[];
}

describe('aura doctor (command)', () => {
  it('names a missing claude with its install command; warnings alone exit 0', async () => {
    const p = project();
    const r = await runCommand('doctor', [], { cwd: p.dir, env: bareEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /warn\s+claude\s+claude not found on PATH/);
    assert.match(r.stdout, /fix: npm (i|install) -g @anthropic-ai\/claude-code/);
    assert.match(r.stdout, /LLM API\s+not configured \(rules planner\)/);
    assert.match(r.stdout, /ok\s+node\s+v\d+/);
  });

  it('--json parses and lists every check', async () => {
    const p = project();
    const r = await runCommand('doctor', ['--json'], { cwd: p.dir, env: bareEnv() });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as DoctorJson;
    assert.equal(j.ok, true);
    assert.equal(j.project, p.dir);
    const ids = j.checks.map((c) => c.id);
    for (const id of ['node', 'config', 'agent.claude', 'agent.codex', 'agent.opencode', 'agent.gemini', 'api', 'gpu', 'cgroup', 'inotify', 'disk', 'lock']) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(',')}`);
    }
    const claude = j.checks.find((c) => c.id === 'agent.claude')!;
    assert.equal(claude.status, 'warn');
    assert.match(claude.fix ?? '', /@anthropic-ai\/claude-code/);
    for (const c of j.checks) assert.equal(c.fix !== undefined, c.status !== 'ok', c.id);
    assert.equal(j.counts.ok + j.counts.warn + j.counts.fail, j.checks.length);
  });

  it('reports a stale lock with the fix', async () => {
    const p = project();
    const pid = deadPid();
    p.write(
      '.aura/run/daemon.lock',
      JSON.stringify({ pid, startTicks: null, startedAt: new Date().toISOString(), socketPath: '/tmp/none.sock', version: '0.1.0', taskFile: p.file('task.md') }),
    );
    const r = await runCommand('doctor', [], { cwd: p.dir, env: bareEnv() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`warn\\s+daemon lock\\s+stale lock left by PID ${pid}`));
    assert.match(r.stdout, /fix: aura takes it over on start, or remove \.aura\/run\/daemon\.lock/);
    // -d from outside the project names the file by its full path
    const j = JSON.parse((await runCommand('doctor', ['--json', '-d', p.dir], { cwd: REPO, env: bareEnv() })).stdout) as DoctorJson;
    const lock = j.checks.find((c) => c.id === 'lock')!;
    assert.equal(lock.fix, `aura takes it over on start, or remove ${p.file('.aura/run/daemon.lock')}`);
  });

  it('an invalid setting fails (exit 1) with its message', async () => {
    const p = project({ '.env': 'AURA_MAX_ATTEMPTS=0\n' });
    const r = await runCommand('doctor', ['--json'], { cwd: p.dir, env: bareEnv() });
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as DoctorJson;
    assert.equal(j.ok, false);
    const cfg = j.checks.find((c) => c.id === 'config')!;
    assert.equal(cfg.status, 'fail');
    assert.match(cfg.detail, /AURA_MAX_ATTEMPTS=0/);
    assert.equal(j.checks.find((c) => c.id === 'api')!.status, 'warn');
  });

  it('a refused API key fails (exit 1); a good one passes', async () => {
    const p = project();
    const bad = await runCommand('doctor', [], { cwd: p.dir, env: bareEnv({ AURA_API_KEY: 'sk-ant-wrong-0123456789', AURA_API_BASE_URL: baseUrl }) });
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    assert.match(bad.stdout, /fail\s+LLM API\s+key refused \(HTTP 401/);
    assert.doesNotMatch(bad.stdout, /sk-ant-wrong-0123456789/);
    const good = await runCommand('doctor', [], { cwd: p.dir, env: bareEnv({ AURA_API_KEY: 'sk-ant-good-key-0123456789', AURA_API_BASE_URL: baseUrl }) });
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /ok\s+LLM API\s+reachable, key accepted/);
  });

  it('--help documents the options', async () => {
    const r = await runCommand('doctor', ['--help'], { cwd: os.tmpdir(), env: bareEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /-d, --dir <project>/);
  });
});
