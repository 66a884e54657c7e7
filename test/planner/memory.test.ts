// The planner's memory files: MEMORY.md sections and compaction into MEMORY.archive.md (nothing is
// ever lost), the bounded session notes, a hand-edited MEMORY.md, the project context merge, reviews.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type MemoryFiles,
  compactMemory,
  memoryFiles,
  mergeContext,
  parseMemory,
  readMemoryForContext,
  readProjectContext,
  readReview,
  readSession,
  renderMemory,
  updateProjectContextFile,
  writeMemoryEntry,
  writeReview,
} from '../../src/planner/memory.js';
import type { ProjectContextFields } from '../../src/core/proposals.js';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const STAMP = '[2026-03-01 10:00]';

let base = '';
let n = 0;
before(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'aura-memory-'));
});
after(() => rmSync(base, { recursive: true, force: true }));
/** A fresh, not yet existing memory directory. */
const fresh = (): MemoryFiles => memoryFiles(path.join(base, `m${++n}`, 'memory'));
const read = (file: string): string => readFileSync(file, 'utf8');
const readOr = (file: string): string => {
  try {
    return read(file);
  } catch {
    return '';
  }
};

const CANONICAL = ['# Memory', '', '## Facts', '- a', '- b', '', '## Lessons', '- c', '', '## Decisions', ''].join('\n');

describe('parseMemory / renderMemory', () => {
  it('round-trips the canonical layout exactly', () => {
    assert.equal(renderMemory(parseMemory(CANONICAL)), CANONICAL);
  });

  it('parses entries per section', () => {
    const p = parseMemory(CANONICAL);
    assert.equal(p.head, '# Memory');
    assert.deepEqual([...p.sections], [
      ['Facts', ['a', 'b']],
      ['Lessons', ['c']],
      ['Decisions', []],
    ]);
  });

  it('an empty file renders the three empty sections under a default title', () => {
    assert.equal(renderMemory(parseMemory('')), '# Memory\n\n## Facts\n\n## Lessons\n\n## Decisions\n');
  });

  it('keeps multi-line entries, unknown sections and the text before and between entries', () => {
    const text = [
      '# Team memory',
      '',
      'Written by hand; keep it short.',
      '',
      '## Facts',
      'These are verified.',
      '- the API is at /v2',
      '  (second line of the same entry)',
      '',
      '## Glossary',
      '- SLA: service level agreement',
      '',
    ].join('\n');
    const p = parseMemory(text);
    assert.equal(p.head, '# Team memory\n\nWritten by hand; keep it short.');
    assert.deepEqual(p.sections.get('Facts'), ['the API is at /v2\n  (second line of the same entry)']);
    assert.deepEqual(p.sections.get('Glossary'), ['SLA: service level agreement']);
    assert.equal(
      renderMemory(p),
      [
        '# Team memory',
        '',
        'Written by hand; keep it short.',
        '',
        '## Facts',
        'These are verified.',
        '- the API is at /v2',
        '  (second line of the same entry)',
        '',
        '## Lessons',
        '',
        '## Decisions',
        '',
        '## Glossary',
        '- SLA: service level agreement',
        '',
      ].join('\n'),
    );
  });
});

describe('compactMemory', () => {
  const p = () => parseMemory(['# Memory', '', '## Facts', '- a', '- b', '- c', '', '## Lessons', '- d', '', '## Decisions', ''].join('\n'));

  it('under the limit: nothing moves', () => {
    const { kept, moved } = compactMemory(p(), 10_000);
    assert.deepEqual(moved, []);
    assert.equal(renderMemory(kept), renderMemory(p()));
  });

  it('one character over: the oldest entry of the biggest section moves', () => {
    const { kept, moved } = compactMemory(p(), renderMemory(p()).length - 1);
    assert.deepEqual(moved, ['Facts: a']);
    assert.deepEqual(kept.sections.get('Facts'), ['b', 'c']);
    assert.deepEqual(kept.sections.get('Lessons'), ['d']);
  });

  it('a limit nothing fits in: everything moves, oldest first, and the input is not mutated', () => {
    const input = p();
    const { kept, moved } = compactMemory(input, 0);
    assert.deepEqual(moved, ['Facts: a', 'Facts: b', 'Facts: c', 'Lessons: d']);
    assert.deepEqual([...kept.sections.values()].flat(), []);
    assert.deepEqual(input.sections.get('Facts'), ['a', 'b', 'c']);
  });
});

