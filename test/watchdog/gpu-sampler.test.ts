// GpuSampler with an injected runner: the scheduling rules without real processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GpuSampler, gpuQueryArgv } from '../../src/watchdog/gpu.js';
import { SECTION_MARK } from '../../src/watchdog/gpu-parse.js';
import type { RunCommand, RunResult } from '../../src/util/run-command.js';

const OK = (apps = ''): RunResult => ({ status: 'exit', code: 0, signal: null, stdout: `0, GPU-a, 5, 100, 1000, Disabled\n${SECTION_MARK}\n${apps}`, stderr: '' });
const clock = { now: () => performance.now() };
const env = { PATH: new URL('./fixtures', import.meta.url).pathname };

function controlled() {
  const pending: Array<(r: RunResult) => void> = [];
  const argvs: string[][] = [];
  const run: RunCommand = (argv) => {
    argvs.push([...argv]);
    return new Promise((r) => pending.push(r));
  };
  return { run, pending, argvs };
}

test('one query in flight at most; a late answer is used by the next poll', async () => {
  const c = controlled();
  const notices: string[] = [];
  const s = new GpuSampler({ clock, notice: (m) => notices.push(m), run: c.run, env });
  const p1 = await s.sample(10);
  assert.deepEqual(p1, { status: 'unknown', reason: 'nvidia-smi still running' });
  const p2 = await s.sample(10);
  assert.equal(p2.status, 'unknown');
  assert.equal(c.argvs.length, 1, 'no second spawn while the first runs');
  c.pending[0]?.(OK('7, GPU-a, 50'));
  await new Promise((r) => setImmediate(r));
  const p3 = await s.sample(10);
  assert.equal(p3.status, 'ok', 'the late answer, taken at the next poll');
  assert.equal(c.argvs.length, 2, 'and the next query started');
  assert.ok(p3.status === 'ok' && p3.apps[0]?.pid === 7);
  const p4 = s.sample(50);
  c.pending[1]?.(OK());
  assert.equal((await p4).status, 'ok', 'an answer within the wait is used at once');
  assert.deepEqual(notices, []);
});

test('timeouts and failures are unknown (not 0), missing is off with one notice', async () => {
  const results: RunResult[] = [
    { status: 'timeout' },
    { status: 'exit', code: 9, signal: null, stdout: '', stderr: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" },
    { status: 'exit', code: 0, signal: null, stdout: 'no mark', stderr: '' },
    { status: 'exit', code: 0, signal: null, stdout: `No devices were found\n${SECTION_MARK}\n`, stderr: '' },
    { status: 'exit', code: 127, signal: null, stdout: '', stderr: 'sh: nvidia-smi: not found' },
  ];
  const notices: string[] = [];
  const s = new GpuSampler({ clock, notice: (m) => notices.push(m), run: async () => results.shift() as RunResult, env, timeoutMs: 3000 });
  const got = [];
  for (let i = 0; i < 6; i++) got.push(await s.sample(100));
  assert.deepEqual(got.map((g) => g.status), ['unknown', 'unknown', 'unknown', 'unknown', 'off', 'off']);
  assert.match((got[0] as { reason: string }).reason, /timed out after 3 s/);
  assert.match((got[1] as { reason: string }).reason, /couldn't communicate/);
  assert.equal(notices.filter((n) => n === 'nvidia-smi not found: GPU limits inactive').length, 1);
});

test('nvidia-smi absent from PATH: off before any spawn', async () => {
  let spawned = 0;
  const notices: string[] = [];
  const s = new GpuSampler({ clock, notice: (m) => notices.push(m), run: async () => (spawned++, OK()), env: { PATH: '/nonexistent' } });
  for (let i = 0; i < 3; i++) assert.equal((await s.sample(10)).status, 'off');
  assert.equal(spawned, 0);
  assert.deepEqual(notices, ['nvidia-smi not found: GPU limits inactive']);
});

test('a driver without mig.mode.current: asked again without it', async () => {
  const c = controlled();
  const notices: string[] = [];
  const s = new GpuSampler({ clock, notice: (m) => notices.push(m), run: c.run, env });
  const a = s.sample(20);
  c.pending[0]?.({ status: 'exit', code: 2, signal: null, stdout: '', stderr: 'Field "mig.mode.current" is not a valid field to query.\n' });
  assert.equal((await a).status, 'unknown');
  const b = s.sample(20);
  assert.ok(!(c.argvs[1]?.[2] ?? '').includes('mig.mode.current'));
  assert.ok((c.argvs[0]?.[2] ?? '').includes('mig.mode.current'));
  c.pending[1]?.({ status: 'exit', code: 0, signal: null, stdout: `0, GPU-a, 5, 100, 1000\n${SECTION_MARK}\n`, stderr: '' });
  const r = await b;
  assert.ok(r.status === 'ok' && r.gpus[0]?.mig === null);
  assert.ok(notices.some((n) => /MIG detection off/.test(n)));
});

test('gpuQueryArgv is one sh line with both queries, the path quoted', () => {
  const [sh, flag, line] = gpuQueryArgv("/opt/it's/nvidia-smi", true);
  assert.equal(sh, 'sh');
  assert.equal(flag, '-c');
  assert.match(line ?? '', /^'\/opt\/it'\\''s\/nvidia-smi' --query-gpu=index,uuid,utilization\.gpu,memory\.used,memory\.total,mig\.mode\.current --format=csv,noheader,nounits \|\| exit \$\?; echo @@aura-next@@; exec '.*' --query-compute-apps=pid,gpu_uuid,used_gpu_memory --format=csv,noheader,nounits$/);
});
