import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { listDirectory } from '../../src/planner/tools/list-directory.js';
import { readFile } from '../../src/planner/tools/read-file.js';
import type { ToolEnv, ToolOutcome } from '../../src/planner/tools/types.js';

let base = '';
let proj = '';
let hasFifo = false;
const text = Array.from({ length: 100 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
const file = (rel: string, data: string | Buffer) => {
  mkdirSync(path.dirname(path.join(proj, rel)), { recursive: true });
  writeFileSync(path.join(proj, rel), data);
};

before(() => {
  base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'aura-file-tools-')));
  proj = path.join(base, 'proj');
  mkdirSync(path.join(base, 'proj-evil'));
  writeFileSync(path.join(base, 'proj-evil', 'secret.txt'), 'evil');
  file('b.txt', 'abc');
  file('a/x.ts', 'x');
  file('a/deep/y', '');
  file('.aura/state/state.json', '{}');
  file('.env', 'KEY=1');
  file('.git/HEAD', 'ref');
  file('id_rsa', 'PRIVATE');
  symlinkSync('b.txt', path.join(proj, 'cur'));
  symlinkSync('/etc', path.join(proj, 'out'));
  symlinkSync('.env', path.join(proj, 'sec'));
  symlinkSync('ring', path.join(proj, 'ring'));
  symlinkSync('a', path.join(proj, 'lnkdir'));
  symlinkSync('gone', path.join(proj, 'broken'));
  try {
    execFileSync('mkfifo', [path.join(proj, 'p')]);
    hasFifo = true;
  } catch {
    hasFifo = false; // no mkfifo here: the FIFO rows are skipped, not passed
  }
  file('many/f0', '');
  for (let i = 1; i < 10; i++) file(`many/f${i}`, '');
  file('many/.env.local', 'K=1');
  mkdirSync(path.join(proj, 'empty'));
  file('big.txt', text);
  file('accents.txt', 'é'.repeat(30)); // 60 bytes, 2 per character
  file('img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  file('latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x21])); // "café!" in Latin-1: not UTF-8, no NUL
});
after(() => rmSync(base, { recursive: true, force: true }));

function env(patch: Partial<ToolEnv> = {}): ToolEnv {
  return { project: proj, readCapBytes: 64 * 1024, listCapEntries: 200, ...patch };
}
async function read(input: Record<string, unknown>, e: Partial<ToolEnv> = {}): Promise<ToolOutcome> {
  return readFile.run(readFile.input.parse(input), env(e));
}
async function list(input: Record<string, unknown>, e: Partial<ToolEnv> = {}): Promise<ToolOutcome> {
  return listDirectory.run(listDirectory.input.parse(input), env(e));
}
const answer = (text: string): ToolOutcome => ({ kind: 'answer', text });
const error = (text: string): ToolOutcome => ({ kind: 'answer', isError: true, text });