describe('writeMemoryEntry', () => {
  it('creates MEMORY.md with the entry under its section, stamped', async () => {
    const f = fresh();
    assert.equal(await writeMemoryEntry(f, 'facts', 'uses pnpm', T0, 10_000), 'saved under Facts');
    assert.equal(read(f.memory), `# Memory\n\n## Facts\n- ${STAMP} uses pnpm\n\n## Lessons\n\n## Decisions\n`);
  });

  it('each section gets its own entries, in the order written; newlines in an entry become spaces', async () => {
    const f = fresh();
    assert.equal(await writeMemoryEntry(f, 'lessons', 'flaky test:\n\nretry once', T0, 10_000), 'saved under Lessons');
    assert.equal(await writeMemoryEntry(f, 'decisions', '  use sqlite  ', T0, 10_000), 'saved under Decisions');
    assert.equal(await writeMemoryEntry(f, 'facts', 'node 20', T0, 10_000), 'saved under Facts');
    assert.equal(await writeMemoryEntry(f, 'lessons', 'second lesson', T0, 10_000), 'saved under Lessons');
    assert.equal(
      read(f.memory),
      ['# Memory', '', '## Facts', `- ${STAMP} node 20`, '', '## Lessons', `- ${STAMP} flaky test: retry once`, `- ${STAMP} second lesson`, '', '## Decisions', `- ${STAMP} use sqlite`, ''].join(
        '\n',
      ),
    );
    assert.equal(readOr(f.archive), '', 'nothing archived');
  });

  it('compaction moves the oldest entries to MEMORY.archive.md and loses nothing', async () => {
    const f = fresh();
    const max = 400;
    const written: string[] = [];
    const messages: string[] = [];
    for (let i = 0; i < 30; i++) {
      const section = (['facts', 'lessons', 'decisions'] as const)[i % 3]!;
      const text = `entry ${String(i).padStart(2, '0')} ${'x'.repeat(20)}`;
      written.push(text);
      messages.push(await writeMemoryEntry(f, section, text, T0, max));
      assert.ok(read(f.memory).length <= max, `MEMORY.md stays within ${max} characters after write ${i}`);
    }
    assert.ok(messages.some((m) => /^saved under (Facts|Lessons|Decisions); 1 older entry moved to MEMORY\.archive\.md$/.test(m)), messages.join('\n'));
    const kept = [...parseMemory(read(f.memory)).sections.values()].flat();
    const archived = read(f.archive)
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const m = /^- (Facts|Lessons|Decisions): (.*)$/.exec(l);
        assert.ok(m, `archive line ${JSON.stringify(l)}`);
        return m[2]!;
      });
    assert.ok(archived.length > 0 && kept.length > 0);
    // Every entry is in exactly one of the two, and the newest one is kept.
    assert.deepEqual([...kept, ...archived].sort(), written.map((t) => `${STAMP} ${t}`).sort());
    assert.ok(kept.includes(`${STAMP} ${written.at(-1)}`));
    // The archive holds the oldest: its entries were written before every kept one of the same section.
    const idx = (e: string) => Number(/entry (\d+)/.exec(e)![1]);
    assert.ok(Math.max(...archived.map(idx)) < Math.max(...kept.map(idx)));
  });

  it('a hand-edited MEMORY.md keeps its own text, multi-line entries and sections', async () => {
    const f = fresh();
    mkdirSync(f.dir, { recursive: true });
    const hand = [
      '# Team memory',
      'Written by hand; keep it short.',
      '',
      '## Facts',
      'These are verified.',
      '- [2026-01-01 00:00] the API is at /v2',
      '  (second line of the same entry)',
      '',
      '## Glossary',
      '- SLA: service level agreement',
      '',
    ].join('\n');
    writeFileSync(f.memory, hand);
    await writeMemoryEntry(f, 'lessons', 'x', T0, 10_000);
    assert.equal(
      read(f.memory),
      [
        '# Team memory',
        'Written by hand; keep it short.',
        '',
        '## Facts',
        'These are verified.',
        '- [2026-01-01 00:00] the API is at /v2',
        '  (second line of the same entry)',
        '',
        '## Lessons',
        `- ${STAMP} x`,
        '',
        '## Decisions',
        '',
        '## Glossary',
        '- SLA: service level agreement',
        '',
      ].join('\n'),
    );
  });

  it('session notes go to session.md, bounded; the overflow is archived, nothing lost', async () => {
    const f = fresh();
    const notes = Array.from({ length: 40 }, (_, i) => `note ${String(i).padStart(2, '0')} ${'y'.repeat(80)}`);
    for (const t of notes) assert.equal(await writeMemoryEntry(f, 'session', t, T0, 10_000), 'noted in session.md');
    const session = read(f.session);
    assert.ok(session.length <= 2001, `session.md is ${session.length} characters`);
    const kept = session.trim().split('\n');
    const archived = read(f.archive).trim().split('\n');
    for (const l of kept) assert.match(l, /^- \[2026-03-01 10:00\] note \d\d y+$/);
    for (const l of archived) assert.match(l, /^- session: \[2026-03-01 10:00\] note \d\d y+$/);
    const text = (l: string) => l.replace(/^- (session: )?\[[^\]]+\] /, '');
    // The archive holds the oldest notes in order, session.md the newest: together all of them, once.
    assert.deepEqual([...archived.map(text), ...kept.map(text)], notes);
    assert.equal(readOr(f.memory), '', 'MEMORY.md untouched by session notes');
    assert.equal(await readSession(f), session.trim());
  });
});

