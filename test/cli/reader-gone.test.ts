// The commands that run until stopped (`aura status --watch`, `aura logs -f`) when their reader goes
// away, as `| head -5` does: the pipe closes, the next write fails with EPIPE. They end quietly with
// exit 0, like `tail -f | head`, never with an uncaught error and a stack trace.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { AURA_BIN, projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();

/** Runs aura, closes our end of its stdout after its first output, and says how it ended. */
async function closeAfterFirstOutput(args: string[], cwd: string): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const child = spawn(process.execPath, [AURA_BIN, ...args], { cwd, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  await new Promise((r) => child.stdout.once('data', r));
  child.stdout.destroy(); // the reader is gone
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const end = await exited;
  clearTimeout(timer);
  return { ...end, stderr };
}

describe('a reader that goes away', () => {
  test('aura status --watch ends quietly with exit 0', async () => {
    const p = project({ 'task.md': '# Gone\n\n- [ ] A\n  - id: a\n  - run: `true`\n' });
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir });
    assert.equal(r.code, 0, r.stderr);
    const end = await closeAfterFirstOutput(['status', '--watch', '--interval', '0.2'], p.dir);
    assert.equal(end.signal, null, 'it ended by itself, not by our kill');
    assert.equal(end.code, 0, end.stderr);
    assert.doesNotMatch(end.stderr, /EPIPE|Error|at /);
  });

  test('aura logs -f ends quietly with exit 0', async () => {
    const p = project({ 'task.md': '# Gone\n\n- [ ] Talk\n  - id: talk\n  - run: `while true; do echo line; sleep 0.1; done`\n' });
    const d = startDaemon(['task.md', '--interval', '3600', '-q'], { cwd: p.dir, env: testEnv() });
    try {
      await waitFor('the worker runs', () => p.state().tasks.talk?.status === 'running');
      const end = await closeAfterFirstOutput(['logs', 'talk', '-f'], p.dir);
      assert.equal(end.signal, null, 'it ended by itself, not by our kill');
      assert.equal(end.code, 0, end.stderr);
      assert.doesNotMatch(end.stderr, /EPIPE|Error|at /);
    } finally {
      d.kill();
      await d.exited;
    }
  });
});
