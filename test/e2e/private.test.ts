// .aura and the control socket belong to their owner: another local user can neither read the run
// nor pre-create the socket's path to stop the owner's daemon, and a pile of idle connections is not
// held open. Runs as root here, so "another user" is a child process with uid/gid 65534 (nobody).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { AURA_BIN, projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function modeOf(p: string): number {
  return statSync(p).mode & 0o777;
}

/** Runs `node -e code` as nobody; resolves with its stdout. */
function asNobody(code: string, cwd = '/'): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ['-e', code], { cwd, uid: NOBODY, gid: NOBODY, env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.stderr.on('data', (b: Buffer) => (out += b.toString()));
    c.on('exit', () => resolve(out.trim()));
  });
}

describe('.aura is its owner\'s alone', () => {
  test('directories 0700, files 0600, even when the daemon was started with umask 000; workers keep the person\'s umask', async () => {
    const p = project({ 'task.md': '# Private\n\n- [ ] Out\n  - id: out\n  - run: `echo x > out.txt; sleep 30`\n' });
    chmodSync(p.dir, 0o755);
    // umask 000 through a shell, as a careless service file might start it.
    const d = spawn('/bin/sh', ['-c', `umask 000; exec "${process.execPath}" "${AURA_BIN}" task.md --interval 3600`], { cwd: p.dir, env: testEnv(), stdio: 'ignore' });
    try {
      await waitFor('running', () => p.state().tasks['out']?.status === 'running', 20_000);
      await waitFor('out.txt', () => p.exists('out.txt'), 10_000);
      const root = p.file('.aura');
      assert.equal(modeOf(root), 0o700);
      // The status cache is written after every commit (and not fsynced), with the same mode.
      for (const f of ['state/state.json', 'state/journal.jsonl', 'state/status-cache.json', 'logs/aura.log', 'run/daemon.lock']) assert.equal(modeOf(path.join(root, f)), 0o600, f);
      const a = p.state().tasks['out']!.attempts[0]!;
      // The runner starts the worker first and opens its logs right after.
      await waitFor('stdout.log', () => p.exists(path.join('.aura', a.dir, 'stdout.log')), 10_000);
      assert.equal(modeOf(path.join(root, a.dir, 'stdout.log')), 0o600);
      assert.equal(modeOf(path.join(root, 'run/aura.sock')) & 0o077, 0, 'the socket is owner-only');
      // The worker made out.txt with the umask aura was started with (000 → 0666), not aura's 077.
      assert.equal(modeOf(p.file('out.txt')), 0o666);
      if (asRoot) {
        const seen = await asNobody(`try { require('fs').readFileSync(${JSON.stringify(path.join(root, 'state/journal.jsonl'))}); console.log('READ') } catch (e) { console.log(e.code) }`);
        assert.equal(seen, 'EACCES');
        const conn = await asNobody(
          `const s = require('net').createConnection(${JSON.stringify(path.join(root, 'run/aura.sock'))}); s.on('connect', () => { console.log('CONNECTED'); s.destroy() }); s.on('error', (e) => console.log(e.code))`,
        );
        assert.equal(conn, 'EACCES');
      }
    } finally {
      d.kill('SIGTERM');
      await new Promise((r) => d.on('exit', r));
    }
  });

  test('an older .aura left 0755 is brought to 0700; one owned by another user is refused with who owns it', { skip: asRoot ? false : 'needs root to chown' }, async () => {
    const p = project({ 'task.md': '# Old\n\n- [ ] One\n  - run: `true`\n' });
    mkdirSync(p.file('.aura'), { mode: 0o755 });
    chmodSync(p.file('.aura'), 0o755);
    const r = await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(modeOf(p.file('.aura')), 0o700);

    const q = project({ 'task.md': '# Theirs\n\n- [ ] One\n  - run: `true`\n' });
    mkdirSync(q.file('.aura'));
    (await import('node:fs')).chownSync(q.file('.aura'), NOBODY, NOBODY);
    const r2 = await runAura(['task.md', '--exit-when-done'], { cwd: q.dir, env: testEnv() });
    assert.equal(r2.code, 5, r2.stdout + r2.stderr);
    assert.match(r2.stderr, /belongs to another user \(UID 65534\)/);
  });

  test('another user running aura status on the project is told whose it is, not to "make it writable"', { skip: asRoot ? false : 'needs root' }, async () => {
    const p = project({ 'task.md': '# Status\n\n- [ ] One\n  - run: `true`\n' });
    chmodSync(p.dir, 0o755);
    await runAura(['task.md', '--exit-when-done'], { cwd: p.dir, env: testEnv() });
    const out = await asNobody(
      `const { spawnSync } = require('child_process'); const r = spawnSync(process.execPath, [${JSON.stringify(AURA_BIN)}, 'status', '--dir', ${JSON.stringify(p.dir)}], { encoding: 'utf8' }); console.log(r.status, r.stdout, r.stderr)`,
    );
    assert.doesNotMatch(out, /make the directory writable/);
    assert.match(out, /private to the user who runs its daemon|belongs to UID 0/);
  });
});

