// Bad input exits 2 with a message naming what was wrong (found by the torture suite: subcommands'
// flag errors exited 1, and a task file's parse errors did not name the file).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { projectsForThisFile, runAura } from '../helpers/aura.js';

const project = projectsForThisFile();

describe('bad input', () => {
  test('a bad or incomplete flag on start (the default command) or another command exits 2', async () => {
    const p = project({ 'task.md': '# G\n\n- [ ] a\n  - run: `true`\n' });
    for (const args of [['task.md', '--bogus-flag'], ['start', 'task.md', '--set'], ['task.md', '--set', 'NOEQUALS'], ['task.md', '--set', '=1'], ['task.md', '--project'], ['status', '--bogus']]) {
      const r = await runAura(args, { cwd: p.dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(p.exists('.aura'), false, 'nothing written');
  });

  test("a task file's parse error names the file and the line", async () => {
    const p = project({ 'task.md': '# G\n\n- [ ] a\n  - id: same\n- [ ] b\n  - id: same\n' });
    const r = await runAura(['task.md'], { cwd: p.dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^aura: task\.md:6: duplicate id "same"/);
    assert.equal(p.exists('.aura'), false);
  });
});
