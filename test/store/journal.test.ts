import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { Journal, MAX_LINE_BYTES, readJournal, readJournalSince, readJournalTail, type NewJournalEntry } from '../../src/store/journal.js';
import { entry, fixedNow, tempProject, writeJournal } from './fixtures.js';
import { asJournalEntry } from '../../src/store/journal-read.js';
import { JournalEntry as JournalEntrySchema } from '../../src/store/schema.js';

const draft = (msg: string, patch: Partial<NewJournalEntry> = {}): NewJournalEntry => ({
  ts: '2026-03-01T10:00:00.000Z',
  cycle: 1,
  kind: 'decision',
  msg,
  ...patch,
});

test('append assigns consecutive seqs and writes one line per entry', async (t) => {
  const L = await tempProject(t);
  const j = await Journal.open(L);
  t.after(() => j.close());
  assert.equal(j.lastSeq, 0);
  const a = await j.append([draft('one'), draft('two', { data: { x: 1 } })]);
  const b = await j.append([draft('three')]);
  assert.deepEqual([...a, ...b].map((e) => e.seq), [1, 2, 3]);
  assert.equal(j.lastSeq, 3);
  assert.deepEqual(await j.append([]), []);
  const text = await fs.readFile(L.journalFile, 'utf8');
  assert.equal(text.split('\n').length, 4);
  assert.ok(text.endsWith('\n'));
  assert.deepEqual((await j.readAll()).map((e) => e.msg), ['one', 'two', 'three']);
  assert.deepEqual(await j.readAll(), [...a, ...b]);
});

test('concurrent appends keep file order equal to seq order', async (t) => {
  const L = await tempProject(t);
  const j = await Journal.open(L);
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => j.append([draft(`a${i}`), draft(`b${i}`)])));
  await j.close();
  await j.close();
  const all = await readJournal(L.journalFile);
  assert.deepEqual(all.map((e) => e.seq), Array.from({ length: 60 }, (_, i) => i + 1));
  assert.deepEqual(results.flat().map((e) => e.seq), all.map((e) => e.seq));
  await assert.rejects(j.append([draft('late')]), /closed/);
});

test('reopening continues the sequence; seqFloor keeps it above the snapshot', async (t) => {
  const L = await tempProject(t);
  await writeJournal(L, [entry(1), entry(2), entry(7)]);
  const j = await Journal.open(L);
  assert.equal(j.lastSeq, 7);
  await j.close();
  await fs.rm(L.journalFile);
  const k = await Journal.open(L, { seqFloor: 40 });
  const [e] = await k.append([draft('after a lost journal')]);
  assert.equal(e?.seq, 41);
  await k.close();
});

test('a torn last line (no newline) is kept in journal.torn-* and cut off', async (t) => {
  const L = await tempProject(t);
  const torn = '{"seq":4,"ts":"2026-03-01T10:00:0';
  await writeJournal(L, [entry(1), entry(2), entry(3)], torn);
  const goodBytes = (await fs.stat(L.journalFile)).size - torn.length;

  const ro = await Journal.open(L, { readOnly: true });
  assert.equal(ro.repaired, null);
  assert.equal(ro.tornBytes, torn.length);
  assert.equal(ro.lastSeq, 3);
  await assert.rejects(ro.append([draft('x')]), /read-only/);
  assert.equal((await fs.stat(L.journalFile)).size, goodBytes + torn.length);
  assert.equal((await readJournal(L.journalFile)).length, 3);

  const j = await Journal.open(L, { now: fixedNow });
  t.after(() => j.close());
  assert.match(j.repaired ?? '', /^journal\.jsonl ended with a torn line \(33 bytes, no complete entry\); kept them as journal\.torn-2026-03-01T10-00-00\.000Z and truncated/);
  assert.equal(await fs.readFile(path.join(L.stateDir, 'journal.torn-2026-03-01T10-00-00.000Z'), 'utf8'), torn);
  assert.equal((await fs.stat(L.journalFile)).size, goodBytes);
  assert.equal(j.lastSeq, 3);
  await j.append([draft('next')]);
  assert.deepEqual((await readJournal(L.journalFile)).map((e) => e.seq), [1, 2, 3, 4]);
});

