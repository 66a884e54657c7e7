// What the model reads: the cached stable prefix (tools, system prompt + project, tree structure) and
// the per-cycle delta. Exact layouts for small states, bounds for a 2,000-task tree, and the property
// caching rests on: a change of statuses alone leaves the prefix byte for byte the same.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DeltaInput, type WorkerDigest, LIMITS, deltaMessage, projectBlock, stablePrefix, treeBlock } from '../../src/planner/context.js';
import { SYSTEM_PROMPT } from '../../src/planner/prompt.js';
import { apiTools } from '../../src/planner/tools/index.js';
import type { RunState, TaskState } from '../../src/store/schema.js';
import { at, exited, makeAttempt, makeState, makeTask } from '../core/fixtures.js';

const HEADER = '# Task tree (structure; statuses are in the cycle message)';
const STATUS_WORDS = /\b(pending|running|verifying|failed|blocked|archived)\b|\bdone\b(?!\])/;

function delta(patch: Partial<DeltaInput> = {}): DeltaInput {
  return {
    now: at(90),
    cycle: 7,
    wakeReasons: [],
    changes: [],
    taskFileDiff: null,
    workers: [],
    memory: '',
    session: '',
    review: null,
    unseen: [],
    spend: 'spent $0.12 of $5.00',
    limits: 'max 2 workers',
    ...patch,
  };
}

function worker(patch: Partial<WorkerDigest> = {}): WorkerDigest {
  return { task: 'A', worker: 'shell', attempt: 1, elapsedS: 61.6, lastOutputAgoS: 4.2, events: 0, toolCalls: 0, tokens: null, costUsd: null, lastText: null, resources: null, stallSuspected: false, ...patch };
}

/** `n` tasks: `roots` roots, each with an even share of children (and grandchildren when `fan` is given). */
function bigState(shape: 'flat' | 'wide' | 'chain' | 'deep', status: (i: number) => TaskState['status'] = () => 'pending'): RunState {
  const tasks: TaskState[] = [];
  let i = 0;
  const add = (id: string, parent: string | null) => tasks.push(makeTask(id, { parent, status: status(i++) }));
  if (shape === 'flat') for (let r = 0; r < 2000; r++) add(`t${r}`, null);
  if (shape === 'wide') {
    for (let r = 0; r < 40; r++) {
      add(`r${r}`, null);
      for (let c = 0; c < 49; c++) add(`r${r}-${c}`, `r${r}`);
    }
  }
  if (shape === 'chain') for (let d = 0; d < 2000; d++) add(`c${d}`, d === 0 ? null : `c${d - 1}`);
  if (shape === 'deep') {
    for (let r = 0; r < 5; r++) {
      add(`r${r}`, null);
      for (let c = 0; c < 19; c++) {
        add(`r${r}-${c}`, `r${r}`);
        for (let g = 0; g < 20; g++) add(`r${r}-${c}-${g}`, `r${r}-${c}`);
      }
    }
  }
  assert.equal(tasks.length, 2000);
  return makeState(tasks);
}

describe('projectBlock', () => {
  it('the goal alone', () => {
    assert.equal(projectBlock(makeState([]), {}), '# Goal\nthe goal');
  });

  it("the goal, task.md's context and the non-empty project context fields", () => {
    const s = makeState([], { context: '  Use Postgres.\n' });
    assert.equal(
      projectBlock(s, { summary: 'a CLI', stack: '  ', notes: 'n'.repeat(1200) }),
      `# Goal\nthe goal\n\n# Context from task.md\nUse Postgres.\n\n# Project context (yours, via update_project_context)\nsummary: a CLI\nnotes: ${'n'.repeat(999)}…`,
    );
  });
});

