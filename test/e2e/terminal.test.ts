// The foreground daemon's live status line and `aura status --watch`, driven in a real terminal
// (tmux): they redraw in place, do not scroll, and exit cleanly on Ctrl-C.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { AURA_BIN, projectsForThisFile, waitFor } from '../helpers/aura.js';

const project = projectsForThisFile();
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sessions: string[] = [];
after(() => sessions.forEach((s) => spawnSync('tmux', ['kill-session', '-t', s])));

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function startSession(name: string, cwd: string, command: string): void {
  sessions.push(name);
  // A clean environment: no AURA_* from the test runner, a fixed size, no shell rc files.
  tmux('new-session', '-d', '-s', name, '-x', '120', '-y', '30', '-c', cwd, `env -u AURA_CYCLE_INTERVAL TERM=xterm-256color ${command}; sleep 30`);
}

const screen = (name: string) => tmux('capture-pane', '-p', '-t', name);

describe('in a real terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  test('the daemon keeps one live status line at the bottom, redrawn in place, and Ctrl-C drains cleanly', async () => {
    const p = project({ 'task.md': '# Live\n\n- [ ] Wait\n  - id: wait\n  - run: `sleep 30`\n' });
    const name = `aura-live-${process.pid}`;
    startSession(name, p.dir, `${process.execPath} ${AURA_BIN} task.md --interval 3600; echo EXITED=$?`);
    const first = await waitFor('status line', () => {
      const s = screen(name);
      return /aura ▸ 0\/1 done · running wait \d+s/.test(s) ? s : null;
    });
    await new Promise((r) => setTimeout(r, 2500));
    const later = screen(name);
    const statusLines = later.split('\n').filter((l) => l.startsWith('aura ▸'));
    assert.equal(statusLines.length, 1, `one status line, redrawn in place:\n${later}`);
    assert.notEqual(first.match(/running wait (\d+)s/)?.[1], later.match(/running wait (\d+)s/)?.[1], 'the elapsed time moves');
    const logLines = (s: string) => s.split('\n').filter((l) => /^\[\d\d:\d\d:\d\d\]/.test(l)).length;
    assert.equal(logLines(later), logLines(first), 'nothing scrolled while idle');
    tmux('send-keys', '-t', name, 'C-c');
    const done = await waitFor('clean exit', () => {
      const s = screen(name);
      return /EXITED=0/.test(s) ? s : null;
    }, 20_000);
    assert.match(done, /stopping \(received SIGINT\)/);
    assert.equal(p.state().tasks.wait?.status, 'pending', 'the interrupted task waits for the next run');
  });

  test('aura status --watch redraws in place until Ctrl-C', async () => {
    const p = project({ 'task.md': '# Watch\n\n- [ ] Wait\n  - id: wait\n  - run: `sleep 30`\n' });
    const daemon = `aura-daemon-${process.pid}`;
    startSession(daemon, p.dir, `${process.execPath} ${AURA_BIN} task.md --interval 3600 -q`);
    await waitFor('running', () => p.state().tasks.wait?.status === 'running');
    const name = `aura-watch-${process.pid}`;
    startSession(name, p.dir, `${process.execPath} ${AURA_BIN} status --watch; echo EXITED=$?`);
    const a = await waitFor('watch screen', () => {
      const s = screen(name);
      return /watching · Ctrl-C to quit/.test(s) ? s : null;
    });
    await new Promise((r) => setTimeout(r, 2200));
    const b = screen(name);
    assert.equal(b.split('\n').filter((l) => l.startsWith('aura · Watch')).length, 1, 'one frame on screen, not a scrolling list');
    assert.notEqual(a, b, 'it redraws');
    tmux('send-keys', '-t', name, 'C-c');
    const done = await waitFor('clean exit', () => (/EXITED=0/.test(screen(name)) ? screen(name) : null), 10_000);
    assert.doesNotMatch(done, /watching · Ctrl-C/, 'the alternate screen is gone after exit');
    tmux('send-keys', '-t', daemon, 'C-c');
    // Let the daemon finish its drain before the project is removed.
    await waitFor('daemon gone', () => !p.exists('.aura/run/daemon.lock'), 20_000);
  });
});
