// The final report's "Notable events": counted over the whole journal, the last 40 shown, and the
// journal streamed rather than loaded (a finished 20,000-task run's journal, held as objects, was the
// daemon's peak memory as it ended).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { layoutFor } from '../../src/store/layout.js';
import { readJournal } from '../../src/store/journal-read.js';
import type { JournalEntry } from '../../src/store/schema.js';
import { isNotable, NotableEvents, renderFinalReport } from '../../src/summaries/task-summary.js';
import { notableEvents } from '../../src/summaries/write.js';
import { makeProject } from '../helpers/aura.js';
import { fixtureState } from '../progress/fixture.js';

const TS = '2026-12-05T10:00:00.000Z';

function entry(seq: number, notable: boolean): JournalEntry {
  return notable
    ? { seq, ts: TS, cycle: 1, kind: 'status', task: `t${seq}`, from: 'running', to: 'failed', msg: `failed #${seq}` }
    : { seq, ts: TS, cycle: 1, kind: 'status', task: `t${seq}`, from: 'pending', to: 'running', msg: `started #${seq}`, data: { pad: 'x'.repeat(2000) } };
}

describe('final report: notable events', () => {
  it('counts every notable entry and keeps the last 40, in order', () => {
    const entries = Array.from({ length: 300 }, (_, i) => entry(i + 1, i % 3 === 0));
    const n = NotableEvents.of(entries);
    const all = entries.filter(isNotable);
    assert.equal(n.count, 100);
    assert.deepEqual(n.last.map((e) => e.seq), all.slice(-40).map((e) => e.seq));
    const report = renderFinalReport(fixtureState(), n);
    assert.match(report, /\(60 earlier ones in the journal: `aura history`\.\)/);
    assert.ok(report.includes(`failed #${all.at(-1)!.seq}`));
    assert.ok(!report.includes(`failed #${all.at(-41)!.seq}:`), 'the 41st newest is left to aura history');
  });

  it('says so when nothing was notable, and names no earlier ones when all fit', () => {
    assert.match(renderFinalReport(fixtureState(), NotableEvents.of([entry(1, false)])), /None: no failures, kills, budget stops or recoveries\./);
    const few = renderFinalReport(fixtureState(), NotableEvents.of([entry(1, true), entry(2, true)]));
    assert.ok(few.includes('failed #1') && few.includes('failed #2'));
    assert.ok(!few.includes('earlier ones'));
  });

  it('reads them from the journal file: the same events as the whole journal gives, torn tail and junk lines skipped', async () => {
    const p = makeProject();
    const layout = layoutFor(p.dir);
    mkdirSync(path.dirname(layout.journalFile), { recursive: true });
    // ~1.2 MB over many 64 KB chunks, so lines straddle chunk edges.
    const lines = Array.from({ length: 600 }, (_, i) => JSON.stringify(entry(i + 1, i % 7 === 0)));
    lines.splice(250, 0, 'not json', '{"seq":"x"}');
    writeFileSync(layout.journalFile, `${lines.join('\n')}\n{"seq":601,"ts":"${TS}","cyc`);
    const streamed = await notableEvents(layout);
    const whole = NotableEvents.of(await readJournal(layout.journalFile));
    assert.equal(streamed.count, 86);
    assert.equal(streamed.count, whole.count);
    assert.deepEqual(streamed.last, whole.last);
  });

  it('a run with no journal yet has no notable events', async () => {
    const p = makeProject();
    const n = await notableEvents(layoutFor(p.dir));
    assert.equal(n.count, 0);
    assert.deepEqual(n.last, []);
  });
});
