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
          assert.equal(ser.text(state, changed), serializeState(state));
          assert.deepEqual(JSON.parse(ser.text(state)), JSON.parse(JSON.stringify(state)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a task named as changed is serialised again even if it is the same object', () => {
    const ser = new StateSerializer();
    const state = makeState([makeTask('a')]);
    ser.text(state);
    (state.tasks['a'] as { title: string }).title = 'edited in place';
    assert.match(ser.text(state, new Set(['a'])), /edited in place/);
  });
});
