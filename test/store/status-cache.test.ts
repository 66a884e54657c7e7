// The status cache is used only while it provably describes the run on disk: any later write to
// state.json or the journal, a damaged file or another version makes the reader ignore it.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Layout } from '../../src/store/layout.js';
import { readStatusCache, writeStatusCache } from '../../src/store/status-cache.js';
import { tempProject } from './fixtures.js';

const BODY = JSON.stringify({ v: 1, hello: 'status' });

async function withCache(t: { after(fn: () => Promise<void>): void }): Promise<Layout> {
  const layout = await tempProject(t);
  writeFileSync(layout.stateFile, '{"schemaVersion":1}\n');
  writeFileSync(layout.journalFile, '{"seq":1}\n');
  writeStatusCache(layout, BODY);
  return layout;
}

describe('status cache', () => {
  it('reads back what the daemon wrote while the run is unchanged', async (t) => {
    const layout = await withCache(t);
    assert.equal(readStatusCache(layout), BODY);
    assert.equal(readStatusCache(layout), BODY, 'reading changes nothing');
  });

  it('is ignored once the journal grows (a new daemon, a foreign write)', async (t) => {
    const layout = await withCache(t);
    appendFileSync(layout.journalFile, '{"seq":2}\n');
    assert.equal(readStatusCache(layout), null);
  });

  it('is ignored once state.json is replaced, even by the same bytes', async (t) => {
    const layout = await withCache(t);
    const same = readFileSync(layout.stateFile);
    writeFileSync(`${layout.stateFile}.tmp`, same);
    renameSync(`${layout.stateFile}.tmp`, layout.stateFile);
    assert.equal(readStatusCache(layout), null);
  });

  it('is ignored when a file was edited in place (its mtime moved)', async (t) => {
    const layout = await withCache(t);
    utimesSync(layout.stateFile, new Date(), new Date(Date.now() + 5000));
    assert.equal(readStatusCache(layout), null);
  });

  it('is ignored when state.json or the journal is gone', async (t) => {
    const layout = await withCache(t);
    renameSync(layout.journalFile, `${layout.journalFile}.away`);
    assert.equal(readStatusCache(layout), null);
  });

  it('is ignored, never fatal, when missing or damaged', async (t) => {
    const layout = await withCache(t);
    const good = readFileSync(layout.statusCacheFile, 'utf8');
    const nl = good.indexOf('\n');
    const damaged = [
      '',
      'not json',
      good.slice(0, nl), // header only
      good.slice(0, nl + 5), // cut short
      good.replace('status', 'statuz'), // body changed: the checksum says so
      good.replace('"v":1', '"v":2'), // another version
      `{"v":1}\n${BODY}\n`, // no stamps, no checksum
    ];
    for (const text of damaged) {
      writeFileSync(layout.statusCacheFile, text);
      assert.equal(readStatusCache(layout), null, JSON.stringify(text.slice(0, 40)));
    }
    renameSync(layout.statusCacheFile, `${layout.statusCacheFile}.away`);
    assert.equal(readStatusCache(layout), null);
  });

  it('is written over in place: a shorter cache after a longer one leaves no tail, and one caught half written is refused', async (t) => {
    const layout = await withCache(t);
    const long = JSON.stringify({ v: 1, hello: 'x'.repeat(5000) });
    writeStatusCache(layout, long);
    assert.equal(readStatusCache(layout), long);
    const inode = statSync(layout.statusCacheFile).ino;
    writeStatusCache(layout, BODY);
    assert.equal(readStatusCache(layout), BODY, 'cut to the new length');
    assert.equal(statSync(layout.statusCacheFile).ino, inode, 'the same file, not a new one renamed over it');
    // What a reader sees in the middle of that write: the new header and body, then the old tail.
    writeStatusCache(layout, long);
    const longText = readFileSync(layout.statusCacheFile);
    writeStatusCache(layout, BODY);
    const shortText = readFileSync(layout.statusCacheFile);
    writeFileSync(layout.statusCacheFile, Buffer.concat([shortText, longText.subarray(shortText.length)]));
    assert.equal(readStatusCache(layout), null);
  });

  it('is not written through a link someone put in its place', async (t) => {
    const layout = await withCache(t);
    const elsewhere = `${layout.statusCacheFile}.elsewhere`;
    writeFileSync(elsewhere, 'not yours');
    rmSync(layout.statusCacheFile);
    symlinkSync(elsewhere, layout.statusCacheFile);
    assert.throws(() => writeStatusCache(layout, BODY), /ELOOP/);
    assert.equal(readFileSync(elsewhere, 'utf8'), 'not yours');
  });

  it('is not written when there is no run on disk to describe', async (t) => {
    const layout = await tempProject(t);
    writeStatusCache(layout, BODY);
    assert.equal(readStatusCache(layout), null);
  });
});
