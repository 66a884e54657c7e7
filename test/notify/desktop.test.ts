import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDesktopNotifier } from '../../src/notify/desktop.js';

const found = (name: string) => `/usr/bin/${name}`;
const none = () => null;

test('findDesktopNotifier: notify-send on Linux, osascript on macOS, else off with the reason', () => {
  const cases: Array<[NodeJS.Platform, (n: string) => string | null, string]> = [
    ['linux', found, 'notify-send'],
    ['darwin', found, 'osascript'],
    ['linux', none, 'off: notify-send is not on PATH'],
    ['darwin', none, 'off: osascript is not on PATH'],
    ['win32', found, 'off: no desktop notifier is known on win32'],
  ];
  for (const [platform, find, want] of cases) {
    const r = findDesktopNotifier(platform, find);
    assert.equal('notifier' in r ? r.notifier.name : `off: ${r.off}`, want, platform);
  }
});

test('findDesktopNotifier: the text travels as argv entries, never as script source or an option', () => {
  const nasty = '-x" & do shell script "rm -rf ~';
  const linux = findDesktopNotifier('linux', found);
  assert.ok('notifier' in linux);
  assert.deepEqual(linux.notifier.args('aura', nasty), ['--app-name=aura', '--', 'aura', nasty]);
  const mac = findDesktopNotifier('darwin', found);
  assert.ok('notifier' in mac);
  const args = mac.notifier.args('aura', nasty);
  assert.deepEqual(args.slice(-2), ['aura', nasty]);
  assert.ok(args.slice(0, -2).every((a) => !a.includes(nasty)));
});