describe('treeBlock', () => {
  it('lays out ids, titles, specs and nesting; finished groups collapse; archived tasks are left out', () => {
    const s = makeState([
      makeTask('A', { run: 'make   a\n  all', worker: 'shell', produces: ['a', 'b', 'c', 'd', 'e'], verify: 'npm test', needs: ['B'], origin: 'aura' }),
      makeTask('B', { title: 'T'.repeat(120) }),
      makeTask('G'),
      makeTask('G1', { parent: 'G', status: 'done' }),
      makeTask('G2', { parent: 'G' }),
      makeTask('H', { status: 'done' }),
      makeTask('H1', { parent: 'H', status: 'done' }),
      makeTask('H2', { parent: 'H', status: 'done' }),
      makeTask('H3', { parent: 'H', status: 'archived' }),
      makeTask('D', { status: 'done' }),
      makeTask('X', { status: 'archived' }),
    ]);
    assert.equal(
      treeBlock(s),
      [
        HEADER,
        '- A: task A (needs B; run: make a all; worker: shell; produces: a, b, c, d, …; verify: npm test; added by aura)',
        `- B: ${'T'.repeat(99)}…`,
        '- G: task G',
        '  - G1: task G1',
        '  - G2: task G2',
        '- H: task H [finished group: 3 tasks, all done]',
        '- D: task D',
      ].join('\n'),
    );
  });

  it('a done group with an open child is not collapsed', () => {
    const s = makeState([makeTask('H', { status: 'done' }), makeTask('H1', { parent: 'H', status: 'done' }), makeTask('H2', { parent: 'H', status: 'pending' })]);
    assert.equal(treeBlock(s), [HEADER, '- H: task H', '  - H1: task H1', '  - H2: task H2'].join('\n'));
  });

  it('nested finished groups collapse at the top-most finished one', () => {
    const s = makeState([
      makeTask('P'),
      makeTask('Q', { parent: 'P', status: 'done' }),
      makeTask('Q1', { parent: 'Q', status: 'done' }),
      makeTask('Q1a', { parent: 'Q1', status: 'done' }),
      makeTask('R', { parent: 'P' }),
    ]);
    assert.equal(treeBlock(s), [HEADER, '- P: task P', '  - Q: task Q [finished group: 3 tasks, all done]', '  - R: task R'].join('\n'));
  });

  const shapes = ['flat', 'wide', 'chain', 'deep'] as const;
  for (const shape of shapes) {
    it(`a 2,000-task ${shape} tree stays within ${LIMITS.treeLines} lines plus a note, with no statuses`, () => {
      const statuses: TaskState['status'][] = ['pending', 'running', 'failed', 'blocked', 'verifying'];
      const block = treeBlock(bigState(shape, (i) => statuses[i % statuses.length]!));
      const lines = block.split('\n');
      assert.equal(lines[0], HEADER);
      assert.ok(lines.length <= 1 + LIMITS.treeLines + 1, `${shape}: ${lines.length} lines`);
      assert.doesNotMatch(block.slice(HEADER.length), STATUS_WORDS);
    });
  }

  it('flat: the first 150 roots and a count of the rest', () => {
    const lines = treeBlock(bigState('flat')).split('\n');
    assert.equal(lines.length, 152);
    assert.equal(lines[150], '- t149: task t149');
    assert.equal(lines[151], '- … 1850 more lines');
  });

  it('wide: roots only, each with a count of its hidden subtasks', () => {
    const lines = treeBlock(bigState('wide')).split('\n');
    assert.equal(lines.length, 1 + 80);
    assert.deepEqual(lines.slice(1, 5), ['- r0: task r0', '  - … 49 subtasks not shown', '- r1: task r1', '  - … 49 subtasks not shown']);
  });

  it('chain: cut at depth 7 with the count below', () => {
    const lines = treeBlock(bigState('chain')).split('\n');
    assert.equal(lines.length, 1 + 8 + 1);
    assert.equal(lines[8], `${'  '.repeat(7)}- c7: task c7`);
    assert.equal(lines[9], `${'  '.repeat(7)}  - … 1992 subtasks not shown`);
  });
});

