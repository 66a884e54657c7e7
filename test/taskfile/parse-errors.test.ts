import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { AuraError } from '../../src/util/errors.js';
import { md } from './helpers.js';

function deep(levels: number): string {
  const lines = ['# G'];
  for (let i = 0; i < levels; i++) lines.push(`${'  '.repeat(i)}- [ ] L${i + 1}`);
  return md(...lines);
}

const cases: Array<{ name: string; text: string; message: RegExp; hint?: RegExp }> = [
  { name: 'no goal heading', text: md('Just text', '- [ ] A'), message: /^line 1: no goal heading/, hint: /# Train the model/ },
  { name: '#Goal without a space is not a heading', text: md('#Goal'), message: /no goal heading/ },
  { name: 'setext heading is not enough', text: md('Goal', '===='), message: /no goal heading/ },
  { name: 'empty goal', text: md('', '#   ', '- [ ] A'), message: /^line 2: the goal heading is empty/ },
  {
    name: 'duplicate explicit ids',
    text: md('# G', '- [ ] A', '  - id: prep', '- [ ] B', '  - id: Prep'),
    message: /^line 5: duplicate id "Prep" \(also on line 3\)/,
  },
  {
    name: 'unknown id in needs',
    text: md('# G', '- [ ] A', '- [ ] B', '  - needs: a, trian'),
    message: /^line 4: task "b" needs "trian", which is not a task id in this file \(known ids: a, b\)/,
  },
  {
    name: 'needs: none with other ids',
    text: md('# G', '- [ ] A', '- [ ] B', '  - needs: none, a'),
    message: /^line 4: "needs: none" cannot be combined/,
  },
  { name: 'self dependency', text: md('# G', '- [ ] A', '  - needs: a'), message: /^line 3: task "a" needs itself/ },
  {
    name: 'dependency cycle',
    text: md('# G', '- [ ] A', '  - needs: c', '- [ ] B', '- [ ] C'),
    message: /^line 3: dependency cycle: a → c → b → a$/,
  },
  {
    name: 'subtask needing its parent',
    text: md('# G', '- [ ] P', '  - [ ] C', '    - needs: p'),
    message: /^line 4: dependency cycle: p → c → p$/,
    hint: /parent/,
  },
  {
    name: 'parent needing its own subtask',
    text: md('# G', '- [ ] P', '  - needs: c', '  - [ ] C'),
    message: /^line 3: dependency cycle: p → c → p$/,
  },
  {
    name: 'cycle through a parent and a sibling',
    text: md('# G', '- [ ] A', '  - [ ] A1', '    - needs: b', '- [ ] B'),
    message: /^line 4: dependency cycle: a → a1 → b → a$/,
  },
  { name: 'invalid budget', text: md('# G', '- [ ] A', '  - budget: soon'), message: /^line 3: invalid budget "soon"/, hint: /90s, 20m, 1h30m/ },
  { name: 'zero budget', text: md('# G', '- [ ] A', '  - budget: 0'), message: /^line 3: budget "0" is shorter than one second/ },
  { name: 'huge budget', text: md('# G', '- [ ] A', '  - budget: 200h'), message: /^line 3: budget "200h" is longer than the 7-day maximum/ },
  { name: 'budget with a bad unit', text: md('# G', '- [ ] A', '  - budget: 5 parsecs'), message: /invalid budget/ },
  {
    name: 'path-escaping explicit id',
    text: md('# G', '- [ ] A', '  - id: A1./../../escaped'),
    message: /^line 3: invalid task id "A1\.\/\.\.\/\.\.\/escaped"/,
    hint: /letters, digits/,
  },
  { name: 'id with ..', text: md('# G', '- [ ] A', '  - id: a..b'), message: /invalid task id "a\.\.b": it contains "\.\."/ },
  { name: 'id starting with a dot', text: md('# G', '- [ ] A', '  - id: .hidden'), message: /starts with "\."/ },
  { name: 'id none', text: md('# G', '- [ ] A', '  - id: none'), message: /"none" is reserved/ },
  { name: 'nesting deeper than 8 levels', text: deep(9), message: /^line 10: checklist item nested 9 levels deep \(at most 8\)/ },
  {
    name: 'more than 20000 tasks',
    text: md('# G', ...Array.from({ length: 20_001 }, (_, i) => `- [ ] T${i}`)),
    message: /^line 20002: more than 20000 tasks/,
  },
  { name: 'checklist item without text', text: md('# G', '- [ ]'), message: /^line 2: checklist item has no text/ },
  { name: 'isolate: with an unknown value', text: md('# G', '- [ ] A', '  - isolate: sandbox'), message: /^line 3: isolate "sandbox" on task "A" is not worktree or none/, hint: /isolate: worktree \(a git worktree and branch per attempt\)/ },
];

describe('parseTaskFile errors', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(
        () => parseTaskFile(c.text),
        (err: unknown) => {
          assert.ok(err instanceof AuraError, String(err));
          assert.equal(err.code, 'BAD_TASK_FILE');
          assert.match(err.message, c.message);
          assert.ok(err.hint !== undefined && err.hint.length > 0, 'has a hint');
          if (c.hint) assert.match(err.hint, c.hint);
          return true;
        },
      );
    });
  }

  it('8 levels is fine', () => {
    assert.equal(parseTaskFile(deep(8)).tasks.length, 1);
  });

  it('messages name the file when given', () => {
    assert.throws(() => parseTaskFile(md('# G', '- [ ] A', '  - needs: a'), { file: 'task.md' }), /^AuraError: task\.md:3: /);
  });
});

describe('isolate: (issue 14)', () => {
  it('worktree and none are kept, lower-cased, in extra', () => {
    const spec = parseTaskFile(md('# G', '- [ ] A', '  - isolate: Worktree', '- [ ] B', '  - isolate: none'));
    assert.deepEqual(spec.tasks.map((t) => t.extra.isolate), ['worktree', 'none']);
    assert.deepEqual(spec.warnings, []);
  });
});
