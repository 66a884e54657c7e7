import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { test } from 'node:test';
import path from 'node:path';
import { fsyncDir, writeFileAtomic, writeFileAtomicSync } from '../../src/util/atomic.js';
import { tempProject } from './fixtures.js';

test('writeFileAtomic replaces content and leaves no temp files', async (t) => {
  const L = await tempProject(t);
  const f = path.join(L.stateDir, 'x.json');
  await writeFileAtomic(f, 'one');
  await writeFileAtomic(f, Buffer.from('two'), { mode: 0o600 });
  writeFileAtomicSync(f, 'three');
  assert.equal(await fs.readFile(f, 'utf8'), 'three');
  assert.deepEqual(await fs.readdir(L.stateDir), ['x.json']);
  await writeFileAtomic(f, 'four', { mode: 0o600 });
  assert.equal((await fs.stat(f)).mode & 0o777, 0o600);
  await fsyncDir(L.stateDir);
});

test('writeFileAtomic failing to rename cleans its temp file up and reports the error', async (t) => {
  const L = await tempProject(t);
  const target = path.join(L.stateDir, 'dir-in-the-way');
  await fs.mkdir(path.join(target, 'child'), { recursive: true });
  await assert.rejects(writeFileAtomic(target, 'x'), (err: NodeJS.ErrnoException) => ['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(err.code ?? ''));
  assert.deepEqual(await fs.readdir(L.stateDir), ['dir-in-the-way']);
});
