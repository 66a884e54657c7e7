import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WakeQueue } from '../../src/daemon/wake.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('WakeQueue', () => {
  test('a burst of wakes is one cycle, with every reason', async () => {
    const cycles: string[][] = [];
    let n = 0;
    const q = new WakeQueue(async (reasons, started) => {
      started(++n);
      cycles.push(reasons);
    }, (err) => assert.fail(String(err)));
    q.wakeNoWait('a');
    q.wakeNoWait('b');
    q.wakeNoWait('a');
    await q.idle();
    assert.deepEqual(cycles, [['a', 'b']]);
  });

  test('a wake during a cycle runs the next cycle as soon as this one ends', async () => {
    const cycles: string[][] = [];
    let release!: () => void;
    let n = 0;
    const q = new WakeQueue(async (reasons, started) => {
      started(++n);
      cycles.push(reasons);
      if (n === 1) await new Promise<void>((r) => (release = r));
    }, (err) => assert.fail(String(err)));
    q.wakeNoWait('first');
    await tick();
    assert.equal(q.busy, true);
    const ack = q.wake('during');
    await tick();
    assert.equal(cycles.length, 1, 'the second cycle waits for the first');
    release();
    const c = await ack;
    assert.equal(c.cycle, 2);
    assert.deepEqual(c.reasons, ['during']);
    await q.idle();
    assert.deepEqual(cycles, [['first'], ['during']]);
  });

  test('a cycle that throws still answers its callers and the queue goes on', async () => {
    const errors: unknown[] = [];
    let n = 0;
    const q = new WakeQueue(async (_r, started) => {
      n += 1;
      if (n === 1) throw new Error('disk full');
      started(n);
    }, (err) => errors.push(err));
    const ack = await q.wake('x');
    assert.equal(ack.cycle, -1);
    assert.equal(errors.length, 1);
    const ok = await q.wake('y');
    assert.equal(ok.cycle, 2);
  });

  test('after close, wakes are ignored', async () => {
    let n = 0;
    const q = new WakeQueue(async (_r, started) => started(++n), () => undefined);
    q.close();
    q.wakeNoWait('late');
    await tick();
    assert.equal(n, 0);
  });

  test('atRest runs between cycles: at once when idle, else after this cycle and before the next', async () => {
    const log: string[] = [];
    let release!: () => void;
    let n = 0;
    const q = new WakeQueue(async (_reasons, started) => {
      started(++n);
      log.push(`start ${n}`);
      if (n === 1) await new Promise<void>((r) => (release = r));
      log.push(`end ${n}`);
    }, (err) => log.push(`error ${String(err)}`));
    q.atRest(() => log.push('idle read'));
    q.wakeNoWait('first');
    await tick();
    q.wakeNoWait('second'); // queued behind the first
    q.atRest(() => log.push('read'));
    q.atRest(() => {
      throw new Error('a reader fails');
    });
    await tick();
    assert.deepEqual(log, ['idle read', 'start 1'], 'the reader waits for the cycle');
    release();
    await q.idle();
    assert.deepEqual(log, ['idle read', 'start 1', 'end 1', 'read', 'error Error: a reader fails', 'start 2', 'end 2']);
  });
});
