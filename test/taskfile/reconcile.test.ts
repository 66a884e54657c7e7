import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { applyMapping, type PreviousTask, reconcile } from '../../src/taskfile/reconcile.js';
import type { TaskSpec } from '../../src/taskfile/spec.js';
import { flat, md, needsOf } from './helpers.js';

/** The state the core would have stored after applying `text` (ids as parsed). */
function stateOf(text: string): PreviousTask[] {
  const out: PreviousTask[] = [];
  const walk = (ts: TaskSpec[], parent: string | null) =>
    ts.forEach((t, order) => {
      out.push({ id: t.id, title: t.title, parent, produces: t.produces, order, ...(t.run ? { run: t.run } : {}) });
      walk(t.children, t.id);
    });
  walk(parseTaskFile(text).tasks, null);
  return out;
}

function entries(m: Map<string, string>): Record<string, string> {
  return Object.fromEntries(m);
}

const BASE = md(
  '# G',
  '- [ ] Prepare the data',
  '  - run: node prep.mjs',
  '- [ ] Train the model',
  '  - produces: model.bin',
  '- [ ] Write the report',
);

describe('reconcile tiers', () => {
  const cases: Array<{
    name: string;
    before: string;
    after: string;
    mapping: Record<string, string>;
    added?: string[];
    removed?: string[];
    tiers?: Record<string, string>;
    renamed?: Array<{ id: string; from: string; to: string }>;
  }> = [
    {
      name: 'unchanged file maps to itself',
      before: BASE,
      after: BASE,
      mapping: { 'prepare-the-data': 'prepare-the-data', 'train-the-model': 'train-the-model', 'write-the-report': 'write-the-report' },
      tiers: { 'prepare-the-data': 'title', 'train-the-model': 'title', 'write-the-report': 'title' },
    },
    {
      name: 'cosmetic edit of a title still matches by title',
      before: BASE,
      after: BASE.replace('Write the report', '**Write the REPORT.**'),
      mapping: { 'write-the-report': 'write-the-report' },
      renamed: [{ id: 'write-the-report', from: 'Write the report', to: '**Write the REPORT.**' }],
    },
    {
      name: 'reorder: titles follow their tasks',
      before: BASE,
      after: md('# G', '- [ ] Write the report', '- [ ] Train the model', '- [ ] Prepare the data'),
      mapping: { 'write-the-report': 'write-the-report', 'train-the-model': 'train-the-model', 'prepare-the-data': 'prepare-the-data' },
      added: [],
      removed: [],
    },
    {
      name: 'reword with the same run command',
      before: BASE,
      after: BASE.replace('Prepare the data', 'Clean and split the dataset'),
      mapping: { 'clean-and-split-the-dataset': 'prepare-the-data' },
      tiers: { 'clean-and-split-the-dataset': 'run' },
    },
    {
      name: 'reword with the same produces set',
      before: BASE,
      after: BASE.replace('Train the model', 'Fit a network'),
      mapping: { 'fit-a-network': 'train-the-model' },
      tiers: { 'fit-a-network': 'produces' },
    },
    {
      name: 'reword in place with shared words',
      before: BASE,
      after: BASE.replace('Write the report', 'Write the final report'),
      mapping: { 'write-the-final-report': 'write-the-report' },
      tiers: { 'write-the-final-report': 'position' },
      renamed: [{ id: 'write-the-report', from: 'Write the report', to: 'Write the final report' }],
    },
    {
      name: 'a reword sharing too few words is remove + add',
      before: BASE,
      after: BASE.replace('Write the report', 'Publish a blog post'),
      mapping: { 'publish-a-blog-post': 'publish-a-blog-post' },
      added: ['publish-a-blog-post'],
      removed: ['write-the-report'],
    },
    {
      name: 'rename with an explicit id',
      before: md('# G', '- [ ] Old name', '  - id: step1'),
      after: md('# G', '- [ ] Completely different', '  - id: step1'),
      mapping: { step1: 'step1' },
      tiers: { step1: 'id' },
      renamed: [{ id: 'step1', from: 'Old name', to: 'Completely different' }],
    },
    {
      name: 'remove and add',
      before: BASE,
      after: md('# G', '- [ ] Prepare the data', '- [ ] Evaluate'),
      mapping: { 'prepare-the-data': 'prepare-the-data', evaluate: 'evaluate' },
      added: ['evaluate'],
      removed: ['train-the-model', 'write-the-report'],
    },
    {
      name: 'an added task never takes the id of a removed one',
      before: md('# G', '- [ ] Something', '  - id: fit'),
      after: md('# G', '- [ ] Fit'),
      mapping: { fit: 'fit-2' },
      added: ['fit'],
      removed: ['fit'],
    },
    {
      name: 'an added task never takes the id of a matched one',
      before: md('# G', '- [ ] Cafe', '  - run: make'),
      after: md('# G', '- [ ] Brew', '  - run: make', '- [ ] Café'),
      mapping: { brew: 'cafe', cafe: 'cafe-2' },
      added: ['cafe'],
    },
    {
      name: 'duplicate titles pair in order',
      before: md('# G', '- [ ] Test', '- [ ] Test'),
      after: md('# G', '- [ ] Test', '- [ ] Test', '- [ ] Test'),
      mapping: { test: 'test', 'test-2': 'test-2', 'test-3': 'test-3' },
      added: ['test-3'],
    },
    {
      name: 'subtasks: reword among siblings under a matched parent',
      before: md('# G', '- [ ] Parent', '  - [ ] Load the images', '  - [ ] Resize the images'),
      after: md('# G', '- [ ] Parent', '  - [ ] Load the images', '  - [ ] Resize all the images'),
      mapping: { parent: 'parent', 'load-the-images': 'load-the-images', 'resize-all-the-images': 'resize-the-images' },
      tiers: { 'resize-all-the-images': 'position' },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const r = reconcile(stateOf(c.before), parseTaskFile(c.after));
      const m = entries(r.mapping);
      for (const [k, v] of Object.entries(c.mapping)) assert.equal(m[k], v, `mapping of ${k}`);
      if (c.added) assert.deepEqual(r.added, c.added);
      if (c.removed) assert.deepEqual(r.removed, c.removed);
      if (c.renamed) assert.deepEqual(r.renamed, c.renamed);
      for (const [k, v] of Object.entries(c.tiers ?? {})) assert.equal(r.matchedBy.get(k), v, `tier of ${k}`);
      // The mapping is total and one-to-one.
      const specIds = flat(parseTaskFile(c.after)).map((t) => t.id);
      assert.deepEqual([...r.mapping.keys()].sort(), [...specIds].sort());
      assert.equal(new Set(r.mapping.values()).size, r.mapping.size);
    });
  }

  it('reports moves between parents', () => {
    const r = reconcile(
      stateOf(md('# G', '- [ ] A', '  - [ ] Child', '- [ ] B')),
      parseTaskFile(md('# G', '- [ ] A', '- [ ] B', '  - [ ] Child')),
    );
    assert.deepEqual(r.moved, [{ id: 'child', from: 'a', to: 'b' }]);
  });

  it('explicit id beats a title match elsewhere', () => {
    const before = stateOf(md('# G', '- [ ] Alpha', '- [ ] Beta'));
    const r = reconcile(before, parseTaskFile(md('# G', '- [ ] Beta', '  - id: alpha', '- [ ] Alpha', '  - id: beta')));
    assert.deepEqual(entries(r.mapping), { alpha: 'alpha', beta: 'beta' });
    assert.equal(r.matchedBy.get('alpha'), 'id');
  });

  it('archived tasks are never matched and their ids never reused', () => {
    const before: PreviousTask[] = [
      { id: 'train', title: 'Train', parent: null, produces: [], order: 0, status: 'archived' },
      { id: 'eval', title: 'Eval', parent: null, produces: [], order: 1, status: 'done' },
    ];
    const r = reconcile(before, parseTaskFile(md('# G', '- [ ] Train', '- [ ] Eval', '- [ ] Ship')), { reserved: ['ship'] });
    assert.deepEqual(entries(r.mapping), { train: 'train-2', eval: 'eval', ship: 'ship-2' });
    assert.deepEqual(r.added, ['train', 'ship']);
    assert.deepEqual(r.removed, []);
  });

  it('is deterministic', () => {
    const prev = stateOf(BASE);
    const next = parseTaskFile(BASE.replace('Prepare', 'Prep'));
    assert.deepEqual(reconcile(prev, next), reconcile(prev, next));
  });
});

describe('applyMapping', () => {
  it('rewrites ids and needs so dependents follow a reworded task', () => {
    const prev = stateOf(md('# G', '- [ ] Prepare the data', '  - run: make data', '- [ ] Train', '  - needs: prepare-the-data'));
    const next = parseTaskFile(md('# G', '- [ ] Build the dataset', '  - run: make data', '- [ ] Train', '  - needs: build-the-dataset'));
    const r = reconcile(prev, next);
    const applied = applyMapping(next, r.mapping);
    assert.deepEqual(needsOf(applied), { 'prepare-the-data': [], train: ['prepare-the-data'] });
    assert.equal(applied.tasks[0]!.title, 'Build the dataset');
    // The input spec is untouched.
    assert.deepEqual(needsOf(next), { 'build-the-dataset': [], train: ['build-the-dataset'] });
  });

  it('rewrites implicit needs and children too', () => {
    const next = parseTaskFile(md('# G', '- [ ] A', '  - [ ] A1', '  - [ ] A2', '- [ ] B'));
    const applied = applyMapping(next, new Map([['a', 'x'], ['a1', 'x1']]));
    assert.deepEqual(needsOf(applied), { x: [], x1: [], a2: ['x1'], b: ['x'] });
  });
});
