// The reader against the writer: what `aura logs` and the dashboard show of a capped file while the
// worker runs (head, marker, tail) and after it closed, and last-N-lines of a file bigger than a chunk.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { CappedFile } from '../../src/workers/capped-file.js';
import { readLastLines, readLog, readRange, TAIL_MARKER } from '../../src/workers/capped-read.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'aura-capread-'));
after(() => rmSync(root, { recursive: true, force: true }));

function attemptDir(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  return dir;
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${String(from + i).padStart(4, '0')}\n`).join('');

describe('readLog', () => {
  test('a running capped file: the head, the marker, the latest lines; -n counts both sides', async () => {
    const dir = attemptDir('running');
    const f = new CappedFile(path.join(dir, 'stdout.log'), 96);
    f.write(Buffer.from(lines(0, 100)));
    f.flushTail();
    // 48 bytes each side: the head ends and the tail starts mid-line; the marker goes on a line of its own.
    assert.equal(await readLog(dir, 'stdout', 0), `${lines(0, 5).slice(0, 48)}\n${TAIL_MARKER}\n${lines(95, 100).slice(-48)}`);
    assert.equal(await readLog(dir, 'stdout', 2), `${TAIL_MARKER}\n${lines(98, 100)}`);
    f.close();
  });

  test("a closed capped file: the whole of it, with the writer's note where bytes were dropped", async () => {
    const dir = attemptDir('closed');
    const f = new CappedFile(path.join(dir, 'stdout.log'), 100);
    f.write(Buffer.from(lines(0, 100)));
    f.close();
    const text = (await readLog(dir, 'stdout', 0)) ?? '';
    assert.ok(text.startsWith('line 0000\n') && text.endsWith('line 0099\n'), text);
    assert.match(text, /\[aura: \d+ bytes dropped here to keep this log under its cap\]/);
    assert.ok(!text.includes(TAIL_MARKER));
  });

  test('events are rendered before lines are counted; a missing file is null', async () => {
    const dir = attemptDir('events');
    const ev = (i: number) => JSON.stringify({ ts: `2026-01-01T00:00:0${i}.000Z`, type: 'text', text: `t${i}` });
    writeFileSync(path.join(dir, 'output.jsonl'), `${ev(1)}\n\n${ev(2)}\n${ev(3)}\n`);
    assert.equal(await readLog(dir, 'events', 2), '00:00:02 text t2\n00:00:03 text t3\n');
    assert.equal(await readLog(dir, 'stderr', 10), null);
  });
});

test('readLastLines reaches back over chunks; readRange stops at the end of the file', async () => {
  const file = path.join(attemptDir('big'), 'big.log');
  writeFileSync(file, lines(0, 10_000)); // 100 kB: more than one 64 kB chunk
  assert.equal((await readLastLines(file, 3))?.toString(), lines(9997, 10_000));
  assert.equal((await readLastLines(file, 8000))?.toString(), lines(2000, 10_000));
  assert.equal(await readLastLines(`${file}.none`, 3), null);
  assert.equal((await readRange(file, 99_990, 200_000)).toString(), lines(9999, 10_000));
});
