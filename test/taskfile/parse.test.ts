import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { flat, md, needsOf } from './helpers.js';

const EXAMPLE = md(
  '# Train the model',
  '',
  'We want a model that beats the baseline.',
  '',
  '- [ ] Prepare the data',
  '  - run: `node scripts/prep.mjs`',
  '  - produces: `data/train.csv`, `data/test.csv`',
  '  - verify: `node scripts/check.mjs`',
  '  - id: prep',
  '  - budget: 20m',
  '  - worker: shell',
  '- [ ] Train',
  '  - needs: prep',
  '  - budget: 1h30m',
  '  - worker: claude',
);

describe('parseTaskFile: the example', () => {
  const spec = parseTaskFile(EXAMPLE);

  it('reads goal, context and settings', () => {
    assert.equal(spec.goal, 'Train the model');
    assert.equal(spec.context, 'We want a model that beats the baseline.');
    assert.equal(spec.goalOnly, false);
    assert.deepEqual(spec.warnings, []);
    assert.deepEqual(spec.tasks[0], {
      id: 'prep',
      explicitId: true,
      title: 'Prepare the data',
      checked: false,
      run: 'node scripts/prep.mjs',
      produces: ['data/train.csv', 'data/test.csv'],
      verify: 'node scripts/check.mjs',
      needs: [],
      explicitNeeds: false,
      budgetMs: 20 * 60_000,
      worker: 'shell',
      parallel: false,
      extra: {},
      notes: '',
      line: 5,
      children: [],
    });
  });

  it('derives the second id and resolves explicit needs', () => {
    const train = spec.tasks[1]!;
    assert.equal(train.id, 'train');
    assert.equal(train.explicitId, false);
    assert.deepEqual(train.needs, ['prep']);
    assert.equal(train.explicitNeeds, true);
    assert.equal(train.budgetMs, 90 * 60_000);
    assert.equal(train.worker, 'claude');
    assert.equal(train.run, undefined);
  });

  it('is deterministic', () => {
    assert.deepEqual(parseTaskFile(EXAMPLE), spec);
  });
});