describe('deltaMessage', () => {
  const small = () =>
    makeState([
      makeTask('A', { status: 'running', reason: 'started by the planner', attempts: [makeAttempt(1, { outcome: null, endedAt: null })] }),
      makeTask('B', { needs: ['A'] }),
      makeTask('C'),
      makeTask('D', { status: 'failed', reason: 'worker exited\nwith code 1', attempts: [exited(1), exited(2)] }),
      makeTask('E', { status: 'done', reason: 'verified' }),
      makeTask('F', { notBefore: at(120).toISOString(), attempts: [exited(1)] }),
    ]);

  it('everything given: each section, in order, exactly', () => {
    const msg = deltaMessage(
      small(),
      delta({
        wakeReasons: ['2 change(s) since the last call', 'task.md changed'],
        changes: ['A started', 'D failed:\n  exit 1'],
        taskFileDiff: '@@ line 3 @@\n+- [ ] new item',
        workers: [worker()],
        memory: '## Facts\n- x',
        session: '- note',
        review: '1. split B',
        unseen: ['spawn_task C: started C'],
      }),
    );
    assert.equal(
      msg,
      [
        '# Cycle 7, 2026-03-01T10:01:30Z',
        'Woken by: 2 change(s) since the last call; task.md changed',
        'spent $0.12 of $5.00',
        'max 2 workers',
        '',
        '## Results of your last calls you did not see',
        '- spawn_task C: started C',
        '',
        '## Changes since your last cycle',
        '- A started',
        '- D failed: exit 1',
        '',
        '## task.md changed (diff against the version you last saw)',
        '```diff',
        '@@ line 3 @@',
        '+- [ ] new item',
        '```',
        '',
        '## Tasks: 1 of 6 done; open ones:',
        '- A: running, attempts 1 — started by the planner',
        '- D: failed, attempts 2 — worker exited with code 1',
        '- B: pending (waits for A)',
        '- C: pending (ready)',
        '- F: pending (backing off until 10:02:00), attempts 1',
        '',
        '## Running workers',
        '- A (shell, attempt 1, 62s; last output 4s ago)',
        '',
        '## Recommendations from the last review (shown once)',
        '1. split B',
        '',
        '## MEMORY.md',
        '## Facts',
        '- x',
        '',
        '## Session notes',
        '- note',
        '',
        'Decide with the tools. Call no_op if nothing needs doing.',
      ].join('\n'),
    );
  });

  it('nothing optional given: those sections are left out, the wake reason is the heartbeat', () => {
    const msg = deltaMessage(small(), delta());
    assert.equal(
      msg,
      [
        '# Cycle 7, 2026-03-01T10:01:30Z',
        'Woken by: heartbeat',
        'spent $0.12 of $5.00',
        'max 2 workers',
        '',
        '## Tasks: 1 of 6 done; open ones:',
        '- A: running, attempts 1 — started by the planner',
        '- D: failed, attempts 2 — worker exited with code 1',
        '- B: pending (waits for A)',
        '- C: pending (ready)',
        '- F: pending (backing off until 10:02:00), attempts 1',
        '',
        'Decide with the tools. Call no_op if nothing needs doing.',
      ].join('\n'),
    );
    for (const absent of ['did not see', 'Changes since', 'task.md changed', 'Running workers', 'review', 'MEMORY.md', 'Session notes']) {
      assert.ok(!msg.includes(absent), `${absent} should be left out`);
    }
  });

  it('every task done: no open list', () => {
    const s = makeState([makeTask('A', { status: 'done' }), makeTask('B', { status: 'done' })]);
    assert.ok(deltaMessage(s, delta()).includes('\n\n## Tasks: 2 of 2 done\n\nDecide with the tools.'));
  });

  it('a worker digest with every detail', () => {
    const msg = deltaMessage(
      makeState([makeTask('A', { status: 'running' })]),
      delta({
        workers: [
          worker({ worker: 'claude', attempt: 2, elapsedS: 10, lastOutputAgoS: null, events: 5, toolCalls: 3, tokens: 1200, costUsd: 0.01234, resources: 'rss 1.2 GB', stallSuspected: true, lastText: 'hello\n  world' }),
        ],
      }),
    );
    assert.ok(
      msg.includes('## Running workers\n- A (claude, attempt 2, 10s; no output yet; 5 events, 3 tool calls; 1200 tokens $0.0123; rss 1.2 GB; STALL SUSPECTED)\n  last said: hello world\n\n'),
      msg,
    );
  });

  it('at most 8 workers are listed', () => {
    const ws = Array.from({ length: 12 }, (_, i) => worker({ task: `w${i}` }));
    const msg = deltaMessage(makeState([]), delta({ workers: ws }));
    assert.equal(msg.split('\n').filter((l) => l.startsWith('- w')).length, LIMITS.workerLines);
  });

  it('changes past the limit: the latest 30 and a count of the earlier ones', () => {
    const changes = Array.from({ length: 35 }, (_, i) => `change ${i}`);
    const msg = deltaMessage(makeState([]), delta({ changes }));
    const section = msg.split('\n\n').find((p) => p.startsWith('## Changes'))!;
    const lines = section.split('\n');
    assert.equal(lines.length, 1 + 1 + 30);
    assert.equal(lines[1], '- … 5 earlier changes not shown (see the journal)');
    assert.equal(lines[2], '- change 5');
    assert.equal(lines.at(-1), '- change 34');
  });

  it('a long diff is clipped', () => {
    const msg = deltaMessage(makeState([]), delta({ taskFileDiff: 'd'.repeat(5000) }));
    assert.ok(msg.includes(`\`\`\`diff\n${'d'.repeat(LIMITS.diffChars - 1)}…\n\`\`\``));
  });

  it('a 2,000-task tree: at most 40 status lines and "… N more"', () => {
    const msg = deltaMessage(bigState('wide'), delta());
    const section = msg.split('\n\n').find((p) => p.startsWith('## Tasks'))!;
    const lines = section.split('\n');
    assert.equal(lines[0], '## Tasks: 0 of 2000 done; open ones:');
    assert.equal(lines.length, 1 + LIMITS.statusLines + 1);
    assert.equal(lines.at(-1), '- … 1960 more open tasks');
    assert.ok(msg.split('\n').length < 60, `${msg.split('\n').length} lines in all`);
  });

  it('running tasks are listed first even when they come last in the tree', () => {
    const tasks = Array.from({ length: 60 }, (_, i) => makeTask(`t${i}`));
    tasks.push(makeTask('late', { status: 'running' }));
    const section = deltaMessage(makeState(tasks), delta()).split('\n\n').find((p) => p.startsWith('## Tasks'))!;
    assert.equal(section.split('\n')[1], '- late: running — new in task.md');
  });
});

