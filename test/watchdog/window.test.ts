import assert from 'node:assert/strict';
import { test } from 'node:test';
import { History, SampleWindow, sparkline } from '../../src/watchdog/window.js';

test('window average covers (now − window, now] and skips unknown readings', () => {
  const cases: Array<{ name: string; pushes: Array<[number, number | null]>; window: number; avg: number | null; size: number }> = [
    { name: 'one reading', pushes: [[0, 5]], window: 1000, avg: 5, size: 1 },
    { name: 'all inside', pushes: [[0, 1], [100, 3]], window: 1000, avg: 2, size: 2 },
    { name: 'old ones drop', pushes: [[0, 100], [500, 1], [1000, 3]], window: 1000, avg: 2, size: 2 },
    { name: 'boundary excluded', pushes: [[0, 100], [200, 2], [400, 4]], window: 400, avg: 3, size: 2 },
    { name: 'unknown skipped', pushes: [[0, 10], [100, null], [200, 20]], window: 1000, avg: 15, size: 3 },
    { name: 'all unknown', pushes: [[0, null], [100, null]], window: 1000, avg: null, size: 2 },
    { name: 'newest kept after a long gap', pushes: [[0, 1], [10_000, 7]], window: 1000, avg: 7, size: 1 },
  ];
  for (const c of cases) {
    const w = new SampleWindow<'x'>(c.window);
    for (const [t, v] of c.pushes) w.push(t, { x: v });
    assert.equal(w.average('x'), c.avg, c.name);
    assert.equal(w.size, c.size, c.name);
  }
});

test('window span and bad sizes', () => {
  const w = new SampleWindow<'x'>(1000);
  assert.equal(w.spanMs(), 0);
  w.push(100, { x: 1 });
  w.push(400, { x: 1 });
  assert.equal(w.spanMs(), 300);
  assert.throws(() => new SampleWindow(0), RangeError);
});

test('history keeps peaks and the last N values', () => {
  const h = new History<'a' | 'b'>(3);
  for (const [a, b] of [[1, null], [5, 2], [3, null], [2, 1]] as Array<[number, number | null]>) h.push({ a, b });
  assert.deepEqual(h.peaks, { a: 5, b: 2 });
  assert.deepEqual(h.values('a'), [5, 3, 2]);
  assert.deepEqual(h.values('b'), [2, null, 1]);
});

test('sparkline', () => {
  const cases: Array<[Array<number | null>, { min?: number; max?: number }, string]> = [
    [[], {}, ''],
    [[0, 1, 2, 3, 4, 5, 6, 7], { max: 8 }, '▁▂▃▄▅▆▇█'],
    [[0, 50, 100], { min: 0, max: 100 }, '▁▅█'],
    [[3, 3, 3], {}, '███'],
    [[0, 0], {}, '▁▁'],
    [[null, 10, null], {}, ' █ '],
    [[null, null], {}, '  '],
    [[150], { min: 0, max: 100 }, '█'],
    [[3.0, 3.1], {}, '██'],
  ];
  for (const [values, scale, want] of cases) assert.equal(sparkline(values, scale), want, JSON.stringify(values));
});