test('a last line that is not JSON is treated as torn; bad lines in the middle are kept and counted', async (t) => {
  const L = await tempProject(t);
  const middle = ['not json', '{"valid":"json but not an entry"}', ''];
  await fs.writeFile(
    L.journalFile,
    [entry(1), ...middle, entry(2)].map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n\0\0\0garbage\n',
  );
  const j = await Journal.open(L, { now: fixedNow });
  t.after(() => j.close());
  assert.equal(j.invalidLines, 3);
  assert.equal(j.lastSeq, 2);
  assert.match(j.repaired ?? '', /torn line \(11 bytes/);
  const text = await fs.readFile(L.journalFile, 'utf8');
  assert.ok(text.includes('not json\n'));
  assert.ok(text.endsWith(JSON.stringify(entry(2)) + '\n'));
  const torn = (await fs.readdir(L.stateDir)).filter((n) => n.startsWith('journal.torn-'));
  assert.equal(torn.length, 1);
  assert.equal(await fs.readFile(path.join(L.stateDir, torn[0]!), 'utf8'), '\0\0\0garbage\n');
});

test('readTail on a 10k-line journal reads backwards and returns the last n in order', async (t) => {
  const L = await tempProject(t);
  const entries = Array.from({ length: 10_000 }, (_, i) => entry(i + 1, { data: { pad: 'x'.repeat(i % 300) } }));
  await writeJournal(L, entries, '{"seq":10001,"torn');
  const tail = await readJournalTail(L.journalFile, 25);
  assert.deepEqual(tail.map((e) => e.seq), Array.from({ length: 25 }, (_, i) => 9976 + i));
  assert.deepEqual(tail.at(-1), entries.at(-1));
  assert.equal((await readJournalTail(L.journalFile, 1))[0]?.seq, 10_000);
  assert.equal((await readJournalTail(L.journalFile, 20_000)).length, 10_000);
  assert.deepEqual(await readJournalTail(L.journalFile, 0), []);
  assert.deepEqual((await readJournalSince(L.journalFile, 9_990)).map((e) => e.seq), [9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999, 10000]);
  assert.equal((await readJournalSince(L.journalFile, 0)).length, 10_000);
  assert.deepEqual((await readJournalSince(L.journalFile, 9_990, 3)).map((e) => e.seq), [9998, 9999, 10000], 'with a limit: the newest of them');
  assert.deepEqual((await readJournalSince(L.journalFile, 9_998, 5)).map((e) => e.seq), [9999, 10000]);
  const j = await Journal.open(L, { readOnly: true });
  assert.equal(j.lastSeq, 10_000);
  assert.equal((await j.readTail(3)).length, 3);
  assert.equal((await j.readSince(9_999)).length, 1);
  assert.equal((await j.readAll()).length, 10_000);
});

test('read helpers treat a missing journal as empty', async (t) => {
  const L = await tempProject(t);
  assert.deepEqual(await readJournal(L.journalFile), []);
  assert.deepEqual(await readJournalTail(L.journalFile, 5), []);
  assert.deepEqual(await readJournalSince(L.journalFile, 0), []);
  const j = await Journal.open(L, { readOnly: true });
  assert.equal(j.lastSeq, 0);
  await assert.rejects(fs.stat(L.journalFile), { code: 'ENOENT' });
});

test('an entry over 1 MiB has its data replaced by a note', async (t) => {
  const L = await tempProject(t);
  const j = await Journal.open(L);
  t.after(() => j.close());
  const big = 'y'.repeat(MAX_LINE_BYTES + 10);
  const [e, small] = await j.append([draft('big', { data: { output: big } }), draft('small', { data: { ok: true } })]);
  assert.deepEqual(e?.data, { truncated: true, bytes: big.length + 13 });
  assert.deepEqual(small?.data, { ok: true });
  const [huge] = await j.append([draft('m'.repeat(MAX_LINE_BYTES + 1))]);
  assert.ok((huge?.msg.length ?? 0) < 70_000);
  const lines = (await fs.readFile(L.journalFile, 'utf8')).split('\n');
  assert.ok(lines.every((l) => Buffer.byteLength(l) <= MAX_LINE_BYTES));
  assert.deepEqual((await readJournal(L.journalFile)).map((x) => x.seq), [1, 2, 3]);
});

test('an invalid entry is refused and does not consume a seq', async (t) => {
  const L = await tempProject(t);
  const j = await Journal.open(L);
  t.after(() => j.close());
  await assert.rejects(j.append([draft('ok'), draft('bad', { kind: 'nonsense' as never })]), /refusing to journal an invalid nonsense entry/);
  const [e] = await j.append([draft('fine')]);
  assert.equal(e?.seq, 1);
  assert.equal((await readJournal(L.journalFile)).length, 1);
});


test('the hand-written journal line check agrees with the zod schema', () => {
  const ok = { seq: 3, ts: '2026-01-01T00:00:00.000Z', cycle: 1, kind: 'status', task: 'a', from: 'pending', to: 'running', msg: 'x', data: { a: 1 } };
  const rows: unknown[] = [
    ok,
    { ...ok, task: undefined, from: undefined, to: undefined, data: undefined },
    { ...ok, seq: 0 },
    { ...ok, seq: 1.5 },
    { ...ok, cycle: -1 },
    { ...ok, kind: 'nope' },
    { ...ok, to: 'sideways' },
    { ...ok, msg: 3 },
    { ...ok, data: [] },
    { ...ok, data: null },
    { ...ok, ts: 5 },
    null,
    [],
    'line',
  ];
  for (const r of rows) assert.equal(asJournalEntry(r) !== null, JournalEntrySchema.safeParse(r).success, JSON.stringify(r));
});

test('onAppend listeners see each batch once it is on disk, in seq order; a throwing one is dropped', async (t) => {
  const L = await tempProject(t);
  const j = await Journal.open(L);
  t.after(() => j.close());
  const seen: number[][] = [];
  const onDisk: boolean[] = [];
  const off = j.onAppend((batch) => {
    seen.push(batch.map((e) => e.seq));
    onDisk.push(batch.every((e) => e.seq <= j.lastSeq));
  });
  let bad = 0;
  j.onAppend(() => {
    bad++;
    throw new Error('a broken view');
  });
  await j.append([draft('one'), draft('two')]);
  await Promise.all([j.append([draft('three')]), j.append([draft('four')])]);
  off();
  await j.append([draft('five')]);
  assert.deepEqual(seen, [[1, 2], [3], [4]]);
  assert.deepEqual(onDisk, [true, true, true]);
  assert.equal(bad, 1, 'the throwing listener was called once, then unsubscribed');
  assert.match(String(j.listenerFailure), /a broken view/);
  assert.equal((await j.readAll()).length, 5, 'appends went on regardless');
});