describe('parseTaskFile: structure and ordering', () => {
  const cases: Array<{ name: string; text: string; needs: Record<string, string[]>; check?: (s: ReturnType<typeof parseTaskFile>) => void }> = [
    {
      name: 'default: items run top to bottom',
      text: md('# G', '- [ ] A', '- [ ] B', '* [ ] C'),
      needs: { a: [], b: ['a'], c: ['b'] },
    },
    {
      name: 'nested subtasks: siblings ordered among themselves only',
      text: md('# G', '- [ ] A', '  - [ ] A1', '  - [ ] A2', '    - [ ] A2x', '- [ ] B', '  - [ ] B1'),
      needs: { a: [], a1: [], a2: ['a1'], a2x: [], b: ['a'], b1: [] },
      check: (s) => {
        assert.deepEqual(
          s.tasks.map((t) => [t.id, t.children.map((c) => c.id)]),
          [
            ['a', ['a1', 'a2']],
            ['b', ['b1']],
          ],
        );
        assert.equal(s.tasks[0]!.children[1]!.children[0]!.title, 'A2x');
      },
    },
    {
      name: 'checked items are tasks marked done, still in the order',
      text: md('# G', '- [x] A', '- [X] B', '- [ ] C'),
      needs: { a: [], b: ['a'], c: ['b'] },
      check: (s) => assert.deepEqual(s.tasks.map((t) => t.checked), [true, true, false]),
    },
    {
      name: 'parallel section: one step, the next item waits for all of it',
      text: md('# G', '- [ ] Setup', '## Experiments (Parallel)', '- [ ] E1', '- [ ] E2', '- [ ] E3', '## Wrap up', '- [ ] Report', '- [ ] Publish'),
      needs: { setup: [], e1: ['setup'], e2: ['setup'], e3: ['setup'], report: ['e1', 'e2', 'e3'], publish: ['report'] },
    },
    {
      name: 'two parallel sections in a row are two steps',
      text: md('# G', '## A (parallel)', '- [ ] A1', '- [ ] A2', '### B (parallel)', '- [ ] B1', '- [ ] B2'),
      needs: { a1: [], a2: [], b1: ['a1', 'a2'], b2: ['a1', 'a2'] },
    },
    {
      name: 'the goal heading ends a parallel section written before it',
      text: md('## Setup (parallel)', '- [ ] X', '- [ ] Y', '# G', '- [ ] Z'),
      needs: { x: [], y: [], z: ['x', 'y'] },
    },
    {
      name: 'a plain paragraph inside a parallel section does not end it',
      text: md('# G', '## Runs (parallel)', '- [ ] R1', '', 'Both use the GPU.', '', '- [ ] R2', '## After', '- [ ] S'),
      needs: { r1: [], r2: [], s: ['r1', 'r2'] },
    },
    {
      name: 'parallel parent: its children are one step',
      text: md('# G', '- [ ] Sweep', '  - parallel: true', '  - [ ] LR 1', '  - [ ] LR 2', '- [ ] Pick best'),
      needs: { sweep: [], 'lr-1': [], 'lr-2': [], 'pick-best': ['sweep'] },
      check: (s) => assert.equal(s.tasks[0]!.parallel, true),
    },
    {
      name: 'needs: none removes the implicit dependency',
      text: md('# G', '- [ ] A', '- [ ] B', '  - needs: none'),
      needs: { a: [], b: [] },
      check: (s) => assert.equal(s.tasks[1]!.explicitNeeds, true),
    },
    {
      name: 'explicit needs replace the implicit ones, several ids, backticks, nested list form',
      text: md('# G', '- [ ] A', '- [ ] B', '- [ ] C', '  - needs: `a`, b', '- [ ] D', '  - needs:', '    - a', '    - c'),
      needs: { a: [], b: ['a'], c: ['a', 'b'], d: ['a', 'c'] },
    },
    {
      name: 'needs may name a task by title, or by id in another case',
      text: md('# G', '- [ ] Prepare the data', '- [ ] X', '  - id: Fit', '- [ ] Y', '  - needs: Prepare the data, fit'),
      needs: { 'prepare-the-data': [], Fit: ['prepare-the-data'], y: ['prepare-the-data', 'Fit'] },
    },
    {
      name: 'a later item depends on the step before, even when that one has explicit needs',
      text: md('# G', '- [ ] A', '- [ ] B', '  - needs: none', '- [ ] C'),
      needs: { a: [], b: [], c: ['b'] },
    },
    {
      name: 'children may depend on tasks elsewhere in the tree',
      text: md('# G', '- [ ] A', '- [ ] B', '  - [ ] B1', '    - needs: a'),
      needs: { a: [], b: ['a'], b1: ['a'] },
    },
    {
      name: 'derived ids stay unique and explicit ids win over derived ones',
      text: md('# G', '- [ ] Test', '- [ ] Test', '- [ ] Other', '  - id: test-3', '- [ ] Test'),
      needs: { test: [], 'test-2': ['test'], 'test-3': ['test-2'], 'test-4': ['test-3'] },
    },
    {
      name: 'a task titled "none" does not take the reserved id',
      text: md('# G', '- [ ] None', '- [ ] B'),
      needs: { 'none-2': [], b: ['none-2'] },
    },
    {
      name: 'ordered-list checkboxes and tab indentation',
      text: md('# G', '1. [ ] A', '\t- [ ] A1', '\t- run: make', '2. [ ] B'),
      needs: { a: [], a1: [], b: ['a'] },
      check: (s) => assert.equal(s.tasks[0]!.run, 'make'),
    },
    {
      name: 'a checklist under a plain context bullet is top level',
      text: md('# G', '- Phase one', '  - [ ] A', '- Phase two', '  - [ ] B'),
      needs: { a: [], b: ['a'] },
      check: (s) => assert.equal(s.context, '- Phase one\n- Phase two'),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const spec = parseTaskFile(c.text);
      assert.deepEqual(needsOf(spec), c.needs);
      c.check?.(spec);
    });
  }
});

