// `aura status` skips the command tree for its plain forms (src/cli/fast.ts). What it takes must be
// exactly what commander would have parsed; everything else must go to commander (help, errors,
// --watch, spellings it does not know).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { statusArgs } from '../../src/cli/fast.js';
import { buildProgram } from '../../src/cli/main.js';
import { projectsForThisFile, runAura } from '../helpers/aura.js';

const project = projectsForThisFile();

/** The options commander gives the status command for `args`, or the error it exits with. */
function commanderParse(args: string[]): Record<string, unknown> | 'error' {
  const program = buildProgram();
  let got: Record<string, unknown> | null = null;
  const override = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    c.commands.forEach(override);
  };
  override(program);
  const status = program.commands.find((c) => c.name() === 'status')!;
  status.action((o: Record<string, unknown>) => {
    got = o;
  });
  try {
    program.parse(['node', 'aura', ...args]);
  } catch {
    return 'error';
  }
  return got ?? 'error';
}

describe('the fast path for aura status', () => {
  const taken: string[][] = [
    ['status'],
    ['status', '--json'],
    ['status', '-d', 'proj'],
    ['status', '--dir', 'some/proj'],
    ['status', '--dir=proj'],
    ['status', '--json', '-d', '/abs/proj'],
    ['status', '-d', 'proj', '--json'],
    ['status', '--dir', 'a b'],
  ];
  for (const args of taken) {
    test(`takes ${args.join(' ')} as commander does`, () => {
      const fast = statusArgs(args);
      assert.ok(fast, 'taken');
      const c = commanderParse(args);
      assert.notEqual(c, 'error');
      const { interval: _interval, ...rest } = c as Record<string, unknown>; // --watch's, unused without it
      assert.deepEqual(fast, rest);
    });
  }

  const left: string[][] = [
    ['wake'],
    [],
    ['status', '--help'],
    ['status', '-h'],
    ['status', '--watch'],
    ['status', '-w'],
    ['status', '--interval', '2'],
    ['status', '--json', '--json'],
    ['status', '-d'],
    ['status', '--dir'],
    ['status', '--dir='],
    ['status', '-d', 'a', '-d', 'b'],
    ['status', '-d', '--json'],
    ['status', '-dproj'],
    ['status', '--bogus'],
    ['status', 'extra'],
    ['--json', 'status'],
  ];
  for (const args of left) {
    test(`leaves ${args.join(' ') || '(nothing)'} to commander`, () => {
      assert.equal(statusArgs(args), null);
    });
  }

  test('through the real launcher: the same text, and errors reported as before', async () => {
    const p = project({ 'task.md': '# G\n\n- [ ] a\n  - run: `true`\n' });
    const none = await runAura(['status'], { cwd: p.dir });
    assert.equal(none.code, 4, none.stderr);
    assert.match(none.stderr, /^aura: no aura run in /);
    const bad = await runAura(['status', '--bogus'], { cwd: p.dir });
    assert.equal(bad.code, 2, bad.stderr);
  });
});