describe('reading memory for the model', () => {
  it('readMemoryForContext: trimmed, and cut with a note past the limit', async () => {
    const f = fresh();
    assert.equal(await readMemoryForContext(f, 100), '', 'no file yet');
    mkdirSync(f.dir, { recursive: true });
    writeFileSync(f.memory, `\n# Memory\n${'z'.repeat(200)}\n\n`);
    assert.equal(await readMemoryForContext(f, 1000), `# Memory\n${'z'.repeat(200)}`);
    assert.equal(await readMemoryForContext(f, 20), `# Memory\n${'z'.repeat(11)}\n… (cut at 20 characters)`);
  });

  it('readSession: empty without a file, the last 2000 characters of a long hand-written one', async () => {
    const f = fresh();
    assert.equal(await readSession(f), '');
    mkdirSync(f.dir, { recursive: true });
    writeFileSync(f.session, `start${'s'.repeat(3000)}end\n`);
    const s = await readSession(f);
    assert.equal(s.length, 2000);
    assert.ok(s.endsWith('end'));
  });
});

describe('project context', () => {
  const rows: Array<[string, ProjectContextFields, ProjectContextFields, ProjectContextFields]> = [
    ['a new field is added', { summary: 's' }, { stack: 'ts' }, { summary: 's', stack: 'ts' }],
    ['a given field replaces', { summary: 's', stack: 'js' }, { stack: 'ts' }, { summary: 's', stack: 'ts' }],
    ["'' clears a field", { summary: 's', stack: 'js' }, { stack: '' }, { summary: 's' }],
    ["'' on a missing field is harmless", { summary: 's' }, { notes: '' }, { summary: 's' }],
    ['undefined keeps a field', { summary: 's', stack: 'js' }, { summary: undefined, stack: 'ts' }, { summary: 's', stack: 'ts' }],
    ['nothing given keeps everything', { summary: 's', commands: 'npm test' }, {}, { summary: 's', commands: 'npm test' }],
  ];
  for (const [name, old, given, want] of rows) {
    it(`mergeContext: ${name}`, () => {
      const before = structuredClone(old);
      assert.deepEqual(mergeContext(old, given), want);
      assert.deepEqual(old, before, 'the old fields are not mutated');
    });
  }

  it('updateProjectContextFile merges into context.json across calls', async () => {
    const f = fresh();
    assert.equal(await updateProjectContextFile(f, { summary: 'a CLI', stack: 'TypeScript' }), 'project context now has: summary, stack');
    assert.equal(await updateProjectContextFile(f, { commands: 'npm test' }), 'project context now has: summary, stack, commands');
    assert.equal(await updateProjectContextFile(f, { stack: '' }), 'project context now has: summary, commands');
    assert.deepEqual(JSON.parse(read(f.context)), { summary: 'a CLI', commands: 'npm test' });
    assert.deepEqual(await readProjectContext(f), { summary: 'a CLI', commands: 'npm test' });
    assert.equal(await updateProjectContextFile(f, { summary: '', commands: '' }), 'project context now has: (nothing)');
  });

  const broken: Array<[string, string, ProjectContextFields]> = [
    ['not JSON', '{not json', {}],
    ['an array', '["summary", "x"]', {}],
    ['null', 'null', {}],
    ['a string', '"summary"', {}],
    ['an empty file', '', {}],
    ['non-string values dropped', '{"summary": 3, "stack": "ts", "notes": null}', { stack: 'ts' }],
  ];
  for (const [name, text, want] of broken) {
    it(`a broken context.json (${name}) reads as ${JSON.stringify(want)} and the next merge replaces it`, async () => {
      const f = fresh();
      mkdirSync(f.dir, { recursive: true });
      writeFileSync(f.context, text);
      assert.deepEqual(await readProjectContext(f), want);
      await updateProjectContextFile(f, { summary: 'new' });
      assert.deepEqual(JSON.parse(read(f.context)), { ...want, summary: 'new' });
    });
  }

  it('no context.json reads as {}', async () => {
    assert.deepEqual(await readProjectContext(fresh()), {});
  });
});

describe('reviews', () => {
  it('writeReview writes reviews/<time>.md and readReview reads it back', async () => {
    const f = fresh();
    const rel = await writeReview(f, '\n1. split task B\n2. stop retrying C\n\n', T0);
    assert.equal(rel, path.join('reviews', '2026-03-01T10-00-00-000Z.md'));
    assert.equal(read(path.join(f.dir, rel)), '# Review 2026-03-01T10:00:00.000Z\n\n1. split task B\n2. stop retrying C\n');
    assert.equal(await readReview(f, rel), '# Review 2026-03-01T10:00:00.000Z\n\n1. split task B\n2. stop retrying C');
  });

  it('readReview: a missing review is empty, a long one is cut at 4000 characters', async () => {
    const f = fresh();
    assert.equal(await readReview(f, 'reviews/none.md'), '');
    const rel = await writeReview(f, 'r'.repeat(5000), new Date('2026-03-02T00:00:00.000Z'));
    const text = await readReview(f, rel);
    assert.equal(text.length, 4000);
    assert.ok(text.startsWith('# Review 2026-03-02T00:00:00.000Z\n\nrrr'));
  });
});
