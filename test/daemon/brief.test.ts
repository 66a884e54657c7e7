// The brief's "what other tasks already produced": every done sibling in a small group, the nearest
// ones (in file order, with a note that the list is partial) in a large one — a worker in a parallel
// section of 20,000 tasks gets a short brief, not the section.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBrief, SIBLINGS_LISTED } from '../../src/daemon/brief.js';
import { GOAL_ID } from '../../src/core/tree.js';
import type { RunState } from '../../src/store/schema.js';
import { makeState, makeTask } from '../core/fixtures.js';

function group(n: number, done: (i: number) => boolean): RunState {
  const kids = Array.from({ length: n }, (_, i) => makeTask(`t${i}`, { parent: GOAL_ID, status: done(i) ? 'done' : 'pending', produces: i === 3 ? ['out/3.txt'] : [] }));
  return makeState([makeTask(GOAL_ID, { children: kids.map((k) => k.id) }), ...kids], { roots: [GOAL_ID] });
}

const brief = (state: RunState, id: string): string =>
  buildBrief({ state, task: state.tasks[id]!, attempt: 1, attemptDir: '/p/.aura/runs/x', budgetMs: 60_000, guidance: [] });

/** The titles listed under "What other tasks already produced". */
function listed(text: string): string[] {
  const m = /## What other tasks already produced\n\n([\s\S]*?)\n\n/.exec(text);
  return m ? m[1]!.split('\n') : [];
}

describe('brief: done siblings', () => {
  it('a small group lists every done sibling, in file order, with what it produced', () => {
    const s = group(6, (i) => i !== 2 && i !== 4);
    assert.deepEqual(listed(brief(s, 't2')), ['- task t0', '- task t1', '- task t3: `out/3.txt`', '- task t5']);
  });

  it('no done sibling: no section', () => {
    assert.deepEqual(listed(brief(group(4, () => false), 't1')), []);
  });

  it('a large group lists only the nearest done siblings, in file order, and says the list is partial', () => {
    const s = group(2000, (i) => i !== 1000);
    const lines = listed(brief(s, 't1000'));
    assert.equal(lines.length, SIBLINGS_LISTED + 1);
    const titles = lines.slice(0, -1).map((l) => Number(/t(\d+)/.exec(l)![1]));
    assert.deepEqual(titles, [...titles].sort((a, b) => a - b), 'file order');
    assert.ok(titles.every((i) => Math.abs(i - 1000) <= SIBLINGS_LISTED / 2), `nearest: ${titles.join(',')}`);
    assert.match(lines.at(-1)!, /only the finished tasks nearest this one are listed/);
  });

  it('the first task of a large group looks forward only', () => {
    const s = group(2000, (i) => i % 2 === 1);
    const titles = listed(brief(s, 't0')).slice(0, -1).map((l) => Number(/t(\d+)/.exec(l)![1]));
    assert.deepEqual(titles, Array.from({ length: SIBLINGS_LISTED }, (_, k) => 2 * k + 1));
  });

  it('done siblings beyond the scanned neighbours are not looked for', () => {
    const s = group(3000, (i) => i >= 2900);
    const lines = listed(brief(s, 't0'));
    assert.deepEqual(lines, []);
  });
});
