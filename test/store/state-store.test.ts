import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Layout } from '../../src/store/layout.js';
import { readStateReadOnly, StateStore } from '../../src/store/state-store.js';
import { entry, fixedNow, makeState, makeTask, tempProject, writeJournal } from './fixtures.js';

const STAMP = '2026-03-01T10-00-00.000Z';

/** Two saved generations (journalSeq 3, then 5) and a journal running to seq 8. */
async function twoGenerations(L: Layout) {
  const store = new StateStore(L, { now: fixedNow });
  const gen1 = makeState({ journalSeq: 3, tasks: { a: makeTask('a', { status: 'running' }) } });
  const gen2 = makeState({ journalSeq: 5, tasks: { a: makeTask('a', { status: 'verifying' }) } });
  await store.save(gen1);
  await store.save(gen2);
  await writeJournal(L, [
    entry(1),
    entry(2),
    entry(3, { data: { task: makeTask('a', { status: 'running' }) } }),
    entry(4, { data: { task: makeTask('a', { status: 'verifying' }) } }),
    entry(5, { kind: 'decision' }),
    entry(6, { data: { task: makeTask('a', { status: 'done' }) } }),
    entry(7, { data: { task: makeTask('b', { order: 1 }) } }),
    entry(8, { kind: 'taskfile', data: { state: { roots: ['a', 'b'], goal: 'goal v2' } } }),
  ]);
  return { store, gen1, gen2 };
}