describe('read_file', () => {
  it('returns a small file whole under a header', async () => {
    assert.deepEqual(await read({ path: 'b.txt' }), answer('[b.txt: 3 bytes]\nabc'));
  });

  it('reads through a symlink inside the project and names the real file', async () => {
    assert.deepEqual(await read({ path: './cur' }), answer('[b.txt: 3 bytes]\nabc'));
  });

  it('says an empty file is empty', async () => {
    assert.deepEqual(await read({ path: 'a/deep/y' }), answer('[a/deep/y: 0 bytes (empty file)]'));
  });

  describe('caps and offsets (100-byte file, cap 40)', () => {
    const rows: Array<{ name: string; input: Record<string, unknown>; want: string }> = [
      { name: 'first slice', input: {}, want: `[big.txt: 100 bytes; showing bytes 0-39; … 60 more bytes; call again with offset 40]\n${text.slice(0, 40)}` },
      { name: 'middle slice', input: { offset: 40 }, want: `[big.txt: 100 bytes; showing bytes 40-79; … 20 more bytes; call again with offset 80]\n${text.slice(40, 80)}` },
      { name: 'last slice', input: { offset: 80 }, want: `[big.txt: 100 bytes; showing bytes 80-99 (the end)]\n${text.slice(80)}` },
      { name: 'offset at the end', input: { offset: 100 }, want: '[big.txt: 100 bytes; nothing from offset 100 (the end)]\n' },
      { name: 'max_bytes below the cap', input: { max_bytes: 10 }, want: `[big.txt: 100 bytes; showing bytes 0-9; … 90 more bytes; call again with offset 10]\n${text.slice(0, 10)}` },
      { name: 'max_bytes above the cap is lowered to it', input: { max_bytes: 1000, offset: 5 }, want: `[big.txt: 100 bytes; showing bytes 5-44; … 55 more bytes; call again with offset 45]\n${text.slice(5, 45)}` },
    ];
    for (const r of rows) {
      it(r.name, async () => {
        assert.deepEqual(await read({ path: 'big.txt', ...r.input }, { readCapBytes: 40 }), answer(r.want));
      });
    }
    it('an offset past the end is an error', async () => {
      assert.deepEqual(await read({ path: 'big.txt', offset: 101 }, { readCapBytes: 40 }), error('read_file: offset 101 is past the end of "big.txt" (100 bytes)'));
    });
  });

  describe('UTF-8 slices end and start on whole characters', () => {
    it('a cap inside a character is lowered to the character before it', async () => {
      assert.deepEqual(
        await read({ path: 'accents.txt' }, { readCapBytes: 41 }),
        answer(`[accents.txt: 60 bytes; showing bytes 0-39; … 20 more bytes; call again with offset 40]\n${'é'.repeat(20)}`),
      );
    });
    it('an offset inside a character starts at the next one', async () => {
      assert.deepEqual(await read({ path: 'accents.txt', offset: 51 }), answer(`[accents.txt: 60 bytes; showing bytes 52-59 (the end)]\n${'é'.repeat(4)}`));
    });
    it('max_bytes too small for one character is an error, not an empty answer', async () => {
      assert.deepEqual(
        await read({ path: 'accents.txt', max_bytes: 1 }),
        error('read_file: max_bytes 1 is too small to hold a whole character at offset 0; ask for at least 4'),
      );
    });
  });

  describe('binary content is described, not returned', () => {
    it('a PNG', async () => {
      assert.deepEqual(
        await read({ path: 'img.png' }),
        answer('[img.png: 12 bytes] PNG image (not UTF-8 text; first bytes 89 50 4e 47 0d 0a 1a 0a); read_file returns text only'),
      );
    });
    it('invalid UTF-8 without NUL bytes', async () => {
      assert.deepEqual(
        await read({ path: 'latin1.txt' }),
        answer('[latin1.txt: 5 bytes] binary data (not UTF-8 text; first bytes 63 61 66 e9 21); read_file returns text only'),
      );
    });
  });

  describe('refusals', () => {
    const rows: Array<{ path: string; want: string }> = [
      { path: 'a', want: 'read_file: "a" is a directory; use list_directory for directories' },
      { path: '.', want: 'read_file: "." is a directory; use list_directory for directories' },
      { path: 'nope.txt', want: 'read_file: "nope.txt" does not exist; use list_directory to see what is there' },
      { path: 'b.txt/x', want: 'read_file: "b.txt/x" does not exist; use list_directory to see what is there' },
      { path: 'broken', want: 'read_file: "broken" does not exist; use list_directory to see what is there' },
      { path: '../proj-evil/secret.txt', want: 'read_file: "../proj-evil/secret.txt" contains "..", which is not allowed (even when it stays inside); give a path relative to the project root, without ".."' },
      { path: '/etc/passwd', want: 'read_file: "/etc/passwd" is outside the project; give a path relative to the project root' },
      { path: 'out/passwd', want: 'read_file: "out/passwd" leads outside the project through a symlink; only files inside the project can be used' },
      { path: 'ring', want: 'read_file: "ring" goes through a symlink loop; give a path relative to the project root that names a real file' },
      { path: '.aura/state/state.json', want: `read_file: ".aura/state/state.json" is not available to file tools: ".aura" is aura's own directory (.aura); aura gives you the run's state, journal and worker outputs itself` },
      { path: 'sec', want: 'read_file: "sec" leads through a symlink to ".env", which is not available to file tools: ".env" is an environment file (.env, .env.*, .envrc) that may hold secrets' },
      { path: 'id_rsa', want: 'read_file: "id_rsa" looks like a private key (id_rsa*, *.pem, *.key); file tools cannot use it' },
    ];
    for (const r of rows) {
      it(JSON.stringify(r.path), async () => assert.deepEqual(await read({ path: r.path }), error(r.want)));
    }
    it('an absolute path outside, into a sibling named like the project', async () => {
      const raw = `${proj}-evil/secret.txt`;
      assert.deepEqual(await read({ path: raw }), error(`read_file: ${JSON.stringify(raw)} is outside the project; give a path relative to the project root`));
    });
    it('a FIFO is refused without being opened (the call does not block)', async (t) => {
      if (!hasFifo) return t.skip('mkfifo is not available');
      assert.deepEqual(await read({ path: 'p' }), error('read_file: "p" is a FIFO (named pipe), not a regular file; read_file reads regular files only'));
    });
  });
});

