// A read-only or full disk is explained (exit 5, no stack trace), not reported as an internal error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuraError, exitCodeFor, storageError } from '../../src/util/errors.js';

const fsError = (code: string, syscall: string, path?: string) =>
  Object.assign(new Error(`${code}: something, ${syscall} '${path ?? ''}'`), { code, syscall, ...(path ? { path } : {}) });

describe('storageError', () => {
  it('turns EROFS, ENOSPC, EDQUOT, EACCES and EPERM into a STATE error naming the file', () => {
    for (const code of ['EROFS', 'ENOSPC', 'EDQUOT', 'EACCES', 'EPERM']) {
      const e = storageError(fsError(code, 'open', '/p/.aura/state/journal.jsonl'));
      assert.ok(e instanceof AuraError, code);
      assert.equal(e.code, 'STATE');
      assert.equal(exitCodeFor(e.code), 5);
      assert.match(e.message, new RegExp(`^cannot open /p/\\.aura/state/journal\\.jsonl: .+ \\(${code}\\)$`));
      assert.ok(e.hint);
    }
    assert.match(storageError(fsError('ENOSPC', 'write'))!.message, /^cannot write: no space is left/);
    assert.match(storageError(fsError('ENOSPC', 'write'))!.hint!, /free some space/);
  });

  it('leaves every other error alone', () => {
    assert.equal(storageError(fsError('ENOENT', 'open', '/x')), null);
    assert.equal(storageError(new Error('plain')), null);
    assert.equal(storageError('text'), null);
    assert.equal(storageError(null), null);
  });
});
