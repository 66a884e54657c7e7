import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GIB } from '../../src/watchdog/limits.js';
import { preflight, visibleGpus, type PreflightInput } from '../../src/watchdog/preflight.js';

const base: PreflightInput = { minFreeMemBytes: 0, minFreeGpuBytes: 0, cudaVisibleDevices: null, memAvailableBytes: 8 * GIB, gpus: null };
const gpus = [
  { index: 0, uuid: 'GPU-a', freeBytes: 10 * GIB },
  { index: 1, uuid: 'GPU-b', freeBytes: 1 * GIB },
];

test('preflight table', () => {
  const rows: Array<{ name: string; input: Partial<PreflightInput>; ok: boolean; reason?: RegExp; notes?: number }> = [
    { name: 'no reserves', input: {}, ok: true },
    { name: 'RAM fine', input: { minFreeMemBytes: 2 * GIB }, ok: true },
    { name: 'RAM short', input: { minFreeMemBytes: 10 * GIB }, ok: false, reason: /only 8 GB of system memory free, below the 10 GB reserve/ },
    { name: 'RAM unknown never refuses', input: { minFreeMemBytes: 10 * GIB, memAvailableBytes: null }, ok: true, notes: 1 },
    { name: 'GPU short on one visible GPU', input: { minFreeGpuBytes: 2 * GIB, gpus }, ok: false, reason: /GPU 1 has only 1 GB free, below the 2 GB reserve/ },
    { name: 'the short GPU is not visible (index)', input: { minFreeGpuBytes: 2 * GIB, gpus, cudaVisibleDevices: '0' }, ok: true },
    { name: 'visible by UUID', input: { minFreeGpuBytes: 2 * GIB, gpus, cudaVisibleDevices: 'GPU-b' }, ok: false },
    { name: 'GPU figures unknown', input: { minFreeGpuBytes: 2 * GIB, gpus: null }, ok: true, notes: 1 },
    { name: 'GPU [N/A] free', input: { minFreeGpuBytes: 2 * GIB, gpus: [{ index: 0, uuid: 'x', freeBytes: null }] }, ok: true, notes: 1 },
  ];
  for (const r of rows) {
    const out = preflight({ ...base, ...r.input });
    assert.equal(out.ok, r.ok, r.name);
    if (!out.ok && r.reason) assert.match(out.reason, r.reason, r.name);
    if (out.ok && r.notes !== undefined) assert.equal(out.notes.length, r.notes, r.name);
  }
});

test('visibleGpus', () => {
  assert.deepEqual(visibleGpus(gpus, null).map((g) => g.index), [0, 1]);
  assert.deepEqual(visibleGpus(gpus, '1').map((g) => g.index), [1]);
  assert.deepEqual(visibleGpus(gpus, 'GPU-a,7').map((g) => g.index), [0]);
});