describe('list_directory', () => {
  const HIDDEN = '(.aura, .git, .env*, keys and credentials are not shown)';
  const root1 = [
    'dir   a/',
    'file  accents.txt  (60 bytes)',
    'file  b.txt  (3 bytes)',
    'file  big.txt  (100 bytes)',
    'link  broken -> gone  (broken: the target does not exist)',
    'link  cur -> b.txt',
    'dir   empty/',
    'file  img.png  (12 bytes)',
    'file  latin1.txt  (5 bytes)',
    'link  lnkdir -> a/',
    'dir   many/',
    'link  out  (points outside the project)',
  ];
  const rootTail = ['link  ring  (symlink loop)'];

  it('lists the root one level deep, hiding denied entries and links to them', async (t) => {
    if (!hasFifo) return t.skip('the expected listing has a FIFO');
    const lines = [...root1, 'fifo  p', ...rootTail];
    assert.deepEqual(await list({}), answer([`[. (project root): 14 entries, depth 1; 5 hidden ${HIDDEN}]`, ...lines].join('\n')));
  });

  it('goes deeper with depth, with paths relative to the project root, not into symlinked dirs', async () => {
    assert.deepEqual(
      await list({ path: 'a', depth: 3 }),
      answer(['[a/: 3 entries, depth 3]', 'dir   a/deep/', 'file  a/deep/y  (0 bytes)', 'file  a/x.ts  (1 byte)'].join('\n')),
    );
    const r = await list({ depth: 2 });
    assert.equal(r.kind, 'answer');
    const [heading = '', ...lines] = (r.kind === 'answer' ? r.text : '').split('\n');
    assert.equal(heading, `[. (project root): ${hasFifo ? 26 : 25} entries, depth 2; 6 hidden ${HIDDEN}]`);
    assert.ok(lines.includes('file  a/x.ts  (1 byte)'));
    assert.ok(lines.includes('file  many/f9  (0 bytes)'));
    assert.ok(!lines.includes('file  a/deep/y  (0 bytes)'), 'depth 2 stops above a/deep/y');
    assert.deepEqual(lines.filter((l) => /lnkdir\/|\.aura|\.git\b|\.env|id_rsa|state\.json|HEAD/.test(l)), []);
  });

  it('a symlinked directory inside is listed at its real place', async () => {
    assert.deepEqual(await list({ path: 'lnkdir' }), answer(['[a/: 2 entries, depth 1]', 'dir   a/deep/', 'file  a/x.ts  (1 byte)'].join('\n')));
  });

  it('caps the entries and says how many more there are', async () => {
    assert.deepEqual(
      await list({ path: 'many' }, { listCapEntries: 4 }),
      answer(
        [
          `[many/: 10 entries, depth 1; 1 hidden ${HIDDEN}]`,
          'file  many/f0  (0 bytes)',
          'file  many/f1  (0 bytes)',
          'file  many/f2  (0 bytes)',
          'file  many/f3  (0 bytes)',
          '… 6 more not shown (the cap is 4); list a subdirectory or use a smaller depth',
        ].join('\n'),
      ),
    );
  });

  it('past the cap, entries in subdirectories are still counted, hidden ones too', async () => {
    const r = await list({ depth: 2 }, { listCapEntries: 3 });
    const total = hasFifo ? 26 : 25;
    assert.deepEqual(
      r,
      answer(
        [
          `[. (project root): ${total} entries, depth 2; 6 hidden ${HIDDEN}]`,
          'dir   a/',
          'dir   a/deep/',
          'file  a/x.ts  (1 byte)',
          `… ${total - 3} more not shown (the cap is 3); list a subdirectory or use a smaller depth`,
        ].join('\n'),
      ),
    );
  });

  it('an empty directory', async () => {
    assert.deepEqual(await list({ path: 'empty/' }), answer('[empty/: 0 entries, depth 1] (empty)'));
  });

  const refusals: Array<{ path: string; want: string }> = [
    { path: 'b.txt', want: 'list_directory: "b.txt" is not a directory; use read_file for files' },
    { path: 'nope', want: 'list_directory: "nope" does not exist' },
    { path: '..', want: 'list_directory: ".." contains "..", which is not allowed (even when it stays inside); give a path relative to the project root, without ".."' },
    { path: '/', want: 'list_directory: "/" is outside the project; give a path relative to the project root' },
    { path: 'out', want: 'list_directory: "out" leads outside the project through a symlink; only files inside the project can be used' },
    { path: '.aura', want: `list_directory: ".aura" is aura's own directory (.aura); aura gives you the run's state, journal and worker outputs itself; file tools cannot use it` },
    { path: '.GIT', want: `list_directory: ".GIT" is git's internal data (.git); file tools cannot use it` },
  ];
  for (const r of refusals) {
    it(`refuses ${JSON.stringify(r.path)}`, async () => assert.deepEqual(await list({ path: r.path }), error(r.want)));
  }
});

describe('input schemas', () => {
  it('read_file accepts and rejects', () => {
    assert.equal(readFile.input.safeParse({ path: 'a', offset: 0, max_bytes: 1 }).success, true);
    for (const bad of [{}, { path: 1 }, { path: 'a', offset: -1 }, { path: 'a', offset: 1.5 }, { path: 'a', max_bytes: 0 }]) {
      assert.equal(readFile.input.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
  it('list_directory defaults and limits', () => {
    assert.deepEqual(listDirectory.input.parse({}), { path: '.', depth: 1 });
    for (const bad of [{ depth: 0 }, { depth: 4 }, { depth: 2.5 }, { path: null }]) {
      assert.equal(listDirectory.input.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
  it('every field the model sees has a description', () => {
    for (const tool of [readFile, listDirectory]) {
      const schema = z.toJSONSchema(tool.input, { io: 'input' }) as { properties: Record<string, { description?: string }> };
      assert.ok(Object.keys(schema.properties).length >= 2);
      for (const [key, prop] of Object.entries(schema.properties)) {
        assert.ok((prop.description ?? '').length > 5, `${tool.name}.${key} has no description`);
      }
      assert.ok(tool.description.length > 50);
    }
  });
});
