// The final report's "Notable events": counted over the whole journal, the last 40 shown, and the
// journal streamed rather than loaded (a finished 20,000-task run's journal, held as objects, was the
// daemon's peak memory as it ended).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { layoutFor } from '../../src/store/layout.js';
import { readJournal } from '../../src/store/journal-read.js';
import { readStateReadOnly } from '../../src/store/state-store.js';
import type { JournalEntry } from '../../src/store/schema.js';
import { isNotable, NotableEvents, renderFinalReport } from '../../src/summaries/task-summary.js';
import { notableEvents } from '../../src/summaries/write.js';
import { makeProject, projectsForThisFile, runAura, testEnv } from '../helpers/aura.js';
import { fixtureState } from '../progress/fixture.js';

const TS = '2026-12-05T10:00:00.000Z';
const project = projectsForThisFile();

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

  // The daemon keeps them as the journal is written (seeded by the journal's opening scan, then each
  // append), instead of reading a 20,000-task journal again as the run ends. Two daemons, a notable
  // event under each: what the report says must be what the journal on disk says.
  it('the daemon keeps them across a restart: its report lists what the journal file gives', async () => {
    const p = project({
      'task.md': '# Retry twice\n\n- [ ] Flaky\n  - id: flaky\n  - run: `n=$(cat .n 2>/dev/null || echo 0); echo $((n + 1)) > .n; test $n -ge 2 && echo ok > out.txt`\n  - produces: `out.txt`\n',
    });
    const env = testEnv({ AURA_RETRY_BACKOFF_SECONDS: '0', AURA_MAX_ATTEMPTS: '5' });
    // First daemon: one cycle; the first attempt fails and is left pending for a retry.
    const first = await runAura(['task.md', '--once', '-q'], { cwd: p.dir, env });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const layout = layoutFor(p.dir);
    const before = (await notableEvents(layout)).count;
    assert.ok(before >= 1, 'the failed attempt is notable');
    // Second daemon: the second attempt fails too (notable under it), the third passes; the report is written.
    const second = await runAura(['task.md', '--exit-when-done', '-q'], { cwd: p.dir, env });
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const { state } = await readStateReadOnly(layout);
    assert.ok(state?.doneAt);
    const section = (md: string) => md.slice(md.indexOf('## Notable events'));
    const streamed = await notableEvents(layout);
    assert.ok(streamed.count > before, 'the second daemon added its own');
    assert.equal(section(p.read('.aura/summaries/final-report.md')), section(renderFinalReport(state, streamed)));
  });
});
