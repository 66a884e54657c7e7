// The worker pool's stop: stopAll resolves only once every stopped worker's exit has been reported,
// so a daemon that saves state right after (a fatal error, a stop) never records a task as running
// with no worker. The root's exit event can arrive after its tree is gone from /proc; here it is
// held back on purpose to make that order certain.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WorkerPool, type WorkerExit } from '../../src/daemon/pool.js';
import { spawnMarked } from '../../src/workers/spawn.js';

test('stopAll resolves after the exit of every stopped worker was reported, even when the exit event trails the tree', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-pool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const exits: WorkerExit[] = [];
  const pool = new WorkerPool({ graceMs: 1000, adoptPollMs: 50, onExit: (e) => exits.push(e), onStopped: () => {} });
  const marker = `pool-test-${process.pid}-${Date.now()}`;
  const spawned = await spawnMarked({ argv: ['sleep', '30'], cwd: dir, env: { PATH: process.env.PATH }, stdoutFile: path.join(dir, 'out'), stderrFile: path.join(dir, 'err'), marker, runId: marker });
  const late = { ref: spawned.ref, exited: spawned.exited.then(async (x) => (await new Promise((r) => setTimeout(r, 400)), x)) };
  pool.track('w', 1, marker, dir, late, null, false);
  await pool.stopAll('stopping');
  assert.deepEqual(exits.map((e) => [e.task, e.stopReason, e.exit?.signal]), [['w', 'stopping', 'SIGTERM']]);
  assert.equal(pool.size, 0);
});

test('stopAll with no workers does not wait out its bound (grace + 5 s)', { timeout: 30_000 }, async () => {
  const pool = new WorkerPool({ graceMs: 600_000, adoptPollMs: 50, onExit: () => {}, onStopped: () => {} });
  await pool.stopAll('stopping');
});
