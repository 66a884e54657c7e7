// The snapshot's text from cached task JSON must be JSON.stringify(state) byte for byte, through any
// sequence of tasks replaced, added and removed, whatever the ids (integer-like ids sort first in
// JSON, '__proto__' is an own key) and whatever the strings hold.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { serializeState, StateSerializer } from '../../src/store/serialize.js';
import type { RunState, TaskState } from '../../src/store/schema.js';
import { makeState, makeTask } from '../core/fixtures.js';

const ids = fc.constantFrom('a', 'b', '10', '2', '__proto__', 'tasks', 'x"y', 'é', '\u0000aura-tasks\u0000');
const text = fc.string({ unit: 'binary', maxLength: 12 });
const op = fc.record({ id: ids, title: text, remove: fc.boolean(), tellChanged: fc.boolean() });

/** The whole text, as the store writes it piece by piece. */
const textOf = (ser: StateSerializer, state: RunState, changed?: ReadonlySet<string>): string => [...ser.pieces(state, changed)].join('');

describe('StateSerializer', () => {
  it('gives JSON.stringify(state) through random changes', () => {
    fc.assert(
      fc.property(text, fc.array(op, { maxLength: 30 }), (goal, ops) => {
        const ser = new StateSerializer();
        let state: RunState = { ...makeState([makeTask('a')]), goal, context: '"tasks":"\u0000aura-tasks\u0000"' };
        for (const o of ops) {
          const tasks: Record<string, TaskState> = { ...state.tasks };
          if (o.remove) delete tasks[o.id];
          else Object.defineProperty(tasks, o.id, { value: makeTask(o.id, { title: o.title }), enumerable: true, configurable: true, writable: true });
          state = { ...state, tasks };
          const changed = o.tellChanged ? new Set([o.id]) : new Set<string>();
          assert.equal(textOf(ser, state, changed), serializeState(state));
          // In small pieces, as the store writes it: the same text, no task split, no piece past its size but for one task.
          const pieces = [...ser.pieces(state, changed, 40)];
          assert.equal(pieces.join(''), serializeState(state));
          assert.deepEqual(JSON.parse(textOf(ser, state)), JSON.parse(JSON.stringify(state)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the pieces are taken when asked for: a run that changes while they are written does not change them', () => {
    const ser = new StateSerializer();
    const state = makeState([makeTask('a'), makeTask('b')]);
    const before = serializeState(state);
    const pieces = ser.pieces(state, undefined, 10);
    state.tasks['b'] = makeTask('b', { title: 'replaced while writing' });
    state.tasks['c'] = makeTask('c');
    assert.equal([...pieces].join(''), before);
  });

  it('pieces stay near their size: a 2,000-task run in 32 KB pieces', () => {
    const ser = new StateSerializer();
    const state = makeState(Array.from({ length: 2000 }, (_, i) => makeTask(`t${i}`)));
    const pieces = [...ser.pieces(state, undefined)];
    assert.equal(pieces.join(''), serializeState(state));
    assert.ok(pieces.length > 10, `${pieces.length} pieces`);
    const task = JSON.stringify(state.tasks['t1']).length + 8;
    for (const p of pieces.slice(0, -1)) assert.ok(p.length <= 32 * 1024 && p.length > 32 * 1024 - task - 1, `piece of ${p.length}`);
  });

  it('a task named as changed is serialised again even if it is the same object', () => {
    const ser = new StateSerializer();
    const state = makeState([makeTask('a')]);
    textOf(ser, state);
    (state.tasks['a'] as { title: string }).title = 'edited in place';
    assert.match(textOf(ser, state, new Set(['a'])), /edited in place/);
  });
});
