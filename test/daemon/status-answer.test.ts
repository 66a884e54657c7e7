// Issue 13: the live daemon answers `aura status` from its status index, between cycles. The answer is
// the run as the journal has it: a request that arrives while a cycle has applied half of its changes
// waits for the cycle to end and shows all of them, and the index says what the full walk says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { factsOf } from '../../src/progress/facts.js';
import { statusText } from '../../src/progress/status-text.js';
import { RunBook } from '../../src/daemon/run-book.js';
import { liveStatus, statusAtRest } from '../../src/daemon/status-answer.js';
import { WakeQueue } from '../../src/daemon/wake.js';
import type { JournalEntry, RunState } from '../../src/store/schema.js';
import { DAEMON, fixtureState, NOW, task } from '../progress/fixture.js';

function book(state: RunState): RunBook {
  let seq = state.journalSeq;
  const b = new RunBook({
    journal: { append: async (es) => es.map((e) => ({ ...e, seq: ++seq }) as JournalEntry), bytes: 0 },
    store: { save: async () => undefined, lastBytes: 1 },
    clock: { now: () => NOW },
    log: () => undefined,
  });
  b.adopt(state);
  return b;
}

/** The text the full walk gives for the book's run as it is now. */
const walked = (b: RunBook): string => statusText(factsOf(b.state, b.recent), DAEMON, NOW);

describe('aura status from the live daemon', () => {
  it('says what the full walk says, through changes and a new state', async () => {
    const b = book(fixtureState());
    assert.equal(liveStatus(b, DAEMON, false, NOW), walked(b));
    b.put(b.state.tasks.feed!, 'running', 'worker started');
    b.put(b.state.tasks.publish!, 'pending', 'aura retry');
    await b.commit();
    assert.equal(liveStatus(b, DAEMON, false, NOW), walked(b));
    b.setTask(task({ id: 'late', title: 'Added by the planner' }));
    b.state.roots = [...b.state.roots, 'late'];
    assert.equal(liveStatus(b, DAEMON, false, NOW), walked(b), 'a new task and new roots');
    const next = fixtureState();
    next.tasks.setup = { ...next.tasks.setup!, status: 'archived' };
    b.adopt(next);
    assert.equal(liveStatus(b, DAEMON, false, NOW), walked(b), 'a whole new state (task.md applied)');
    // --json still walks the whole run.
    assert.match(liveStatus(b, DAEMON, true, NOW), /"tasks": \[/);
  });

  it('a request mid-cycle waits for the cycle, then shows all of its changes, never half', async () => {
    const b = book(fixtureState());
    let release!: () => void;
    let halfway!: () => void;
    const atHalf = new Promise<void>((r) => (halfway = r));
    const q = new WakeQueue(async (_reasons, started) => {
      started(1);
      b.put(b.state.tasks.feed!, 'running', 'worker started');
      halfway();
      await new Promise<void>((r) => (release = r)); // the cycle awaits (a spawn, the journal) with one change applied
      b.put(b.state.tasks.publish!, 'pending', 'aura retry');
      b.put(b.state.tasks.announce!, 'pending', 'its need is pending again');
      await b.commit();
    }, (err) => assert.fail(String(err)));
    const before = liveStatus(b, DAEMON, false, NOW);
    q.wakeNoWait('go');
    await atHalf;
    const half = walked(b);
    assert.notEqual(half, before, 'the first change is applied');
    let answer: string | null = null;
    let answeredFrom: string | null = null; // the run as the answer read it, rendered at NOW
    const asked = statusAtRest(q, () => ((answeredFrom = walked(b)), { book: b, daemon: DAEMON }), false).then((s) => (answer = s));
    // A render in the middle of the cycle may bring the index up to date: the answer still waits.
    b.viewFacts();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(answer, null, 'not answered while the cycle is half done');
    release();
    await asked;
    await q.idle();
    assert.ok(answer);
    assert.equal(answeredFrom, walked(b), 'read once the cycle ended: the run as the journal has it');
    assert.notEqual(answeredFrom, half);
    assert.match(answer!, /Publish the site \[publish\] · pending/);
    assert.match(answer!, /Announce it \[announce\] · pending/);
  });
});
