// The planner's tools as the model sees them (a JSON snapshot of apiTools()) and as dispatchTool
// parses them: accepted inputs become exact proposals, rejected ones exact is_error answers naming
// the field.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Proposal } from '../../src/core/proposals.js';
import { TOOLS, apiTools, describeZodError, dispatchTool } from '../../src/planner/tools/index.js';
import type { ToolEnv, ToolOutcome } from '../../src/planner/tools/types.js';

const SNAPSHOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '__snapshots__', 'tools.json');

let proj = '';
before(() => {
  proj = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'aura-tools-schema-')));
  writeFileSync(path.join(proj, 'hello.txt'), 'hi\n');
});
after(() => rmSync(proj, { recursive: true, force: true }));
const env = (): ToolEnv => ({ project: proj, readCapBytes: 1024, listCapEntries: 50 });

describe('apiTools: the JSON the model reads', () => {
  it('matches the snapshot (set UPDATE_SNAPSHOTS=1 to rewrite it after an intended change)', () => {
    const now = `${JSON.stringify(apiTools(), null, 2)}\n`;
    if (process.env.UPDATE_SNAPSHOTS === '1') {
      writeFileSync(SNAPSHOT, now);
      return;
    }
    const stored = readFileSync(SNAPSHOT, 'utf8');
    assert.equal(
      now,
      stored,
      `the tools' JSON schema changed; if that is intended, regenerate ${path.relative(process.cwd(), SNAPSHOT)} with UPDATE_SNAPSHOTS=1 npm test -- test/planner/tools-schema`,
    );
  });

  it('lists the tools in order, each an object schema without length limits, defaults or $schema', () => {
    const tools = apiTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['spawn_task', 'kill_task', 'update_task', 'decompose_task', 'read_file', 'list_directory', 'write_memory', 'update_project_context', 'no_op'],
    );
    assert.deepEqual(
      tools.map((t) => t.name),
      TOOLS.map((t) => t.name),
    );
    const text = JSON.stringify(tools);
    for (const quiet of ['"$schema"', '"minLength"', '"maxLength"', '"minItems"', '"maxItems"', '"default"', String(Number.MAX_SAFE_INTEGER)]) {
      assert.ok(!text.includes(quiet), `${quiet} should be compacted away`);
    }
    for (const t of tools) {
      assert.equal(t.input_schema.type, 'object');
      assert.ok(t.description.length > 0, `${t.name} has a description`);
    }
  });

  it('keeps a field named like a quiet keyword (properties are names, not keywords)', () => {
    const odd = { name: 'odd', description: 'd', input: z.object({ default: z.string().max(3), maxLength: z.number() }).strict(), run: () => ({ kind: 'answer' as const, text: '' }) };
    const [t] = apiTools([odd]);
    assert.deepEqual(t!.input_schema, {
      type: 'object',
      properties: { default: { type: 'string' }, maxLength: { type: 'number' } },
      required: ['default', 'maxLength'],
      additionalProperties: false,
    });
  });
});

type Row = [name: string, tool: string, input: unknown, want: Proposal];

