// The terminal goes away while the daemon runs (`aura task.md | head`, a closed pipe, a parent that
// died): nobody reads its output any more. The daemon must go on supervising and finish the run,
// its lines going to .aura/logs/aura.log only. Before the fix, the first write after the reader
// closed was an EPIPE nothing caught; the fatal path logged it to the same closed pipe, which failed
// again: a daemon spinning for ever and filling its log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AURA_BIN, projectsForThisFile, testEnv } from '../helpers/aura.js';

const project = projectsForThisFile();

test('a daemon whose stdout and stderr readers close goes on, finishes the run and says so in its log', { timeout: 60_000 }, async () => {
  const p = project({ 'task.md': '# Gone\n\n- [ ] Make it\n  - id: make\n  - run: `sleep 1; echo made > out.txt`\n  - produces: `out.txt`\n' });
  const child = spawn(process.execPath, [AURA_BIN, 'task.md', '--exit-when-done', '--verbose'], { cwd: p.dir, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  // Read the first line, then close both pipes: every later write meets a reader that is gone.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  child.stderr.destroy();
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 0, 'the run finished as if someone were reading');
  assert.equal(p.state().tasks['make']?.status, 'done');
  assert.equal(p.read('out.txt'), 'made\n');
  const logs = path.join(p.dir, '.aura', 'logs');
  const total = readdirSync(logs).reduce((n, f) => n + statSync(path.join(logs, f)).size, 0);
  assert.ok(total < 1_000_000, `the log stays small (${total} bytes): no error loop`);
  assert.match(p.read('.aura/logs/aura.log'), /the daemon's std(out|err) is gone \(EPIPE\)/);
  assert.doesNotMatch(p.read('.aura/logs/aura.log'), /fatal/);
});