describe('stablePrefix', () => {
  const tools = apiTools();
  const base = () =>
    makeState([
      makeTask('A'),
      makeTask('B', { needs: ['A'] }),
      makeTask('G'),
      makeTask('G1', { parent: 'G' }),
      makeTask('G2', { parent: 'G' }),
    ]);

  it('has exactly 3 cache breakpoints: the last tool, the project block, the tree block', () => {
    const p = stablePrefix(base(), tools, { summary: 's' });
    const marked = [...p.tools.map((t, i) => ['tool', i, t.cache_control] as const), ...p.system.map((s, i) => ['system', i, s.cache_control] as const)].filter(([, , c]) => c);
    assert.deepEqual(
      marked.map(([kind, i, c]) => [kind, i, c]),
      [
        ['tool', tools.length - 1, { type: 'ephemeral' }],
        ['system', 1, { type: 'ephemeral' }],
        ['system', 2, { type: 'ephemeral' }],
      ],
    );
    assert.equal(p.system.length, 3);
    assert.equal(p.system[0]!.text, SYSTEM_PROMPT);
    assert.equal(p.system[1]!.text, projectBlock(base(), { summary: 's' }));
    assert.equal(p.system[2]!.text, treeBlock(base()));
    assert.ok(p.system[2]!.text.startsWith(HEADER));
  });

  it('does not mutate the tools it is given', () => {
    const copy = structuredClone(tools);
    stablePrefix(base(), tools, {});
    assert.deepEqual(tools, copy);
    assert.ok(tools.every((t) => !('cache_control' in t)));
  });

  it('two states differing only in statuses, reasons, attempts and backoff give the identical prefix', () => {
    const a = base();
    const b = makeState([
      makeTask('A', { status: 'done', reason: 'verified', attempts: [exited(1, 0)] }),
      makeTask('B', { needs: ['A'], status: 'running', reason: 'started', attempts: [makeAttempt(1, { outcome: null })] }),
      makeTask('G', { status: 'blocked', blockedBy: 'subtask', reason: 'G1 failed' }),
      makeTask('G1', { parent: 'G', status: 'failed', reason: 'out of attempts', attempts: [exited(1), exited(2), exited(3)] }),
      makeTask('G2', { parent: 'G', status: 'pending', notBefore: at(600).toISOString(), attempts: [exited(1)] }),
    ], { cycle: 42, updatedAt: at(999).toISOString(), journalSeq: 77 });
    const pa = stablePrefix(a, tools, { summary: 's' });
    const pb = stablePrefix(b, tools, { summary: 's' });
    assert.equal(JSON.stringify(pb), JSON.stringify(pa));
    assert.doesNotMatch(pb.system[2]!.text.slice(HEADER.length), STATUS_WORDS);
  });

  it('the project context changes only the project block', () => {
    const pa = stablePrefix(base(), tools, { summary: 's' });
    const pb = stablePrefix(base(), tools, { summary: 'changed' });
    assert.notEqual(pb.system[1]!.text, pa.system[1]!.text);
    assert.equal(pb.system[2]!.text, pa.system[2]!.text);
    assert.deepEqual(pb.tools, pa.tools);
  });

  it('a group finishing collapses in the tree block (structure changes, so the tree breakpoint misses once)', () => {
    const done = makeState([makeTask('G', { status: 'done' }), makeTask('G1', { parent: 'G', status: 'done' }), makeTask('G2', { parent: 'G', status: 'done' })]);
    assert.equal(stablePrefix(done, tools, {}).system[2]!.text, `${HEADER}\n- G: task G [finished group: 3 tasks, all done]`);
  });
});
