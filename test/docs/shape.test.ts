// The shape rules a newcomer relies on (scripts/import-graph.mjs): no import circles in src/, no
// source file over 300 lines. Checked here so CI holds them, and the checker itself is tabled.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { check, circles, importsOf, MAX_LINES } from '../../scripts/import-graph.mjs';

test('src/: no import circles and no file over 300 lines', () => {
  const r = check();
  assert.deepEqual(r.circles, [], `import circles: ${r.circles.map((c) => c.join(' ↔ ')).join('; ')}`);
  assert.deepEqual(r.long, [], `over ${MAX_LINES} lines: ${r.long.map(([f, n]) => `${f} (${n})`).join(', ')}`);
});

test('circles(): every group of modules that import each other round, and nothing else', () => {
  const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
  const cases: Array<[string, Map<string, string[]>, string[][]]> = [
    ['a chain', g({ a: ['b'], b: ['c'], c: [] }), []],
    ['a diamond', g({ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }), []],
    ['an import of something outside the graph', g({ a: ['node:fs', 'b'], b: [] }), []],
    ['two modules importing each other', g({ a: ['b'], b: ['a'] }), [['a', 'b']]],
    ['a ring of three, with a bystander', g({ a: ['b'], b: ['c'], c: ['a'], d: ['a'] }), [['a', 'b', 'c']]],
    ['two separate circles', g({ a: ['b'], b: ['a'], c: ['d'], d: ['c'] }), [['a', 'b'], ['c', 'd']]],
  ];
  for (const [name, graph, want] of cases) {
    const got = circles(graph).sort((x, y) => x.join().localeCompare(y.join()));
    assert.deepEqual(got, want, name);
  }
});

test('importsOf(): static and type-only imports and re-exports count; dynamic imports and packages do not', () => {
  const file = '/p/src/cli/a.ts';
  const text = [
    "import fs from 'node:fs';",
    "import { x } from './b.js';",
    "import type { T } from '../store/c.js';",
    "export { y } from './d.js';",
    'import {',
    '  z,',
    "} from './e.js';",
    "const m = await import('./lazy.js');",
  ].join('\n');
  assert.deepEqual(importsOf(file, text).sort(), ['/p/src/cli/b.ts', '/p/src/cli/d.ts', '/p/src/cli/e.ts', '/p/src/store/c.ts']);
});

test('check(): finds a circle and a long file in a tree of its own', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'aura-shape-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'cli'));
  writeFileSync(path.join(root, 'cli', 'a.ts'), "import { b } from './b.js';\nexport const a = b;\n");
  writeFileSync(path.join(root, 'cli', 'b.ts'), "import type { A } from './a.js';\nexport const b = 1;\n");
  writeFileSync(path.join(root, 'ok.ts'), "import { a } from './cli/a.js';\n1;\n2;\n3;\n");
  writeFileSync(path.join(root, 'types.d.ts'), '1;\n2;\n3;\n4;\n5;\n');
  assert.deepEqual(check({ root, maxLines: 3 }), { circles: [['cli/a.ts', 'cli/b.ts']], long: [['ok.ts', 4]] });
});