describe('the control socket', () => {
  test('a deep project path puts the socket in a fresh private directory; the old predictable path squatted by someone else stops nothing', async () => {
    const p = project({});
    const deep = path.join(p.dir, 'd'.repeat(60), 'e'.repeat(60));
    mkdirSync(deep, { recursive: true });
    p.write(path.relative(p.dir, path.join(deep, 'task.md')), '# Deep\n\n- [ ] One\n  - id: one\n  - run: `sleep 30`\n');
    // What the old design would have used: /tmp/aura-<hash>.sock. Someone else makes it first.
    const runDir = path.join(deep, '.aura', 'run');
    const squat = path.join(os.tmpdir(), `aura-${createHash('sha256').update(runDir).digest('hex').slice(0, 16)}.sock`);
    mkdirSync(squat, { recursive: true });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: deep, env: testEnv() });
    try {
      await waitFor('running', () => readFileSync(path.join(deep, '.aura/state/journal.jsonl'), 'utf8').includes('"to":"running"'), 20_000);
      const lock = JSON.parse(readFileSync(path.join(runDir, 'daemon.lock'), 'utf8')) as { socketPath: string };
      assert.notEqual(lock.socketPath, squat);
      const dir = path.dirname(lock.socketPath);
      assert.equal(modeOf(dir), 0o700);
      assert.equal(statSync(dir).uid, process.getuid?.());
      const w = await runAura(['wake'], { cwd: deep, env: testEnv() });
      assert.equal(w.code, 0, w.stderr);
      d.kill('SIGTERM');
      await d.exited;
      assert.equal(readdirSync(path.dirname(dir)).includes(path.basename(dir)), false, 'its private directory is removed on exit');
    } finally {
      d.kill('SIGKILL');
      (await import('node:fs')).rmSync(squat, { recursive: true, force: true });
    }
  });

  test('200 idle connections are not held: the daemon closes them and still answers', async () => {
    const p = project({ 'task.md': '# Idle\n\n- [ ] One\n  - run: `sleep 30`\n' });
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir, env: testEnv() });
    try {
      await waitFor('socket', () => p.exists('.aura/run/aura.sock'), 20_000);
      const sockPath = p.file('.aura/run/aura.sock');
      const closed: boolean[] = [];
      const socks = Array.from({ length: 200 }, (_, i) => {
        const s = net.createConnection(sockPath);
        closed[i] = false;
        s.on('close', () => (closed[i] = true));
        s.on('error', () => undefined);
        return s;
      });
      // Idle connections are closed after the 5 s timeout (those past the limit at once).
      await waitFor('all closed by the daemon', () => closed.every(Boolean), 15_000, 100);
      const w = await runAura(['wake'], { cwd: p.dir, env: testEnv() });
      assert.equal(w.code, 0, w.stderr);
      socks.forEach((s) => s.destroy());
    } finally {
      d.kill('SIGTERM');
      await d.exited;
    }
  });
});