const accepted: Row[] = [
  ['spawn_task', 'spawn_task', { task_id: 'A', reason: 'deps done' }, { type: 'spawn', task: 'A', reason: 'deps done' }],
  ['kill_task', 'kill_task', { task_id: 'A', reason: 'stuck' }, { type: 'kill', task: 'A', reason: 'stuck' }],
  ['update_task notes only', 'update_task', { task_id: 'A', reason: 'hint', notes: 'use pnpm' }, { type: 'update', task: 'A', reason: 'hint', notes: 'use pnpm' }],
  [
    'update_task with status and evidence',
    'update_task',
    { task_id: 'A', status: 'pending', reason: 'retry', evidence: 'log shows a flake' },
    { type: 'update', task: 'A', reason: 'retry', status: 'pending', evidence: 'log shows a flake' },
  ],
  ['update_task: empty evidence and notes are dropped', 'update_task', { task_id: 'A', status: 'failed', reason: 'r', evidence: '', notes: '' }, { type: 'update', task: 'A', reason: 'r', status: 'failed' }],
  [
    'decompose_task minimal child: defaults filled',
    'decompose_task',
    { task_id: 'goal', reason: 'split', children: [{ title: 'Write x', acceptance: 'x exists' }] },
    { type: 'decompose', task: 'goal', reason: 'split', children: [{ title: 'Write x', acceptance: 'x exists', produces: [], needs: [] }] },
  ],
  [
    'decompose_task full child: snake_case → camelCase',
    'decompose_task',
    {
      task_id: 'goal',
      reason: 'split',
      children: [
        { id: 'x', title: 'Write x', acceptance: 'x exists', produces: ['x.txt'], verify: 'test -s x.txt', needs: ['y'], run: 'make x', worker: 'shell', budget_minutes: 2.5 },
        { id: 'y', title: 'Write y', acceptance: 'y exists' },
      ],
    },
    {
      type: 'decompose',
      task: 'goal',
      reason: 'split',
      children: [
        { id: 'x', title: 'Write x', acceptance: 'x exists', produces: ['x.txt'], verify: 'test -s x.txt', needs: ['y'], run: 'make x', worker: 'shell', budgetMinutes: 2.5 },
        { id: 'y', title: 'Write y', acceptance: 'y exists', produces: [], needs: [] },
      ],
    },
  ],
  ['write_memory facts', 'write_memory', { section: 'facts', text: 'tests use node:test' }, { type: 'memory', section: 'facts', text: 'tests use node:test' }],
  ['write_memory session', 'write_memory', { section: 'session', text: 'waiting on B' }, { type: 'memory', section: 'session', text: 'waiting on B' }],
  ['update_project_context one field', 'update_project_context', { stack: 'TypeScript' }, { type: 'context', fields: { stack: 'TypeScript' } }],
  ['update_project_context clearing a field', 'update_project_context', { notes: '' }, { type: 'context', fields: { notes: '' } }],
  ['no_op', 'no_op', { reason: 'waiting' }, { type: 'no_op', reason: 'waiting' }],
  ['no_op with a wake time', 'no_op', { reason: 'waiting', wake_after_seconds: 600 }, { type: 'no_op', reason: 'waiting', wakeAfterSeconds: 600 }],
  ['no_op at the wake bounds (10)', 'no_op', { reason: 'w', wake_after_seconds: 10 }, { type: 'no_op', reason: 'w', wakeAfterSeconds: 10 }],
  ['no_op at the wake bounds (86400)', 'no_op', { reason: 'w', wake_after_seconds: 86400 }, { type: 'no_op', reason: 'w', wakeAfterSeconds: 86400 }],
  ['a 64-character task id', 'spawn_task', { task_id: 'x'.repeat(64), reason: 'r' }, { type: 'spawn', task: 'x'.repeat(64), reason: 'r' }],
];

describe('dispatchTool: accepted inputs become exact proposals', () => {
  for (const [name, tool, input, want] of accepted) {
    it(name, async () => {
      assert.deepEqual(await dispatchTool(tool, input, env()), { kind: 'proposal', proposal: want } satisfies ToolOutcome);
    });
  }
});

