// Random and pathological inputs: the parser must never hang or crash, only return a spec or throw
// BAD_TASK_FILE, and do the same thing every time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { applyMapping, type PreviousTask, reconcile } from '../../src/taskfile/reconcile.js';
import type { TaskFileSpec, TaskSpec } from '../../src/taskfile/spec.js';
import { AuraError } from '../../src/util/errors.js';
import { flat } from './helpers.js';

/** mulberry32: tiny seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FRAGMENTS = [
  '\n', '\n', '\n', '# ', '## ', '### x (parallel)', '- [ ] ', '- [x] ', '* [ ] ', '1. [ ] ', '- ', '  ', '    ', '\t',
  '```', '~~~', '- run: ', '- needs: ', '- id: ', '- budget: ', '- produces: ', '- parallel: true', '- worker: ',
  '- foo: ', 'none', 'a', 'b', 'task', 'Train', 'x-2', '5m', '1h30m', '`', ',', '(parallel)', '\r', '\r\n', '\uFEFF',
  '*', '_', '[', ']', '#', ':', '..', '/', 'é', '数', '\u0000', ' ',
];

function randomDoc(rand: () => number): string {
  const n = Math.floor(rand() * 300);
  let s = rand() < 0.7 ? '# Goal\n' : '';
  for (let i = 0; i < n; i++) s += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
  return s;
}

const INDENTS = ['', '', '  ', '    ', '      ', '\t', ' '];
const LINES = [
  '- [ ] Train model', '- [ ] Train the model', '- [x] Prep', '* [ ] Eval {k}', '- [ ] Step {k}', '- run: make {k}',
  '- run: make 1', '- produces: out{k}.csv', '- needs: step-{k}', '- needs: none', '- needs: prep, train-model',
  '- id: t{k}', '- id: T{k}', '- parallel: true', '- budget: {k}m', '## Part {k} (parallel)', '## Part {k}', '```', '~~~',
  'Some text', '- a note', '',
];

/** Line-structured documents: many parse, with real nesting, ids and needs to reconcile. */
function structuredDoc(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 40);
  const lines = ['# Goal'];
  for (let i = 0; i < n; i++) {
    const indent = INDENTS[Math.floor(rand() * INDENTS.length)]!;
    const line = LINES[Math.floor(rand() * LINES.length)]!.replace('{k}', String(Math.floor(rand() * 5)));
    lines.push(indent + line);
  }
  return lines.join(rand() < 0.1 ? '\r\n' : '\n');
}

function lines(n: number, line: (i: number) => string): string {
  return Array.from({ length: n }, (_, i) => line(i)).join('\n');
}

type Outcome = { ok: true; spec: TaskFileSpec } | { ok: false; message: string };

function run(text: string): Outcome {
  try {
    return { ok: true, spec: parseTaskFile(text) };
  } catch (err) {
    // Only the parser's own, coded error is acceptable; anything else is a crash.
    if (!(err instanceof AuraError) || err.code !== 'BAD_TASK_FILE') throw err;
    return { ok: false, message: err.message };
  }
}