test('save keeps the previous generation and leaves no temp files', async (t) => {
  const L = await tempProject(t);
  const { gen1, gen2 } = await twoGenerations(L);
  assert.deepEqual(JSON.parse(await fs.readFile(L.stateFile, 'utf8')), gen2);
  assert.deepEqual(JSON.parse(await fs.readFile(L.statePrevFile, 'utf8')), gen1);
  assert.match(await fs.readFile(L.stateFile, 'utf8'), /^\{"schemaVersion":1,/);
  assert.deepEqual((await fs.readdir(L.stateDir)).sort(), ['journal.jsonl', 'state.json', 'state.prev.json']);
});

test('concurrent saves are serialised: last one wins, prev is the one before', async (t) => {
  const L = await tempProject(t);
  const store = new StateStore(L);
  await Promise.all([1, 2, 3, 4, 5].map((n) => store.save(makeState({ journalSeq: n }))));
  assert.equal(JSON.parse(await fs.readFile(L.stateFile, 'utf8')).journalSeq, 5);
  assert.equal(JSON.parse(await fs.readFile(L.statePrevFile, 'utf8')).journalSeq, 4);
  await store.close();
  await store.close();
  assert.throws(() => store.save(makeState()), /closed/);
});

test('save refuses a state that would not load back', async (t) => {
  const L = await tempProject(t);
  const store = new StateStore(L);
  const bad = makeState({ tasks: { a: makeTask('a', { status: 'bogus' as never }) } });
  await assert.rejects(store.save(bad), /refusing to save invalid state \(tasks\.a\.status/);
  await assert.rejects(fs.stat(L.stateFile), { code: 'ENOENT' });
});

test('an incremental save checks the run fields and the changed tasks, and writes what a full save writes', async (t) => {
  const L = await tempProject(t);
  const store = new StateStore(L);
  const good = makeState({ tasks: { a: makeTask('a'), b: makeTask('b') } });
  await store.save(good);
  const next = { ...good, journalSeq: 7, tasks: { ...good.tasks, b: makeTask('b', { title: 'renamed' }) } };
  await store.save(next, new Set(['b']));
  assert.equal(await fs.readFile(L.stateFile, 'utf8'), JSON.stringify(next) + '\n');
  await assert.rejects(store.save({ ...next, goal: 42 as never }, new Set()), /refusing to save invalid state \(goal/);
  await assert.rejects(store.save({ ...next, tasks: null as never }, new Set()), /refusing to save invalid state \(tasks: expected an object/);
  await assert.rejects(store.save({ ...next, tasks: { ...next.tasks, b: makeTask('b', { status: 'bogus' as never }) } }, new Set(['b'])), /tasks\.b\.status/);
  assert.equal(JSON.parse(await fs.readFile(L.stateFile, 'utf8')).journalSeq, 7);
});

test('no state at all is a fresh run', async (t) => {
  const L = await tempProject(t);
  assert.deepEqual(await new StateStore(L).load(), { state: null, recovery: null, replayed: 0, skipped: [] });
});

test('a good state.json behind the journal gets the newer entries replayed', async (t) => {
  const L = await tempProject(t);
  const { store } = await twoGenerations(L);
  const r = await store.load();
  assert.equal(r.recovery, null);
  assert.equal(r.replayed, 3);
  assert.equal(r.state?.journalSeq, 8);
  assert.equal(r.state?.tasks.a?.status, 'done');
  assert.deepEqual(r.state?.roots, ['a', 'b']);
});

const corruptions: Array<{ name: string; write: (L: Layout, good: string) => Promise<void>; reason: RegExp }> = [
  {
    name: 'truncated',
    write: (L, good) => fs.writeFile(L.stateFile, good.slice(0, Math.floor(good.length / 2))),
    reason: /^state\.json was not valid JSON \(.+; \d+ bytes\)/,
  },
  { name: 'zero-length', write: (L) => fs.writeFile(L.stateFile, ''), reason: /^state\.json was empty \(0 bytes\)/ },
  { name: 'not JSON', write: (L) => fs.writeFile(L.stateFile, 'hello, world\n'), reason: /^state\.json was not valid JSON/ },
  { name: 'a JSON array', write: (L) => fs.writeFile(L.stateFile, '[1,2]'), reason: /^state\.json was not a JSON object/ },
  {
    name: 'wrong schema',
    write: (L, good) => fs.writeFile(L.stateFile, good.replace('"verifying"', '"bogus"')),
    reason: /^state\.json did not match the state schema \(tasks\.a\.status: /,
  },
  {
    name: 'older schemaVersion 0',
    write: (L, good) => fs.writeFile(L.stateFile, good.replace('"schemaVersion":1', '"schemaVersion":0')),
    reason: /^state\.json has schemaVersion 0, this aura reads 1/,
  },
  {
    name: 'a directory (unreadable)',
    write: async (L) => {
      await fs.rm(L.stateFile);
      await fs.mkdir(L.stateFile);
    },
    reason: /^state\.json could not be read \(EISDIR/,
  },
];

for (const c of corruptions) {
  test(`corrupt state.json (${c.name}) is quarantined and rebuilt from state.prev.json + journal`, async (t) => {
    const L = await tempProject(t);
    const { store } = await twoGenerations(L);
    await c.write(L, await fs.readFile(L.stateFile, 'utf8'));
    const isDir = (await fs.stat(L.stateFile)).isDirectory();
    const damaged = isDir ? null : await fs.readFile(L.stateFile);

    const r = await store.load();
    assert.ok(r.recovery);
    assert.equal(r.recovery.from, 'previous');
    assert.match(r.recovery.reason, c.reason);
    assert.match(r.recovery.reason, new RegExp(`; kept it as state\\.json\\.corrupt-${STAMP}; rebuilt from state\\.prev\\.json and 5 journal entries$`));
    assert.equal(r.recovery.quarantined, path.join(L.stateDir, `state.json.corrupt-${STAMP}`));
    if (damaged) assert.deepEqual(await fs.readFile(r.recovery.quarantined), damaged);
    await assert.rejects(fs.stat(L.stateFile), { code: 'ENOENT' });
    // prev (journalSeq 3) + entries 4..8
    assert.equal(r.state?.journalSeq, 8);
    assert.equal(r.state?.tasks.a?.status, 'done');
    assert.equal(r.state?.tasks.b?.order, 1);
    assert.equal(r.state?.goal, 'goal v2');
    assert.equal(r.replayed, 5);

    // The daemon carries on: the next save makes a good state.json again.
    await store.save(r.state!);
    assert.equal((await store.load()).recovery, null);
  });
}

test('a second quarantine with the same timestamp gets its own name', async (t) => {
  const L = await tempProject(t);
  const { store } = await twoGenerations(L);
  await fs.writeFile(L.stateFile, 'x');
  await store.load();
  await fs.writeFile(L.stateFile, 'y');
  const r = await store.load();
  assert.equal(path.basename(r.recovery?.quarantined ?? ''), `state.json.corrupt-${STAMP}-1`);
  assert.equal(await fs.readFile(path.join(L.stateDir, `state.json.corrupt-${STAMP}`), 'utf8'), 'x');
});

test('state.json missing but state.prev.json present (crash between the renames): prev + journal', async (t) => {
  const L = await tempProject(t);
  const { store } = await twoGenerations(L);
  await fs.rm(L.stateFile);
  await fs.writeFile(`${L.stateFile}.tmp-999999-1`, '{"half":');
  const r = await store.load();
  assert.equal(r.recovery?.from, 'previous');
  assert.equal(r.recovery?.quarantined, undefined);
  assert.equal(r.recovery?.reason, 'state.json was missing (a save was interrupted); rebuilt from state.prev.json and 5 journal entries');
  assert.equal(r.state?.tasks.a?.status, 'done');
  // The unfinished save's temp file is gone.
  assert.deepEqual((await fs.readdir(L.stateDir)).sort(), ['journal.jsonl', 'state.prev.json']);
});

test('both snapshots unusable: rebuilt from the journal alone, both kept', async (t) => {
  const L = await tempProject(t);
  const { store } = await twoGenerations(L);
  await fs.writeFile(L.stateFile, '{');
  await fs.writeFile(L.statePrevFile, '');
  const r = await new StateStore(L, { now: fixedNow, taskFile: '/p/task.md' }).load();
  assert.equal(r.recovery?.from, 'journal');
  assert.match(r.recovery?.reason ?? '', /^state\.json was not valid JSON .*; kept it as state\.json\.corrupt-.*; state\.prev\.json was empty \(0 bytes\); kept it as state\.prev\.json\.corrupt-.*; rebuilt from 8 journal entries alone \(4 task snapshots\)$/);
  assert.equal(r.state?.journalSeq, 8);
  assert.equal(r.state?.tasks.a?.status, 'done');
  assert.deepEqual(r.state?.roots, ['a', 'b']);
  assert.equal(r.state?.goal, 'goal v2');
  assert.equal(r.state?.taskFile, '/p/task.md');
  assert.equal(r.state?.cycle, 1);
  const names = (await fs.readdir(L.stateDir)).sort();
  assert.deepEqual(names, ['journal.jsonl', `state.json.corrupt-${STAMP}`, `state.prev.json.corrupt-${STAMP}`]);
  await store.save(r.state!);
});

test('journal-only rebuild derives roots when the journal never recorded them', async (t) => {
  const L = await tempProject(t);
  await writeJournal(L, [
    entry(1, { data: { task: makeTask('second', { order: 1 }) } }),
    entry(2, { data: { task: makeTask('first', { order: 0, children: ['kid'] }) } }),
    entry(3, { data: { task: makeTask('kid', { parent: 'first' }) } }),
  ]);
  const r = await new StateStore(L, { now: fixedNow }).load();
  assert.equal(r.recovery?.from, 'journal');
  assert.match(r.recovery?.reason ?? '', /^state\.json and state\.prev\.json were missing; rebuilt from 3 journal entries alone/);
  assert.deepEqual(r.state?.roots, ['first', 'second']);
});

test('corrupt state.json and nothing to rebuild from: fresh start, file still kept', async (t) => {
  const L = await tempProject(t);
  await fs.writeFile(L.stateFile, 'garbage');
  await writeJournal(L, [entry(1, { kind: 'daemon' })]);
  const r = await new StateStore(L, { now: fixedNow }).load();
  assert.equal(r.state, null);
  assert.equal(r.recovery?.from, 'fresh');
  assert.match(r.recovery?.reason ?? '', /kept it as state\.json\.corrupt-.*; there was no state\.prev\.json; the journal has no task snapshots to rebuild from; starting fresh$/);
  assert.equal(await fs.readFile(r.recovery!.quarantined!, 'utf8'), 'garbage');
});

test('readStateReadOnly falls back in memory and changes nothing on disk', async (t) => {
  const L = await tempProject(t);
  await twoGenerations(L);
  await fs.writeFile(L.stateFile, '{"truncated":');
  const before = (await fs.readdir(L.stateDir)).sort();
  const r = await readStateReadOnly(L);
  assert.equal(r.recovery?.from, 'previous');
  assert.equal(r.recovery?.quarantined, undefined);
  assert.match(r.recovery?.reason ?? '', /^state\.json was not valid JSON .*; left it in place \(read-only\); using state\.prev\.json and 5 journal entries$/);
  assert.equal(r.state?.tasks.a?.status, 'done');
  assert.deepEqual((await fs.readdir(L.stateDir)).sort(), before);
  assert.equal(await fs.readFile(L.stateFile, 'utf8'), '{"truncated":');
});

test('readStateReadOnly on a healthy store is a plain read', async (t) => {
  const L = await tempProject(t);
  await twoGenerations(L);
  const r = await readStateReadOnly(L);
  assert.equal(r.recovery, null);
  assert.equal(r.state?.journalSeq, 8);
});