const child = { title: 't', acceptance: 'a' };
const rejected: Array<[name: string, tool: string, input: unknown, message: string]> = [
  ['input not an object', 'spawn_task', null, '(input): Invalid input: expected object, received null'],
  ['input an array', 'kill_task', [], '(input): Invalid input: expected object, received array'],
  [
    'missing fields',
    'spawn_task',
    {},
    'task_id: Invalid input: expected string, received undefined; reason: Invalid input: expected string, received undefined',
  ],
  ['missing reason', 'kill_task', { task_id: 'A' }, 'reason: Invalid input: expected string, received undefined'],
  ['wrong type', 'spawn_task', { task_id: 7, reason: 'r' }, 'task_id: Invalid input: expected string, received number'],
  ['an unknown field', 'spawn_task', { task_id: 'A', reason: 'r', force: true }, '(input): Unrecognized key: "force"'],
  ['two unknown fields', 'kill_task', { task_id: 'A', reason: 'r', a: 1, b: 2 }, '(input): Unrecognized keys: "a", "b"'],
  ['an empty task id', 'spawn_task', { task_id: '', reason: 'r' }, 'task_id: Too small: expected string to have >=1 characters'],
  ['a 65-character task id', 'spawn_task', { task_id: 'x'.repeat(65), reason: 'r' }, 'task_id: Too big: expected string to have <=64 characters'],
  ['an over-long reason', 'kill_task', { task_id: 'A', reason: 'r'.repeat(1001) }, 'reason: Too big: expected string to have <=1000 characters'],
  [
    'update_task: a status outside the enum',
    'update_task',
    { task_id: 'A', reason: 'r', status: 'running' },
    'status: Invalid option: expected one of "pending"|"blocked"|"failed"|"done"|"archived"',
  ],
  ['update_task: over-long notes', 'update_task', { task_id: 'A', reason: 'r', notes: 'n'.repeat(4001) }, 'notes: Too big: expected string to have <=4000 characters'],
  ['update_task: over-long evidence', 'update_task', { task_id: 'A', reason: 'r', evidence: 'e'.repeat(2001) }, 'evidence: Too big: expected string to have <=2000 characters'],
  ['update_task: an unknown field', 'update_task', { task_id: 'A', reason: 'r', done: true }, '(input): Unrecognized key: "done"'],
  ['decompose_task: no children', 'decompose_task', { task_id: 'A', reason: 'r', children: [] }, 'children: Too small: expected array to have >=1 items'],
  [
    'decompose_task: 21 children',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: Array.from({ length: 21 }, () => child) },
    'children: Too big: expected array to have <=20 items',
  ],
  [
    'decompose_task: a child with a wrong type and a missing field, named by index',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [child, { title: 3 }] },
    'children[1].title: Invalid input: expected string, received number; children[1].acceptance: Invalid input: expected string, received undefined',
  ],
  ['decompose_task: an unknown child field', 'decompose_task', { task_id: 'A', reason: 'r', children: [{ ...child, priority: 1 }] }, 'children[0]: Unrecognized key: "priority"'],
  [
    'decompose_task: a camelCase budget is unknown',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [{ ...child, budgetMinutes: 5 }] },
    'children[0]: Unrecognized key: "budgetMinutes"',
  ],
  ['decompose_task: a zero budget', 'decompose_task', { task_id: 'A', reason: 'r', children: [{ ...child, budget_minutes: 0 }] }, 'children[0].budget_minutes: Too small: expected number to be >0'],
  [
    'decompose_task: a budget over a day',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [{ ...child, budget_minutes: 1441 }] },
    'children[0].budget_minutes: Too big: expected number to be <=1440',
  ],
  [
    'decompose_task: an over-long produces path',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [{ ...child, produces: ['p'.repeat(301)] }] },
    'children[0].produces[0]: Too big: expected string to have <=300 characters',
  ],
  [
    'decompose_task: a needs entry of the wrong type',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [{ ...child, needs: ['ok', 5] }] },
    'children[0].needs[1]: Invalid input: expected string, received number',
  ],
  [
    'decompose_task: a worker outside the backends',
    'decompose_task',
    { task_id: 'A', reason: 'r', children: [{ ...child, worker: 'gpt' }] },
    'children[0].worker: Invalid option: expected one of "claude"|"codex"|"opencode"|"gemini"|"shell"|"custom"',
  ],
  ['decompose_task: an empty title', 'decompose_task', { task_id: 'A', reason: 'r', children: [{ ...child, title: '' }] }, 'children[0].title: Too small: expected string to have >=1 characters'],
  [
    'write_memory: an unknown section',
    'write_memory',
    { section: 'secrets', text: 't' },
    'section: Invalid option: expected one of "facts"|"lessons"|"decisions"|"session"',
  ],
  ['write_memory: empty text', 'write_memory', { section: 'facts', text: '' }, 'text: Too small: expected string to have >=1 characters'],
  ['write_memory: over-long text', 'write_memory', { section: 'facts', text: 't'.repeat(2001) }, 'text: Too big: expected string to have <=2000 characters'],
  ['update_project_context: no field', 'update_project_context', {}, '(input): give at least one field'],
  ['update_project_context: an unknown field', 'update_project_context', { summary: 's', owner: 'me' }, '(input): Unrecognized key: "owner"'],
  ['update_project_context: over-long field', 'update_project_context', { stack: 's'.repeat(2001) }, 'stack: Too big: expected string to have <=2000 characters'],
  ['update_project_context: wrong type', 'update_project_context', { summary: 1 }, 'summary: Invalid input: expected string, received number'],
  ['no_op: wake too soon', 'no_op', { reason: 'r', wake_after_seconds: 9 }, 'wake_after_seconds: Too small: expected number to be >=10'],
  ['no_op: wake too late', 'no_op', { reason: 'r', wake_after_seconds: 86401 }, 'wake_after_seconds: Too big: expected number to be <=86400'],
  ['no_op: a fractional wake', 'no_op', { reason: 'r', wake_after_seconds: 10.5 }, 'wake_after_seconds: Invalid input: expected int, received number'],
  ['no_op: a string wake', 'no_op', { reason: 'r', wake_after_seconds: '60' }, 'wake_after_seconds: Invalid input: expected number, received string'],
  ['list_directory: depth 4', 'list_directory', { depth: 4 }, 'depth: Too big: expected number to be <=3'],
  ['read_file: a negative offset', 'read_file', { path: 'hello.txt', offset: -1 }, 'offset: Too small: expected number to be >=0'],
];