describe('parseTaskFile: goal, context, notes', () => {
  it('a file without a checklist has no items: the goal itself is the one task (the root, see core/tree)', () => {
    const spec = parseTaskFile(md('# Make the website faster', '', 'Measure first.', '', '- a plain bullet'));
    assert.equal(spec.goalOnly, true);
    assert.equal(spec.goal, 'Make the website faster');
    assert.equal(spec.context, 'Measure first.\n\n- a plain bullet');
    assert.deepEqual(spec.tasks, []);
  });

  it('context keeps text before the goal, headings and paragraphs; collapses the gaps tasks leave', () => {
    const spec = parseTaskFile(md('Intro line', '', '# Goal ##', '', 'Para 1', '', '- [ ] A', '', '', 'Para 2', '## Section', 'Para 3'));
    assert.equal(spec.goal, 'Goal');
    assert.equal(spec.context, 'Intro line\n\nPara 1\n\nPara 2\n## Section\nPara 3');
  });

  it('nested bullets and paragraphs under a task are its notes, dedented', () => {
    const spec = parseTaskFile(
      md(
        '# G',
        '- [ ] Clean the data',
        '  Drop rows with missing labels.',
        '  - keep the raw files',
        '    (they are big)',
        '',
        '  Note: Upper-case keys are notes, not settings.',
        '  - run: make clean',
        '  - [ ] Sub',
        '    sub note',
        '  back to the parent',
        'Context again.',
      ),
    );
    const [clean] = spec.tasks;
    assert.equal(
      clean!.notes,
      'Drop rows with missing labels.\n- keep the raw files\n  (they are big)\n\nNote: Upper-case keys are notes, not settings.\nback to the parent',
    );
    assert.equal(clean!.run, 'make clean');
    assert.equal(clean!.children[0]!.notes, 'sub note');
    assert.equal(spec.context, 'Context again.');
  });

  it('a heading indented under a task is a note and does not end a parallel section', () => {
    const spec = parseTaskFile(md('# G', '## Runs (parallel)', '- [ ] R1', '  ## How', '  Use the GPU.', '- [ ] R2'));
    assert.equal(spec.tasks[0]!.notes, '## How\nUse the GPU.');
    assert.deepEqual(needsOf(spec), { r1: [], r2: [] });
  });

  it('a setting nested under a note bullet is a note, not a setting', () => {
    const spec = parseTaskFile(md('# G', '- [ ] A', '  - details', '    - run: not a setting'));
    assert.equal(spec.tasks[0]!.run, undefined);
    assert.equal(spec.tasks[0]!.notes, '- details\n  - run: not a setting');
  });

  it('unknown keys go to extra with a warning naming key, line and known keys', () => {
    const spec = parseTaskFile(md('# G', '- [ ] A', '  - timeout: 5m', '  - owner: `ana`'), { file: 'task.md' });
    assert.deepEqual(spec.tasks[0]!.extra, { timeout: '5m', owner: 'ana' });
    assert.equal(spec.warnings.length, 2);
    assert.match(spec.warnings[0]!, /^task\.md:3: unknown setting "timeout" on task "A"/);
    assert.match(spec.warnings[0]!, /known settings: run, produces, verify, id, needs, budget, worker, parallel/);
    assert.match(spec.warnings[1]!, /^task\.md:4: unknown setting "owner"/);
  });

  it('warns on odd but harmless settings', () => {
    const spec = parseTaskFile(
      md('# G', '- [ ] A', '  - worker: robot', '  - parallel: maybe', '  - run: a', '  - run: b', '  - verify:', '  - produces:'),
    );
    assert.equal(spec.tasks[0]!.run, 'b');
    assert.equal(spec.tasks[0]!.worker, 'robot');
    assert.deepEqual(spec.warnings.map((w) => w.replace(/:.*/, '')), ['line 3', 'line 4', 'line 6', 'line 7', 'line 8']);
    assert.match(spec.warnings[2]!, /second "run:" .* \(first on line 5\); the later value wins/);
    const lone = parseTaskFile(md('# G', '- [ ] A', '  - parallel: true'));
    assert.match(lone.warnings[0]!, /parallel: true .* has no subtasks/);
  });

  it('CRLF line ends and a BOM', () => {
    const text = '\uFEFF# Goal\r\n\r\nContext\r\n- [ ] A\r\n  - run: make\r\n- [ ] B\r'.replace(/\r$/, '\r\n');
    const spec = parseTaskFile(text);
    assert.equal(spec.goal, 'Goal');
    assert.equal(spec.context, 'Context');
    assert.deepEqual(needsOf(spec), { a: [], b: ['a'] });
    assert.equal(spec.tasks[0]!.run, 'make');
    assert.deepEqual(parseTaskFile(text.replace(/\r\n/g, '\r')), spec);
  });

  it('ignores headings and checklists inside fenced code blocks', () => {
    const spec = parseTaskFile(
      md('```md', '# Not the goal', '- [ ] not a task', '```', '# Real goal', '~~~~', '- [ ] still not', '~~~', '~~~~', '- [ ] A', '```js``` is inline code', '- [ ] B'),
    );
    assert.equal(spec.goal, 'Real goal');
    assert.deepEqual(flat(spec).map((t) => t.id), ['a', 'b']);
    assert.match(spec.context, /- \[ \] not a task/);
    assert.match(spec.context, /- \[ \] still not/);
  });

  it('an unclosed fence swallows the rest of the file', () => {
    const spec = parseTaskFile(md('# G', '```', '- [ ] A'));
    assert.equal(spec.goalOnly, true);
  });

  it('accepts budget spellings', () => {
    const cases: Array<[string, number]> = [
      ['90s', 90_000],
      ['20m', 1_200_000],
      ['1h30m', 5_400_000],
      ['2h', 7_200_000],
      ['45', 2_700_000],
      ['1.5h', 5_400_000],
      ['`1 h 5 min`', 3_900_000],
      ['2 hours', 7_200_000],
    ];
    for (const [value, ms] of cases) {
      const spec = parseTaskFile(md('# G', '- [ ] A', `  - budget: ${value}`));
      assert.equal(spec.tasks[0]!.budgetMs, ms, value);
    }
  });

  it('records 1-based lines', () => {
    const spec = parseTaskFile(md('# G', '', '- [ ] A', '  - [ ] B'));
    assert.deepEqual(flat(spec).map((t) => t.line), [3, 4]);
  });
});

