// The README checker itself: it must find aura command lines however the README writes them, and it
// must fail on a command or flag that does not exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from '../../src/cli/main.js';
import { auraCalls, checkMarkdown, shellWords } from './cli-usage.js';

const program = buildProgram();
const problems = (md: string) => checkMarkdown(md, program).map((p) => `${p.line}: ${p.problem}`);

describe('shellWords', () => {
  const rows: Array<[string, string[]]> = [
    ['aura wake --reason "new data is in"', ['aura', 'wake', '--reason', 'new data is in']],
    ["a 'b c' d\\ e", ['a', 'b c', 'd e']],
    ['x ""', ['x', '']],
  ];
  for (const [text, want] of rows) it(text, () => assert.deepEqual(shellWords(text), want));
});

describe('auraCalls', () => {
  it('finds calls in code blocks, inline code and table rows, through npm start and node bin/aura.js', () => {
    const md = [
      'Run `aura status --json` or `aura pause` / `aura resume`.',
      '```sh',
      '$ cd p && aura init --force   # a comment --not-a-flag',
      'AURA_X=1 aura task.md --once | tee log',
      'npm start -- tasks/x.md --exit-when-done',
      'node bin/aura.js status --dir tasks',
      'echo aura is not here',
      '```',
      '| `aura logs <task> [-f] [--events]` | follows with `-n N` |',
    ].join('\n');
    assert.deepEqual(
      auraCalls(md).map((c) => [c.line, c.words.join(' ')]),
      [
        [1, 'status --json'],
        [1, 'pause'],
        [1, 'resume'],
        [3, 'init --force'],
        [4, 'task.md --once'],
        [5, 'start tasks/x.md --exit-when-done'],
        [6, 'status --dir tasks'],
        [9, 'logs <task> [-f] [--events]'],
        [9, 'logs -n N'],
      ],
    );
  });
});

describe('checkMarkdown', () => {
  it('accepts real commands and flags in usage notation', () => {
    const md = [
      '`aura <task-file>` · `aura --version` · `aura -V` · `aura init [task-file] [--force] [--no-check]`',
      '`aura clean-workspaces [--age <days>] [--dry-run \\| --yes] [--json]` · `aura status -w` · `aura start x.md -q/--quiet`',
      '`aura stop --no-wait` · `aura history -n 5` · `aura setup --set KEY=VALUE…` · `aura logs t --help`',
      '```sh',
      'npm start -- tasks/example_mission.md --exit-when-done',
      '```',
    ].join('\n');
    assert.deepEqual(problems(md), []);
  });

  it('fails on a made-up flag, naming the command and the flag', () => {
    assert.deepEqual(problems('Use `aura status --made-up`.'), ['1: aura status has no option --made-up']);
    assert.deepEqual(problems('```\naura task.md --exit-when-dne\n```'), ['2: aura start has no option --exit-when-dne']);
    assert.deepEqual(problems('```\nnpm start -- t.md --onse\n```'), ['2: aura start has no option --onse']);
    assert.deepEqual(problems('`aura init -x`'), ['1: aura init has no option -x']);
    assert.deepEqual(problems('| `aura wake` | then `--loud` |'), ['1: aura wake has no option --loud']);
    assert.deepEqual(problems('`aura --verbose-version`'), ['1: aura has no option --verbose-version']);
  });

  it('a flag of another command does not count', () => {
    assert.deepEqual(problems('`aura wake --events`'), ['1: aura wake has no option --events']);
  });

  it('fails on a command that does not exist', () => {
    assert.deepEqual(problems('`aura deploy --now`'), ['1: unknown command "deploy"']);
  });
});