describe('dispatchTool: rejected inputs are is_error answers naming the field', () => {
  for (const [name, tool, input, message] of rejected) {
    it(`${tool}: ${name}`, async () => {
      assert.deepEqual(await dispatchTool(tool, input, env()), { kind: 'answer', isError: true, text: `invalid input for ${tool}: ${message}` });
    });
  }

  it('an unknown tool name lists the tools', async () => {
    assert.deepEqual(await dispatchTool('mark_done', { task_id: 'A' }, env()), {
      kind: 'answer',
      isError: true,
      text: 'unknown tool "mark_done"; the tools are spawn_task, kill_task, update_task, decompose_task, read_file, list_directory, write_memory, update_project_context, no_op',
    });
  });

  it('an over-long unknown tool name is cut at 80 characters', async () => {
    const out = await dispatchTool('z'.repeat(500), {}, env());
    assert.equal(out.kind, 'answer');
    assert.ok(out.kind === 'answer' && out.text.startsWith(`unknown tool "${'z'.repeat(80)}"; the tools are `), out.kind === 'answer' ? out.text : '');
  });

  it('a tool that throws becomes an is_error answer, not a crash', async () => {
    const boom = { name: 'boom', description: 'd', input: z.object({}).strict(), run: () => { throw new Error('kaboom'); } };
    assert.deepEqual(await dispatchTool('boom', {}, env(), [boom]), { kind: 'answer', isError: true, text: 'boom failed: kaboom' });
  });

  it('describeZodError lists at most 8 problems', () => {
    const r = z.object(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, z.string()]))).safeParse({});
    assert.equal(r.success, false);
    const text = describeZodError(r.error!);
    assert.equal(text.split('; ').length, 8);
    assert.ok(text.startsWith('f0: Invalid input: expected string, received undefined; f1: '));
    assert.ok(!text.includes('f8'));
  });
});

describe('dispatchTool: the file tools answer directly', () => {
  it('read_file reads a file in the project', async () => {
    assert.deepEqual(await dispatchTool('read_file', { path: 'hello.txt' }, env()), { kind: 'answer', text: '[hello.txt: 3 bytes]\nhi\n' });
  });

  it('read_file refuses a path outside the project', async () => {
    const out = await dispatchTool('read_file', { path: '../x' }, env());
    assert.deepEqual(out, {
      kind: 'answer',
      isError: true,
      text: 'read_file: "../x" contains "..", which is not allowed (even when it stays inside); give a path relative to the project root, without ".."',
    });
  });

  it('list_directory with defaults lists the root', async () => {
    assert.deepEqual(await dispatchTool('list_directory', {}, env()), { kind: 'answer', text: '[. (project root): 1 entry, depth 1]\nfile  hello.txt  (3 bytes)' });
  });
});