describe('parseTaskFile: HTML comments are the author\'s notes', () => {
  it('never become context, notes or tasks, and line numbers still point at the file', () => {
    const spec = parseTaskFile(
      md(
        '# G <!-- private: the real deadline is Friday -->',
        '<!-- a note',
        '- [ ] Hidden task',
        'end of note -->',
        'Visible context. <!-- secret -->',
        '- [ ] Build <!-- ask Sam -->',
        '  - run: make',
        '  Use the fast path. <!-- not for the agent -->',
        '- [ ] Ship',
        '  - run: ship',
        '  - budget: oops',
      ).replace('  - budget: oops\n', ''),
    );
    assert.equal(spec.goal, 'G');
    assert.deepEqual(spec.tasks.map((t) => [t.id, t.title, t.line]), [
      ['build', 'Build', 6],
      ['ship', 'Ship', 9],
    ]);
    assert.equal(spec.context, 'Visible context.');
    assert.equal(spec.tasks[0]!.notes, 'Use the fast path.');
    for (const t of [spec.context, ...spec.tasks.map((x) => x.notes + x.title)]) assert.doesNotMatch(t, /secret|Sam|agent|Friday|Hidden/);
  });

  it('are literal inside fenced code and inline code', () => {
    const spec = parseTaskFile(md('# G', '```html', '<!-- kept -->', '```', '- [ ] Grep', '  - run: `grep -c "<!--" page.html`'));
    assert.match(spec.context, /<!-- kept -->/);
    assert.equal(spec.tasks[0]!.run, 'grep -c "<!--" page.html');
  });

  it('an error after a multi-line comment names the right line', () => {
    assert.throws(() => parseTaskFile(md('# G', '<!--', 'x', '-->', '- [ ] A', '  - budget: soon')), /line 6/);
  });
});

describe('parseTaskFile: numbered items (the ancestor\'s tasks) are context, with a warning', () => {
  it('names the lines and says how to write them as tasks', () => {
    const spec = parseTaskFile(md('# G', '## Tasks', '1. Add error handling', '2. Write tests', '', 'Then:', '3) Deploy'));
    assert.equal(spec.goalOnly, true);
    assert.deepEqual(spec.tasks, []);
    assert.match(spec.context, /1\. Add error handling/);
    assert.equal(spec.warnings.length, 1);
    assert.match(spec.warnings[0]!, /^line 3: numbered items on lines 3-4, 7 are context, not tasks/);
    assert.match(spec.warnings[0]!, /- \[ \] Add error handling/);
  });

  it('numbered checklist items are tasks, numbered notes under a task are notes: no warning', () => {
    const spec = parseTaskFile(md('# G', '1. [ ] First', '   1. step one', '   2. step two', '2. [ ] Second'));
    assert.deepEqual(spec.tasks.map((t) => t.id), ['first', 'second']);
    assert.deepEqual(spec.warnings, []);
  });
});

describe('parseTaskFile: `goal` is the root\'s id', () => {
  it('an explicit id: goal is refused, a derived one steps aside', () => {
    assert.throws(() => parseTaskFile(md('# G', '- [ ] A', '  - id: goal')), /"goal" is reserved: it is the goal itself/);
    const spec = parseTaskFile(md('# G', '- [ ] Goal', '- [ ] goal'));
    assert.deepEqual(spec.tasks.map((t) => t.id), ['goal-2', 'goal-3']);
  });
});