function checkInvariants(spec: TaskFileSpec): void {
  const all = flat(spec);
  const ids = new Set(all.map((t) => t.id));
  assert.equal(ids.size, all.length, 'ids unique');
  assert.equal(new Set(all.map((t) => t.id.toLowerCase())).size, all.length, 'ids unique ignoring case');
  for (const t of all) {
    assert.match(t.id, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    assert.ok(!t.id.includes('..'));
    assert.ok(!t.needs.includes(t.id), 'no self needs');
    for (const n of t.needs) assert.ok(ids.has(n), `needs ${n} resolves`);
  }
}

function stateOf(spec: TaskFileSpec): PreviousTask[] {
  const out: PreviousTask[] = [];
  const walk = (ts: TaskSpec[], parent: string | null) =>
    ts.forEach((t, order) => {
      out.push({ id: t.id, title: t.title, parent, produces: t.produces, order, ...(t.run ? { run: t.run } : {}) });
      walk(t.children, t.id);
    });
  walk(spec.tasks, null);
  return out;
}

describe('fuzz', () => {
  it('random markdown: deterministic, no crash, invariants hold', () => {
    const rand = prng(20240611);
    let parsed = 0;
    for (let i = 0; i < 800; i++) {
      const doc = i % 2 === 0 ? randomDoc(rand) : structuredDoc(rand);
      const first = run(doc);
      assert.deepEqual(run(doc), first, `deterministic for ${JSON.stringify(doc)}`);
      if (first.ok) {
        parsed++;
        checkInvariants(first.spec);
        // Reconciling a file against its own state changes nothing.
        const r = reconcile(stateOf(first.spec), first.spec);
        for (const [specId, stateId] of r.mapping) assert.equal(stateId, specId, JSON.stringify(doc));
        assert.deepEqual([r.added, r.removed, r.renamed, r.moved], [[], [], [], []]);
      }
    }
    // The generator is only useful if a fair share of documents parse.
    assert.ok(parsed > 200, `only ${parsed} documents parsed`);
  });

  it('random edits: the mapping is total, one-to-one and never reuses an old id for a new task', () => {
    const rand = prng(7);
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const before = run(structuredDoc(rand));
      if (!before.ok) continue;
      const lines = structuredDoc(rand).split(/\r?\n/);
      // Edit: drop, duplicate or swap a few lines of a fresh document mixed with the old one's tasks.
      const old = flat(before.spec).map((t) => `- [ ] ${t.title}`);
      for (let k = 0; k < 3; k++) {
        const at = 1 + Math.floor(rand() * Math.max(1, lines.length - 1));
        const op = rand();
        if (op < 0.3) lines.splice(at, 1);
        else if (op < 0.6) lines.splice(at, 0, old[Math.floor(rand() * old.length)] ?? '- [ ] New');
        else lines.splice(at, 0, ...lines.splice(1, 1));
      }
      const after = run(lines.join('\n'));
      if (!after.ok) continue;
      checked++;
      const prev = stateOf(before.spec);
      const prevIds = new Set(prev.map((p) => p.id));
      const r = reconcile(prev, after.spec);
      const specIds = flat(after.spec).map((t) => t.id);
      assert.deepEqual([...r.mapping.keys()].sort(), [...specIds].sort());
      const targets = [...r.mapping.values()].map((v) => v.toLowerCase());
      assert.equal(new Set(targets).size, targets.length, 'one-to-one');
      for (const id of r.added) assert.ok(!prevIds.has(r.mapping.get(id)!), 'added tasks get fresh ids');
      for (const id of r.removed) assert.ok(!targets.includes(id.toLowerCase()), 'removed ids are not reused');
      assert.equal(r.removed.length + r.mapping.size - r.added.length, prev.length);
      checkInvariants(applyMapping(after.spec, r.mapping));
    }
    assert.ok(checked > 100, `only ${checked} edits checked`);
  });

  const MB = 1024 * 1024;
  const pathological: Array<[string, () => string]> = [
    ['a 1 MB line of #', () => '#'.repeat(MB)],
    ['a 1 MB heading ending in #', () => '# ' + '#'.repeat(MB) + 'x'],
    ['a 1 MB line of backticks', () => '# G\n- [ ] A\n  - run: ' + '`'.repeat(MB)],
    ['alternating backtick runs', () => '# G\n- [ ] A\n  - produces: ' + '`a``b'.repeat(MB / 5)],
    ['a 1 MB title', () => '# G\n- [ ] ' + 'word '.repeat(MB / 5)],
    ['a 1 MB budget', () => '# G\n- [ ] A\n  - budget: ' + '1'.repeat(MB) + 'x'],
    ['a 1 MB budget of units', () => '# G\n- [ ] A\n  - budget: ' + '1m'.repeat(MB / 2)],
    ['a 1 MB key', () => '# G\n- [ ] A\n  - ' + 'a'.repeat(MB) + ' x'],
    ['100k sawtooth bullets', () => '# G\n' + lines(100_000, (i) => ' '.repeat(i % 7) + '- x')],
    ['a 1400-deep staircase of bullets under a task', () => '# G\n- [ ] A\n' + lines(1400, (i) => ' '.repeat(i + 1) + '- x') + '\n- [ ] B'],
    ['a 1400-deep staircase of checklists', () => '# G\n' + lines(1400, (i) => ' '.repeat(i) + '- [ ] x')],
    [
      '2000 tasks in two parallel sections',
      () => '# G\n## P (parallel)\n' + lines(1000, (i) => `- [ ] T${i}`) + '\n## Q (parallel)\n' + lines(1000, (i) => `- [ ] U${i}`),
    ],
    ['2000 tasks in a chain', () => '# G\n' + lines(2000, (i) => `- [ ] T${i}`)],
    ['1M blank lines', () => '# G\n' + '\n'.repeat(MB)],
    ['1M fence lines', () => '# G\n' + '```\n'.repeat(MB / 4)],
  ];
  for (const [name, make] of pathological) {
    it(name, () => {
      const text = make();
      const started = performance.now();
      run(text);
      const ms = performance.now() - started;
      // Not a speed goal (that lives in the bench): a guard against super-linear parsing. Each input
      // takes well under a second here; a quadratic pass over a 1 MB input takes hours. The bound is
      // that wide so that a loaded CI machine (3 s was crossed at load 8) never fails it by noise.
      assert.ok(ms < 20_000, `${name} took ${Math.round(ms)} ms: something in the parser is super-linear`);
    });
  }
});
