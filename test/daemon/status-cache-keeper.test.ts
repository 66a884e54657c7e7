// The status cache the daemon keeps after commits and between cycles (issue 13): never taken with
// anything left uncommitted, written only when state.json or the journal moved, and never trusted
// for files that moved after its body was taken.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { StatusCacheKeeper } from '../../src/daemon/status-cache-keeper.js';
import { factsOf } from '../../src/progress/facts.js';
import { digestOf } from '../../src/progress/status-digest.js';
import type { Layout } from '../../src/store/layout.js';
import { readStatusCache } from '../../src/store/status-cache.js';
import { fixtureState, journal } from '../progress/fixture.js';
import { tempProject } from '../store/fixtures.js';

const FACTS = factsOf(fixtureState(), journal());
const BODY = JSON.stringify(digestOf(FACTS));

interface Setup {
  layout: Layout;
  book: { uncommitted: boolean; viewFacts: () => typeof FACTS; calls: number };
  keeper: StatusCacheKeeper;
  rest: Array<() => void>;
  logs: string[];
}

async function setup(t: { after(fn: () => Promise<void>): void }, atRest: 'queued' | 'now' = 'now'): Promise<Setup> {
  const layout = await tempProject(t);
  writeFileSync(layout.stateFile, '{"schemaVersion":1}\n');
  writeFileSync(layout.journalFile, '{"seq":1}\n');
  const book = {
    uncommitted: false,
    calls: 0,
    viewFacts() {
      this.calls += 1;
      return FACTS;
    },
  };
  const rest: Array<() => void> = [];
  const logs: string[] = [];
  const keeper = new StatusCacheKeeper({ book: book as never, layout, log: (l) => void logs.push(l) }, atRest === 'now' ? (fn) => fn() : (fn) => void rest.push(fn));
  return { layout, book, keeper, rest, logs };
}


describe('the status cache keeper', () => {
  it('writes the run as it is, stamped for the files as they are', async (t) => {
    const s = await setup(t);
    s.keeper.now();
    assert.equal(readStatusCache(s.layout), BODY);
  });

  it('writes nothing while memory is ahead of the journal', async (t) => {
    const s = await setup(t);
    s.book.uncommitted = true;
    s.keeper.now();
    assert.equal(readStatusCache(s.layout), null);
    assert.equal(s.book.calls, 0);
    s.book.uncommitted = false;
    s.keeper.now();
    assert.equal(readStatusCache(s.layout), BODY, 'the next time, once committed');
  });

  it('does not rewrite the cache while neither file moved, and does once the journal grows', async (t) => {
    const s = await setup(t);
    s.keeper.now();
    writeFileSync(s.layout.statusCacheFile, 'marked'); // a write would replace it
    s.keeper.now();
    s.keeper.now();
    assert.equal(readFileSync(s.layout.statusCacheFile, 'utf8'), 'marked', 'unchanged files: no write');
    assert.equal(s.book.calls, 1, 'and no digest taken');
    appendFileSync(s.layout.journalFile, '{"seq":2}\n');
    s.keeper.now();
    assert.equal(s.book.calls, 2);
    assert.equal(readStatusCache(s.layout), BODY);
  });

  it('takes the body, the stamps and the write in one synchronous stretch (nothing can move the journal between them)', async (t) => {
    const s = await setup(t);
    s.keeper.now();
    assert.equal(readStatusCache(s.layout), BODY, 'on disk when now() returns, not later');
    appendFileSync(s.layout.journalFile, '{"seq":2}\n');
    assert.equal(readStatusCache(s.layout), null, 'a later entry makes it untrusted, never wrong');
  });

  it('soon() waits for the cycle to end, and asks once however often it is called', async (t) => {
    const s = await setup(t, 'queued');
    s.keeper.soon();
    s.keeper.soon();
    s.keeper.soon();
    assert.equal(s.rest.length, 1);
    assert.equal(s.book.calls, 0, 'nothing is read of the run mid-cycle');
    s.rest.shift()!();
    s.keeper.now(); // nothing more to write: soon() wrote it
    assert.equal(readStatusCache(s.layout), BODY);
    s.keeper.soon();
    assert.equal(s.rest.length, 1, 'asked again after it ran');
  });

  it('a failed write is said in the log and tried again next time', async (t) => {
    const s = await setup(t);
    mkdirSync(s.layout.statusCacheFile); // writing it fails, even for root
    s.keeper.now();
    assert.match(s.logs.join('\n'), /^status cache: .*\(aura status reads the run instead\)$/m);
    appendFileSync(s.layout.journalFile, '{"seq":2}\n');
    s.keeper.now();
    assert.equal(s.logs.length, 1, 'the same failure is said once, not at every render');
    rmdirSync(s.layout.statusCacheFile);
    s.keeper.now();
    assert.equal(readStatusCache(s.layout), BODY);
  });
});
