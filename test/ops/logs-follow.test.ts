// `aura logs -f` against a running daemon: output arrives while the worker writes it, the follow goes
// on into the task's next attempt, and a log past its cap is followed through the runner's tail file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TAIL_MARKER } from '../../src/workers/capped-read.js';
import { AURA_BIN, projectsForThisFile, startDaemon, testEnv, waitFor, type Project } from '../helpers/aura.js';

const project = projectsForThisFile();


interface Follower {
  child: ChildProcess;
  /** stdout so far, with when each chunk came. */
  chunks: Array<{ at: number; text: string }>;
  text(): string;
  exited: Promise<number | null>;
}

function follow(args: string[], cwd: string): Follower {
  const child = spawn(process.execPath, [AURA_BIN, 'logs', ...args], { cwd, env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Follower['chunks'] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push({ at: Date.now(), text: c.toString() }));
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  exited.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(`logs -f exited ${code}: ${err}\n`);
  });
  return { child, chunks, text: () => chunks.map((c) => c.text).join(''), exited };
}

async function withDaemon(p: Project, env: Record<string, string>, fn: () => Promise<void>): Promise<void> {
  const d = startDaemon(['task.md', '--interval', '3600', '-q'], { cwd: p.dir, env: testEnv(env) });
  try {
    await fn();
  } finally {
    d.kill();
    await d.exited;
  }
}

describe('aura logs -f', () => {
  test('prints lines as the running worker writes them, and stops cleanly on Ctrl-C', async () => {
    // The worker waits for a go file after its first line, so the rest is surely written while we follow.
    const p = project({
      'task.md': '# Follow\n\n- [ ] Count\n  - id: count\n  - run: `echo line1; while [ ! -f go ]; do sleep 0.05; done; for i in 2 3 4 5 6; do echo line$i; sleep 0.2; done`\n',
    });
    await withDaemon(p, {}, async () => {
      await waitFor('the worker runs', () => p.state().tasks.count?.status === 'running');
      const f = follow(['count', '-f'], p.dir);
      await waitFor('line1', () => f.text().includes('line1\n'), 15_000);
      const go = Date.now();
      writeFileSync(p.file('go'), '');
      await waitFor('the end of the attempt', () => f.text().includes('[attempt 1 exit 0]'), 15_000);
      f.child.kill('SIGINT');
      assert.equal(await f.exited, 0, 'Ctrl-C ends the follow with 0');
      const out = f.text();
      assert.match(out, /^line1\nline2\nline3\nline4\nline5\nline6\n\[attempt 1 exit 0\]\n/);
      for (let i = 1; i <= 6; i++) assert.equal(out.split(`line${i}\n`).length, 2, `line${i} printed once`);
      const last = f.chunks.find((c) => c.text.includes('line6'))!;
      assert.ok(last.at - go >= 800, `line6 arrived as it was written (${last.at - go} ms after go)`);
    });
  });

  test('follows on into the next attempt when the task is retried', async () => {
    const p = project({
      'task.md': '# Retry\n\n- [ ] Flaky\n  - id: flaky\n  - run: `echo start; while [ ! -f go ]; do sleep 0.05; done; for i in 1 2 3; do echo line$i; sleep 0.1; done; exit 1`\n',
    });
    await withDaemon(p, { AURA_MAX_ATTEMPTS: '2' }, async () => {
      await waitFor('the worker runs', () => p.state().tasks.flaky?.status === 'running');
      const f = follow(['flaky', '-f'], p.dir);
      await waitFor('start', () => f.text().includes('start\n'), 15_000);
      writeFileSync(p.file('go'), '');
      await waitFor('attempt 2 ended', () => f.text().includes('[attempt 2 exit 1]'), 15_000);
      f.child.kill('SIGINT');
      await f.exited;
      const out = f.text();
      // Whether "waiting" shows between the attempts depends on how soon the daemon starts the retry
      // (a loaded machine is slower): both are right, as long as the next attempt follows whole.
      assert.match(out, /^start\nline1\nline2\nline3\n\[attempt 1 exit 1\]\n(\[waiting for the next attempt of flaky…\]\n)?==> flaky attempt 2 \(shell\) started .* <==\nstart\nline1\nline2\nline3\n\[attempt 2 exit 1\]\n/);
    });
  });

  test('a log past its cap: head, the tail marker, then the latest lines, each printed once', async () => {
    const p = project({
      'task.md':
        '# Cap\n\n- [ ] Flood\n  - id: flood\n  - run: `for i in $(seq 10 29); do echo line-$i-xxxxxxxxxx; done; while [ ! -f go ]; do sleep 0.05; done; for i in $(seq 30 49); do echo line-$i-xxxxxxxxxx; sleep 0.05; done`\n',
    });
    // 0.0004 MB ≈ 419 bytes: a head of ~209 bytes (11 lines), the rest only in the tail.
    await withDaemon(p, { AURA_OUTPUT_CAP_MB: '0.0004' }, async () => {
      await waitFor('the worker runs', () => p.state().tasks.flood?.status === 'running');
      const f = follow(['flood', '-f'], p.dir);
      // Past the cap already: the head, the marker and the tail so far; then more is written.
      await waitFor('the tail', () => f.text().includes('line-29-'), 15_000);
      writeFileSync(p.file('go'), '');
      await waitFor('the end', () => f.text().includes('[attempt 1 exit 0]'), 15_000);
      f.child.kill('SIGINT');
      await f.exited;
      const out = f.text();
      assert.ok(out.startsWith('line-10-xxxxxxxxxx\n'), out);
      assert.ok(out.includes(`${TAIL_MARKER}\n`), out);
      assert.match(out, /line-49-xxxxxxxxxx\n\[attempt 1 exit 0\]/);
      assert.equal(out.split('line-49-').length, 2, `the last line printed once:\n${out}`);
      const nums = [...out.matchAll(/^line-(\d\d)-x+$/gm)].map((m) => Number(m[1]));
      for (let i = 1; i < nums.length; i++) assert.ok(nums[i]! > nums[i - 1]!, `in order, no repeats:\n${out}`);
    });
  });
});
