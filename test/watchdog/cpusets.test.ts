import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { coresPerWorker, CpusetAllocator, formatCpuList, parseCpuList, place } from '../../src/watchdog/cpusets.js';
import { defaultConfig } from '../../src/config/schema.js';
import { Watchdog } from '../../src/watchdog/watchdog.js';
import { allowedCpus } from '../../src/watchdog/system.js';
import { findOnPath } from '../../src/watchdog/which.js';

test('cpu lists round-trip', () => {
  const cases: Array<[string, number[], string]> = [
    ['0', [0], '0'],
    ['0-3', [0, 1, 2, 3], '0-3'],
    ['0-1,3,5-6', [0, 1, 3, 5, 6], '0-1,3,5-6'],
    ['3,1,2', [1, 2, 3], '1-3'],
    ['', [], ''],
  ];
  for (const [text, cpus, canonical] of cases) {
    assert.deepEqual(parseCpuList(text), cpus, text);
    assert.equal(formatCpuList(cpus), canonical, text);
  }
  for (const bad of ['a', '3-1', '1,,2', '-1']) assert.throws(() => parseCpuList(bad), RangeError, bad);
});

test('cores per worker = max(1, floor(ceiling% × ncpu / 100))', () => {
  const cases: Array<[number, number, number]> = [
    [50, 2, 1],
    [50, 16, 8],
    [10, 4, 1], // 0.4 → at least one
    [25, 16, 4],
    [100, 8, 8],
    [33, 16, 5],
  ];
  for (const [pct, n, want] of cases) assert.equal(coresPerWorker(pct, n), want, `${pct}% of ${n}`);
});

test('allocator: disjoint sets, lowest first, none when short, reuse after release', () => {
  const a = new CpusetAllocator([0, 1, 2, 3, 4], 2);
  assert.equal(a.allocate('A')?.list, '0-1');
  assert.equal(a.allocate('B')?.list, '2-3');
  assert.equal(a.allocate('A')?.list, '0-1', 'same worker, same set');
  assert.equal(a.allocate('C'), null, 'one core left, two needed');
  assert.equal(a.free, 1);
  a.release('A');
  assert.equal(a.allocate('C')?.list, '0-1');
  a.release('nobody');
  const gaps = new CpusetAllocator([0, 2, 4, 6], 3);
  assert.equal(gaps.allocate('X')?.list, '0,2,4');
  assert.throws(() => new CpusetAllocator([0], 0), RangeError);
});

test('place: taskset prefix, CUDA_VISIBLE_DEVICES, and the sharing cases', () => {
  const a = new CpusetAllocator([0, 1], 1);
  assert.deepEqual(place('A', a, '/usr/bin/taskset', '0,1'), { argvPrefix: ['/usr/bin/taskset', '-c', '0'], env: { CUDA_VISIBLE_DEVICES: '0,1' }, cpus: '0', note: null });
  assert.deepEqual(place('B', a, '/usr/bin/taskset', null).argvPrefix, ['/usr/bin/taskset', '-c', '1']);
  const shared = place('C', a, '/usr/bin/taskset', null);
  assert.deepEqual(shared.argvPrefix, []);
  assert.match(shared.note ?? '', /not enough free cores .* shares all CPUs/);
  assert.match(place('D', new CpusetAllocator([0], 1), null, null).note ?? '', /taskset not found/);
  assert.deepEqual(place('E', null, '/usr/bin/taskset', null), { argvPrefix: [], env: {}, cpus: null, note: null });
});

test('two concurrent workers under a CPU ceiling run on disjoint CPU sets (real taskset)', { skip: findOnPath('taskset') === null || allowedCpus().length < 2 ? 'needs taskset and 2 CPUs' : false }, async (t) => {
  const cfg = { ...defaultConfig(), AURA_WORKER_MAX_CPU_PERCENT: 50 };
  const wd = new Watchdog({ config: cfg, onKill: () => {} });
  t.after(() => wd.close());
  const sets: number[][] = [];
  for (const id of ['A', 'B']) {
    const p = wd.placement(id);
    assert.ok(p.cpus, `a set for ${id}`);
    const argv = [...p.argvPrefix, 'sleep', '5'];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
    t.after(() => child.kill('SIGKILL'));
    await new Promise((r) => setTimeout(r, 150)); // taskset has exec'd sleep by now
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status)?.[1] ?? '';
    assert.equal(list, p.cpus, 'the kernel affinity is the allocated set');
    sets.push(parseCpuList(list));
  }
  const [a, b] = sets as [number[], number[]];
  assert.equal(a.filter((c) => b.includes(c)).length, 0, `disjoint: ${a} vs ${b}`);
  wd.untrack('A');
  assert.deepEqual(wd.placement('C').cpus, formatCpuList(a), 'released on untrack, reused');
});
