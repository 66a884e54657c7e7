// The command transport with real /bin/sh processes, and the desktop transport with a stand-in
// notify-send script.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Notifier, eventPayload, messageFor } from '../../src/notify/index.js';
import { readStat } from '../../src/proc/index.js';
import { makeFilesPrivate } from '../../src/util/umask.js';
import { SAMPLES, config, makeLog, receiver, timed } from './helpers.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'aura-notify-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Running (a zombie counts as dead: it is killed, only waiting for whoever reaps orphans). */
function alive(pid: number): boolean {
  if (process.platform === 'linux') {
    const st = readStat(pid);
    return st !== null && st.state !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

async function until(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('command: gets the event as JSON on stdin and AURA_EVENT / AURA_EVENT_TEXT, without aura settings', async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'event.json');
  const envOut = path.join(dir, 'env.txt');
  // It sleeps first, so a notify() that waited for it would take 1 s or more: returning before that says it
  // did not (a bound in ms on a shared machine would only measure the machine).
  const command = `sleep 1; cat > '${out}'; printf '%s\\n%s\\n%s\\n' "$AURA_EVENT" "$AURA_EVENT_TEXT" "\${AURA_API_KEY-unset}" > '${envOut}'`;
  const log = makeLog();
  const n = new Notifier(config({ command }), {
    log: log.log,
    env: { PATH: process.env.PATH, AURA_API_KEY: 'sk-secret' },
  });
  const ms = timed(() => n.notify(SAMPLES.watchdog_kill));
  assert.ok(ms < 1000, `notify took ${ms} ms: it waited for the command`);
  await n.close();
  assert.deepEqual(log.lines, []);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), eventPayload(SAMPLES.watchdog_kill));
  assert.deepEqual(readFileSync(envOut, 'utf8').split('\n'), ['watchdog_kill', messageFor(SAMPLES.watchdog_kill), 'unset', '']);
});

test('command: a command that ignores stdin is fine; a failing one is logged with its exit code and stderr', async () => {
  const log = makeLog();
  const ok = new Notifier(config({ command: 'true' }), { log: log.log });
  ok.notify(SAMPLES.goal_done);
  await ok.close();
  assert.deepEqual(log.lines, []);

  const bad = new Notifier(config({ command: 'echo "no route to pager" >&2; exit 3' }), { log: log.log });
  bad.notify(SAMPLES.task_blocked);
  await bad.close();
  assert.equal(log.lines.length, 1);
  assert.match(log.lines[0] ?? '', /^notify command: task_blocked not delivered: exited with code 3: no route to pager \(after \d+\.\d s\)$/);
});

test('command: a hanging command is killed after the timeout, its whole group with it', async (t) => {
  const dir = tempDir(t);
  const pidFile = path.join(dir, 'child.pid');
  // The shell starts a background child and waits: killing only the shell would leave the child.
  const command = `sleep 30 & echo $! > '${pidFile}'; wait`;
  const log = makeLog();
  const n = new Notifier(config({ command }), { log: log.log, timeouts: { commandMs: 300 } });
  n.notify(SAMPLES.task_failed);
  await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the child pid');
  const child = Number(readFileSync(pidFile, 'utf8').trim());
  assert.ok(alive(child));
  const line = await log.waitFor(/^notify command: task_failed not delivered: /);
  assert.match(line, /no exit within 0.3 s; killed it/);
  await until(() => !alive(child), 'the background child to die');
  await n.close();
});

test('per-transport filters: the command and the webhook each get only their own list', async (t) => {
  const dir = tempDir(t);
  const seen = path.join(dir, 'seen.txt');
  const r = await receiver();
  t.after(() => r.close());
  const log = makeLog();
  const n = new Notifier(
    config({
      webhookUrl: r.url,
      command: `echo "$AURA_EVENT" >> '${seen}'`,
      events: ['task_failed', 'task_blocked'],
      commandEvents: ['goal_done', 'task_failed'],
    }),
    { log: log.log },
  );
  for (const e of Object.values(SAMPLES)) n.notify(e);
  await n.close();
  assert.deepEqual(log.lines, []);
  assert.deepEqual(r.got.map((g) => g.body.event), ['task_failed', 'task_blocked']);
  assert.deepEqual(readFileSync(seen, 'utf8').trim().split('\n'), ['goal_done', 'task_failed']);
});

test('desktop: runs the notifier found on PATH once with the text as an argument; absent → off with one notice', async (t) => {
  const dir = tempDir(t);
  const args = path.join(dir, 'args.txt');
  const fake = path.join(dir, 'notify-send');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${args}'\n`);
  chmodSync(fake, 0o755);
  const looked: string[] = [];
  const log = makeLog();
  const n = new Notifier(config({ desktop: true, desktopEvents: ['goal_done'] }), {
    log: log.log,
    platform: 'linux',
    findOnPath: (name) => (looked.push(name), fake),
  });
  n.notify(SAMPLES.goal_done);
  n.notify(SAMPLES.task_failed); // not in the desktop list
  n.notify(SAMPLES.goal_done);
  await n.close();
  assert.deepEqual(log.lines, []);
  assert.deepEqual(looked, ['notify-send'], 'looked up once, at start');
  const m = messageFor(SAMPLES.goal_done);
  assert.deepEqual(readFileSync(args, 'utf8').trim().split('\n'), ['--app-name=aura', '--', 'aura', m, '--app-name=aura', '--', 'aura', m]);

  const log2 = makeLog();
  const off = new Notifier(config({ desktop: true }), { log: log2.log, platform: 'linux', findOnPath: () => null });
  off.notify(SAMPLES.goal_done);
  off.notify(SAMPLES.task_failed);
  await off.close();
  assert.deepEqual(log2.lines, ['notify desktop: notify-send is not on PATH; desktop notifications are off']);
});

// Last in this file: it makes this test process private (umask 077) for good, as the daemon does.
test("command: runs under the umask the person started aura with, not aura's private one", async (t) => {
  const dir = tempDir(t);
  const out = path.join(dir, 'umask.txt');
  process.umask(0o022);
  makeFilesPrivate();
  const log = makeLog();
  const n = new Notifier(config({ command: `umask > '${out}'` }), { log: log.log });
  n.notify(SAMPLES.goal_done);
  await n.close();
  assert.deepEqual(log.lines, []);
  assert.equal(readFileSync(out, 'utf8').trim(), '0022');
});
