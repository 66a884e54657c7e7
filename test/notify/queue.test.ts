import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryQueue } from '../../src/notify/queue.js';

function gate() {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
}

test('DeliveryQueue: one at a time, in order; failures reported and the queue goes on', async () => {
  const seen: string[] = [];
  const failed: string[] = [];
  const q = new DeliveryQueue<string>(20, {
    deliver: async (s) => {
      seen.push(`start ${s}`);
      await new Promise((r) => setTimeout(r, 5));
      if (s === 'b') throw new Error('boom');
      seen.push(`end ${s}`);
    },
    failed: (s, err) => failed.push(`${s}: ${(err as Error).message}`),
    dropped: () => assert.fail('nothing should drop'),
  });
  q.push('a');
  q.push('b');
  q.push('c');
  assert.deepEqual(seen, [], 'nothing runs on the caller’s turn');
  await q.idle();
  assert.deepEqual(seen, ['start a', 'end a', 'start b', 'start c', 'end c']);
  assert.deepEqual(failed, ['b: boom']);
  assert.equal(q.size, 0);
});

test('DeliveryQueue: past max waiting, the oldest waiting item is dropped', async () => {
  const g = gate();
  const delivered: number[] = [];
  const dropped: number[] = [];
  const q = new DeliveryQueue<number>(2, {
    deliver: async (n) => {
      if (n === 0) await g.p;
      delivered.push(n);
    },
    failed: (n) => assert.fail(`item ${n} failed`),
    dropped: (n) => dropped.push(n),
  });
  q.push(0);
  await new Promise((r) => setImmediate(r)); // 0 is now in flight
  for (let n = 1; n <= 5; n++) q.push(n);
  assert.deepEqual(dropped, [1, 2, 3]);
  assert.equal(q.size, 3);
  g.open();
  await q.idle();
  assert.deepEqual(delivered, [0, 4, 5]);
});

test('DeliveryQueue: clear() forgets the waiting items and says how many', async () => {
  const g = gate();
  const delivered: number[] = [];
  const q = new DeliveryQueue<number>(20, {
    deliver: async (n) => {
      await g.p;
      delivered.push(n);
    },
    failed: () => assert.fail(),
    dropped: () => assert.fail(),
  });
  q.push(1);
  await new Promise((r) => setImmediate(r));
  q.push(2);
  q.push(3);
  assert.equal(q.clear(), 2);
  g.open();
  await q.idle();
  assert.deepEqual(delivered, [1]);
});
