import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firstInvalidUtf8, MAX_TASK_FILE_BYTES, readTaskFile } from '../../src/taskfile/read.js';
import { AuraError } from '../../src/util/errors.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'aura-read-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, content);
  return p;
}

async function rejects(p: string, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(readTaskFile(p), (err: unknown) => {
    assert.ok(err instanceof AuraError, String(err));
    assert.equal(err.code, 'BAD_TASK_FILE');
    assert.ok(err.message.includes(p), `names the file: ${err.message}`);
    assert.match(err.message, message);
    assert.ok(err.hint !== undefined && err.hint.length > 0);
    if (hint) assert.match(err.hint, hint);
    return true;
  });
}

describe('readTaskFile', () => {
  it('reads text, hashes the raw bytes, strips the BOM and normalises line ends', async () => {
    const raw = Buffer.from('\uFEFF# Goal\r\n- [ ] A\rlast', 'utf8');
    const p = await file('ok.md', raw);
    const r = await readTaskFile(p);
    assert.equal(r.text, '# Goal\n- [ ] A\nlast');
    assert.equal(r.bytes, raw.length);
    assert.equal(r.hash, createHash('sha256').update(raw).digest('hex'));
  });

  it('rejects a missing file', async () => {
    await rejects(path.join(dir, 'nope.md'), /does not exist/, /# Train the model/);
    await rejects(path.join(dir, 'ok-not-a-dir.md', 'x.md'), /does not exist/);
  });

  it('rejects a directory', async () => {
    const p = path.join(dir, 'adir');
    await mkdir(p);
    await rejects(p, /is a directory/);
  });

  it('rejects an empty or whitespace-only file', async () => {
    await rejects(await file('empty.md', ''), /is empty/);
    await rejects(await file('blank.md', ' \n\t\r\n'), /contains only whitespace/);
  });

  it('rejects a binary file', async () => {
    await rejects(await file('bin.md', Buffer.from([0x23, 0x20, 0x41, 0x00, 0x01])), /looks binary \(a NUL byte at offset 3\)/);
    const late = Buffer.concat([Buffer.from('# G\n' + 'x'.repeat(20_000)), Buffer.from([0])]);
    await rejects(await file('late-nul.md', late), /looks binary \(a NUL byte at offset 20004\)/);
  });

  it('rejects UTF-16 with a specific message', async () => {
    await rejects(await file('u16.md', Buffer.from('\uFEFF# Goal', 'utf16le')), /is UTF-16LE encoded/, /UTF-8/);
  });

  it('rejects invalid UTF-8 and says where', async () => {
    await rejects(await file('latin1.md', Buffer.from('# Caf\xe9\n', 'latin1')), /not valid UTF-8 \(first bad byte at offset 5\)/);
  });

  it('rejects a 2 MB file without reading it', async () => {
    const p = await file('big.md', Buffer.alloc(2 * 1024 * 1024, 0x61));
    await rejects(p, /is too large \(2\.0 MiB; the limit is 1\.0 MiB\)/);
  });

  it('rejects a 50 MB sparse file by its size', async () => {
    const p = await file('sparse.md', '# G\n');
    await truncate(p, 50 * 1024 * 1024);
    await rejects(p, /is too large \(50\.0 MiB/);
  });

  it('refuses a FIFO instead of blocking on it', { skip: process.platform === 'win32' }, async () => {
    const p = path.join(dir, 'pipe.md');
    assert.equal(spawnSync('mkfifo', [p]).status, 0);
    await rejects(p, /is not a regular file/);
  });

  it('accepts a file of exactly the limit', async () => {
    const p = await file('limit.md', '# G\n' + 'a'.repeat(MAX_TASK_FILE_BYTES - 4));
    assert.equal((await readTaskFile(p)).bytes, MAX_TASK_FILE_BYTES);
    await rejects(await file('over.md', '# G\n' + 'a'.repeat(MAX_TASK_FILE_BYTES - 3)), /too large \(1048577 bytes/);
  });

  it('rejects an unreadable file', { skip: process.getuid?.() === 0 ? 'root can read anything' : false }, async () => {
    const p = await file('secret.md', '# G\n');
    await chmod(p, 0o000);
    await rejects(p, /cannot be read \(permission denied\)/, /chmod/);
  });
});

describe('firstInvalidUtf8', () => {
  const cases: Array<[number[], number]> = [
    [[0x41, 0x42], -1],
    [[0xc3, 0xa9], -1], // é
    [[0xf0, 0x9f, 0x98, 0x80], -1], // emoji
    [[0x41, 0xc3], 1], // truncated
    [[0xc0, 0x80], 0], // overlong
    [[0xe0, 0x80, 0x80], 0], // overlong
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // > U+10FFFF
    [[0x41, 0x80], 1], // stray continuation
    [[0xff], 0],
  ];
  for (const [bytes, offset] of cases) {
    it(bytes.map((b) => b.toString(16)).join(' '), () => {
      assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), offset);
      // Agrees with the platform decoder on valid/invalid.
      let valid = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
      } catch (err) {
        assert.ok(err instanceof TypeError);
        valid = false;
      }
      assert.equal(valid, offset === -1);
    });
  }
});
