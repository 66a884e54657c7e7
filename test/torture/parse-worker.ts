// Runs the task-file parser properties inside a worker thread, so a parser that hangs is caught by
// the parent terminating this thread (a hang in the main thread could not be timed out).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parseTaskFile } from '../../src/taskfile/parse.js';
import { readTaskFile } from '../../src/taskfile/read.js';
import type { TaskFileSpec, TaskSpec } from '../../src/taskfile/spec.js';
import { AuraError } from '../../src/util/errors.js';

const { seed, numRuns } = workerData as { seed: number; numRuns: number };

type Outcome = { ok: true; spec: TaskFileSpec } | { ok: false; message: string };

function outcome(f: () => TaskFileSpec): Outcome {
  try {
    return { ok: true, spec: f() };
  } catch (err) {
    // Only the parser's own coded error is "a clear error"; anything else is a crash.
    if (err instanceof AuraError && err.code === 'BAD_TASK_FILE' && err.message.length > 0) return { ok: false, message: err.message };
    throw err;
  }
}

function flat(ts: TaskSpec[]): TaskSpec[] {
  return ts.flatMap((t) => [t, ...flat(t.children)]);
}

/** A parsed file is usable: unique ids, known needs, no cycles, and parsing is deterministic. */
function wellFormed(text: string, o: Outcome): boolean {
  const again = outcome(() => parseTaskFile(text));
  if (JSON.stringify(again) !== JSON.stringify(o)) throw new Error('parsing the same text twice gave different results');
  if (!o.ok) return true;
  const all = flat(o.spec.tasks);
  const ids = new Set(all.map((t) => t.id));
  if (ids.size !== all.length) throw new Error('duplicate ids in a parsed file');
  const byId = new Map(all.map((t) => [t.id, t]));
  for (const t of all) for (const n of t.needs) if (!byId.has(n)) throw new Error(`task ${t.id} needs unknown ${n}`);
  const state = new Map<string, 1 | 2>();
  const visit = (id: string): void => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) throw new Error(`dependency cycle through ${id} in a parsed file`);
    state.set(id, 1);
    for (const n of byId.get(id)!.needs) visit(n);
    state.set(id, 2);
  };
  all.forEach((t) => visit(t.id));
  return true;
}

const FRAGMENTS = [
  '# Goal', '## Part (parallel)', '- [ ] Task', '- [x] Done', '* [ ] Star', '1. [ ] Num', '  - id: a', '  - id: b', '  - id: A',
  '  - needs: a', '  - needs: b', '  - needs: a, b', '  - needs: none', '  - run: `true`', '  - produces: `x.txt`',
  '  - budget: 5m', '  - budget: -1', '  - budget: 99999999h', '  - parallel: true', '  - worker: nope', '```', '~~~',
  '    - [ ] Deep', '\t- [ ] Tab', '', '> quote', '<!-- c -->', '| a | b |', '- [ ]', '- [ ] [x]', 'text', '\u0000', '\uFEFF',
];

const markdown = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 30 })), { maxLength: 80 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([lines, eol, bom]) => (bom ? '\uFEFF' : '') + lines.join(eol));

const deep = fc.tuple(fc.integer({ min: 1, max: 120 }), fc.constantFrom('  ', '    ', '\t', ' '), fc.boolean()).map(([depth, unit, tasks]) => {
  const lines = ['# Deep'];
  for (let i = 0; i < depth; i++) lines.push(`${unit.repeat(i)}- ${tasks ? '[ ] ' : ''}level ${i}`);
  return lines.join('\n');
});

const idsAndNeeds = fc
  .array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'A', 'a.b', '-x', '..', 'ü'), fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'none', 'zz', ''), { maxLength: 3 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 12 })
  .map((items) => ['# Graph', ...items.flatMap(([id, needs, lvl]) => [`${'  '.repeat(lvl)}- [ ] Task ${id}`, `${'  '.repeat(lvl)}  - id: ${id}`, ...(needs.length ? [`${'  '.repeat(lvl)}  - needs: ${needs.join(', ')}`] : [])])].join('\n'));

const anyText = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.string({ maxLength: 400 }));

let runs = 0;
const prop = (arb: fc.Arbitrary<string>) =>
  fc.property(arb, (text) => {
    runs += 1;
    return wellFormed(text, outcome(() => parseTaskFile(text)));
  });

const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-torture-parse-'));
try {
  const opts = { seed, numRuns, endOnFailure: true };
  for (const arb of [markdown, deep, idsAndNeeds, anyText]) fc.assert(prop(arb), opts);
  // Raw bytes through the file reader: binary, UTF-16, invalid UTF-8 all get a clear error.
  let i = 0;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
      runs += 1;
      const file = path.join(dir, `t${i++}.md`);
      writeFileSync(file, bytes);
      try {
        const t = await readTaskFile(file);
        return wellFormed(t.text, outcome(() => parseTaskFile(t.text)));
      } catch (err) {
        if (err instanceof AuraError && err.code === 'BAD_TASK_FILE') return true;
        throw err;
      }
    }),
    { seed, numRuns: Math.max(10, Math.floor(numRuns / 2)), endOnFailure: true },
  );
  parentPort!.postMessage({ ok: true, runs });
} catch (err) {
  parentPort!.postMessage({ ok: false, runs, message: err instanceof Error ? err.message : String(err) });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
