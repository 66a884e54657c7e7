import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDelayMs, snapshotDue, type SnapshotFacts } from '../../src/core/snapshot-policy.js';

const base: SnapshotFacts = { entriesSince: 3, bytesSince: 2000, lastBytes: 1_000_000, msSinceLast: 500, lastCostMs: 10, idle: false };

describe('snapshotDue', () => {
  const rows: Array<[string, Partial<SnapshotFacts>, boolean]> = [
    ['busy, recent, small tail → not yet', {}, false],
    ['nothing new since the last one → never, even idle', { entriesSince: 0, idle: true }, false],
    ['idle with entries → now', { idle: true }, true],
    ['no snapshot yet → now', { lastBytes: 0, entriesSince: 0 }, true],
    ['the tail as big as the snapshot → now', { bytesSince: 1_000_000 }, true],
    ['a tiny snapshot does not force one per commit', { lastBytes: 100, bytesSince: 200 }, false],
    ['a second passed and the last one was cheap → now', { msSinceLast: 1000 }, true],
    ['an expensive snapshot (300 ms) waits 30 s', { msSinceLast: 29_000, lastCostMs: 300 }, false],
    ['… and then is due', { msSinceLast: 30_000, lastCostMs: 300 }, true],
    ['… unless the tail is as big as the snapshot first', { msSinceLast: 2000, lastCostMs: 300, bytesSince: 1_000_000 }, true],
  ];
  for (const [name, patch, want] of rows) it(name, () => assert.equal(snapshotDue({ ...base, ...patch }), want));
});

describe('renderDelayMs', () => {
  const rows: Array<[number, number, number]> = [
    [0, 1, 300],
    [300, 1, 0],
    [100, 50, 900],
    [2000, 50, 0],
  ];
  for (const [since, cost, want] of rows) it(`${since} ms since, ${cost} ms to render → wait ${want}`, () => assert.equal(renderDelayMs(since, cost), want));
});
