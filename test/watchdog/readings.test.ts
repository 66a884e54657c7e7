import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GpuPoll } from '../../src/watchdog/gpu.js';
import { GIB, MIB } from '../../src/watchdog/limits.js';
import { gpuFigures, gpuFree, gpuReserveCharges } from '../../src/watchdog/readings.js';

const poll: GpuPoll = {
  status: 'ok',
  at: 0,
  gpus: [
    { index: 0, uuid: 'GPU-a', utilPercent: 90, memUsedBytes: 30 * GIB, memTotalBytes: 80 * GIB, mig: false },
    { index: 1, uuid: 'GPU-b', utilPercent: 10, memUsedBytes: 10 * GIB, memTotalBytes: 40 * GIB, mig: false },
    { index: 2, uuid: 'GPU-m', utilPercent: null, memUsedBytes: 5 * GIB, memTotalBytes: 80 * GIB, mig: true },
  ],
  apps: [
    { pid: 10, gpuUuid: 'GPU-a', usedBytes: 8 * GIB },
    { pid: 11, gpuUuid: 'GPU-b', usedBytes: 4 * GIB },
    { pid: 99, gpuUuid: 'GPU-a', usedBytes: 20 * GIB }, // someone else's
    { pid: 20, gpuUuid: 'GPU-m', usedBytes: 5 * GIB },
    { pid: 30, gpuUuid: 'GPU-a', usedBytes: null },
  ],
};

test('gpuFigures: only our pids, % of our GPUs, unknown stays unknown', () => {
  const two = gpuFigures(new Set([10, 11, 12]), poll, new Map([[0, 40], [1, 70]]), true);
  assert.equal(two.gpuMemBytes, 12 * GIB);
  assert.equal(two.gpuMemPercent, (12 / 120) * 100);
  assert.equal(two.gpuUtilPercent, 70, 'the busiest GPU it uses');
  assert.deepEqual([...two.byUuid], [['GPU-a', 8 * GIB], ['GPU-b', 4 * GIB]]);

  const none = gpuFigures(new Set([12345]), poll, new Map(), true);
  assert.deepEqual([none.gpuMemBytes, none.gpuMemPercent, none.gpuUtilPercent], [0, 0, 0], 'no GPU contexts: 0, known');

  assert.equal(gpuFigures(new Set([30]), poll, null, true).gpuMemBytes, null, '[N/A] → unknown');
  assert.equal(gpuFigures(new Set([10]), poll, null, true).gpuUtilPercent, null, 'no pmon block → unknown');
  assert.equal(gpuFigures(new Set([10]), poll, new Map([[0, 50]]), false).gpuUtilPercent, null, 'util not wanted');
  const mig = gpuFigures(new Set([20]), poll, new Map([[2, 0]]), true);
  assert.equal(mig.gpuUtilPercent, null, 'MIG: memory only');
  assert.equal(mig.gpuMemBytes, 5 * GIB);

  const unknown = gpuFigures(new Set([10]), { status: 'unknown', reason: 'timeout' }, new Map(), true);
  assert.deepEqual([unknown.gpuMemBytes, unknown.gpuMemPercent, unknown.gpuUtilPercent], [null, null, null]);
});

test('gpuFree', () => {
  assert.deepEqual([...gpuFree([{ index: 0, uuid: 'x', utilPercent: 0, memUsedBytes: MIB, memTotalBytes: 3 * MIB, mig: null }, { index: 1, uuid: 'y', utilPercent: 0, memUsedBytes: null, memTotalBytes: 3 * MIB, mig: null }])], [
    ['x', 2 * MIB],
    ['y', null],
  ]);
});

test('gpuReserveCharges: a short GPU goes to its biggest user among our workers', () => {
  const usage = new Map([
    ['A', new Map([['GPU-a', 8 * GIB]])],
    ['B', new Map([['GPU-a', 2 * GIB], ['GPU-b', 9 * GIB]])],
    ['C', new Map<string, number>()],
  ]);
  const gpus = [
    { uuid: 'GPU-a', currentFree: GIB, averageFree: 1.5 * GIB },
    { uuid: 'GPU-b', currentFree: 30 * GIB, averageFree: 30 * GIB },
  ];
  const c = gpuReserveCharges(2 * GIB, gpus, usage);
  assert.deepEqual(c.get('A'), { averageFree: 1.5 * GIB, currentFree: GIB, isCulprit: true, usedBytes: 8 * GIB });
  assert.equal(c.get('B')?.isCulprit, false);
  assert.equal(c.get('C')?.isCulprit, false);
  assert.equal(c.get('C')?.averageFree, 1.5 * GIB);
  const fine = gpuReserveCharges(GIB, gpus, usage);
  assert.ok([...fine.values()].every((x) => !x.isCulprit));
  const nobody = gpuReserveCharges(2 * GIB, gpus, new Map([['C', new Map<string, number>()]]));
  assert.equal(nobody.get('C')?.isCulprit, false, 'shortage caused by others: nobody of ours charged');
});
