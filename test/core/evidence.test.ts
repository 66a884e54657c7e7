import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ArtifactFact,
  type GateInput,
  checkArtifact,
  isFresh,
  judge,
  shouldRunVerify,
  workerClean,
} from '../../src/core/evidence.js';
import type { PriorArtifact, VerifyCheck } from '../../src/store/schema.js';
import { T0 } from './fixtures.js';

type Stat = NonNullable<ArtifactFact['stat']>;

function file(path: string, stat: Partial<Stat> = {}): ArtifactFact {
  return { path, stat: { size: 10, mtimeMs: 2000, ino: 7, isDirectory: false, ...stat } };
}
function dir(path: string, entries: number | undefined): ArtifactFact {
  return { path, stat: { size: 4096, mtimeMs: 2000, ino: 8, isDirectory: true, ...(entries === undefined ? {} : { entries }) } };
}
const missing = (path: string): ArtifactFact => ({ path, stat: null });
/** What file() looked like before the attempt, unchanged. */
const priorSame = (path: string): PriorArtifact => ({ path, existed: true, mtimeMs: 2000, size: 10, ino: 7 });
const priorAbsent = (path: string): PriorArtifact => ({ path, existed: false });

function verifyRun(patch: Partial<VerifyCheck> = {}): VerifyCheck {
  return { command: 'test -s out.txt', exitCode: 0, signal: null, timedOut: false, durationMs: 1200, ok: true, outputTail: '', ...patch };
}

type AttemptIn = NonNullable<GateInput['attempt']>;
function attempt(patch: Partial<AttemptIn> = {}): AttemptIn {
  return { outcome: 'exited', exitCode: 0, signal: null, priorArtifacts: [], ...patch };
}

function gate(patch: Partial<GateInput> = {}): GateInput {
  return { attempt: attempt(), artifacts: [], verify: null, hasVerify: false, now: T0, ...patch };
}

describe('isFresh', () => {
  const rows: Array<{ name: string; fact: ArtifactFact; prior: PriorArtifact | undefined; fresh: boolean }> = [
    { name: 'path missing now', fact: missing('o'), prior: undefined, fresh: false },
    { name: 'path missing now, existed before', fact: missing('o'), prior: priorSame('o'), fresh: false },
    { name: 'no prior snapshot', fact: file('o'), prior: undefined, fresh: true },
    { name: 'did not exist before the attempt', fact: file('o'), prior: priorAbsent('o'), fresh: true },
    { name: 'mtime, inode and size unchanged', fact: file('o'), prior: priorSame('o'), fresh: false },
    { name: 'mtime changed', fact: file('o', { mtimeMs: 2001 }), prior: priorSame('o'), fresh: true },
    { name: 'inode changed (replaced by rename)', fact: file('o', { ino: 99 }), prior: priorSame('o'), fresh: true },
    { name: 'size changed, same mtime (coarse timestamps)', fact: file('o', { size: 11 }), prior: priorSame('o'), fresh: true },
    { name: 'directory unchanged', fact: dir('d', 3), prior: { path: 'd', existed: true, mtimeMs: 2000, size: 4096, ino: 8 }, fresh: false },
  ];
  for (const r of rows) {
    it(`${r.name} → ${r.fresh ? 'fresh' : 'not fresh'}`, () => {
      assert.equal(isFresh(r.fact, r.prior), r.fresh);
    });
  }
});

describe('checkArtifact', () => {
  const NOT_WRITTEN = 'not written during this attempt (unchanged since before it started)';
  const rows: Array<{
    name: string;
    fact: ArtifactFact;
    prior?: PriorArtifact;
    needFresh: boolean;
    want: ReturnType<typeof checkArtifact>;
  }> = [
    {
      name: 'missing',
      fact: missing('out.txt'),
      needFresh: true,
      want: { path: 'out.txt', exists: false, size: 0, fresh: false, ok: false, note: 'missing' },
    },
    {
      name: 'empty file',
      fact: file('out.txt', { size: 0 }),
      needFresh: true,
      want: { path: 'out.txt', exists: true, size: 0, fresh: true, ok: false, note: 'empty file' },
    },
    {
      name: 'empty directory',
      fact: dir('out', 0),
      needFresh: true,
      want: { path: 'out', exists: true, size: 4096, fresh: true, ok: false, note: 'empty directory' },
    },
    {
      name: 'directory whose entry count is unknown counts as empty',
      fact: dir('out', undefined),
      needFresh: true,
      want: { path: 'out', exists: true, size: 4096, fresh: true, ok: false, note: 'empty directory' },
    },
    {
      name: 'problem path (outside the project) even though it exists',
      fact: { ...file('../etc/passwd'), problem: 'outside the project' },
      needFresh: true,
      want: { path: '../etc/passwd', exists: true, size: 10, fresh: false, ok: false, note: 'outside the project' },
    },
    {
      name: 'problem path that does not exist',
      fact: { path: '/abs', stat: null, problem: 'absolute path' },
      needFresh: true,
      want: { path: '/abs', exists: false, size: 0, fresh: false, ok: false, note: 'absolute path' },
    },
    {
      name: 'not fresh when freshness is needed',
      fact: file('out.txt'),
      prior: priorSame('out.txt'),
      needFresh: true,
      want: { path: 'out.txt', exists: true, size: 10, fresh: false, ok: false, note: NOT_WRITTEN },
    },
    {
      name: 'not fresh but freshness not needed (a group)',
      fact: file('out.txt'),
      prior: priorSame('out.txt'),
      needFresh: false,
      want: { path: 'out.txt', exists: true, size: 10, fresh: false, ok: true },
    },
    {
      name: 'ok: new file',
      fact: file('out.txt'),
      prior: priorAbsent('out.txt'),
      needFresh: true,
      want: { path: 'out.txt', exists: true, size: 10, fresh: true, ok: true },
    },
    {
      name: 'ok: rewritten file',
      fact: file('out.txt', { mtimeMs: 5000 }),
      prior: priorSame('out.txt'),
      needFresh: true,
      want: { path: 'out.txt', exists: true, size: 10, fresh: true, ok: true },
    },
    {
      name: 'ok: non-empty directory',
      fact: dir('out', 2),
      needFresh: true,
      want: { path: 'out', exists: true, size: 4096, fresh: true, ok: true },
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      assert.deepEqual(checkArtifact(r.fact, r.prior, r.needFresh), r.want);
    });
  }
});

describe('workerClean', () => {
  const rows: Array<[string, GateInput['attempt'], boolean]> = [
    ['group (no attempt)', null, true],
    ['exited 0', attempt(), true],
    ['exited 1', attempt({ exitCode: 1 }), false],
    ['exited by a signal (no exit code)', attempt({ exitCode: null, signal: 'SIGSEGV' }), false],
    ['timeout', attempt({ outcome: 'timeout', exitCode: null, signal: 'SIGTERM' }), false],
    ['timeout even with exit code 0', attempt({ outcome: 'timeout', exitCode: 0 }), false],
    ['killed', attempt({ outcome: 'killed', exitCode: null, signal: 'SIGTERM' }), false],
    ['killed even with exit code 0', attempt({ outcome: 'killed', exitCode: 0 }), false],
    ['lost', attempt({ outcome: 'lost', exitCode: null }), false],
    ['spawn_error', attempt({ outcome: 'spawn_error', exitCode: null }), false],
    ['still running (no outcome)', attempt({ outcome: null, exitCode: null }), false],
  ];
  for (const [name, a, clean] of rows) {
    it(`${name} → ${clean}`, () => assert.equal(workerClean(a), clean));
  }
});

describe('shouldRunVerify', () => {
  const rows: Array<[string, Omit<GateInput, 'verify'>, boolean]> = [
    ['no verify command', gate({ hasVerify: false }), false],
    ['clean exit, no artifacts', gate({ hasVerify: true }), true],
    ['worker failed', gate({ hasVerify: true, attempt: attempt({ exitCode: 2 }) }), false],
    ['worker timed out', gate({ hasVerify: true, attempt: attempt({ outcome: 'timeout', exitCode: null }) }), false],
    ['artifact missing', gate({ hasVerify: true, artifacts: [missing('out.txt')] }), false],
    ['one of two artifacts empty', gate({ hasVerify: true, artifacts: [file('a'), file('b', { size: 0 })] }), false],
    [
      'artifact not fresh',
      gate({ hasVerify: true, attempt: attempt({ priorArtifacts: [priorSame('out.txt')] }), artifacts: [file('out.txt')] }),
      false,
    ],
    [
      'artifact fresh',
      gate({ hasVerify: true, attempt: attempt({ priorArtifacts: [priorSame('out.txt')] }), artifacts: [file('out.txt', { mtimeMs: 9 })] }),
      true,
    ],
    ['group: unchanged artifact is fine (no freshness for groups)', gate({ hasVerify: true, attempt: null, artifacts: [file('out.txt')] }), true],
    ['group: missing artifact', gate({ hasVerify: true, attempt: null, artifacts: [missing('out.txt')] }), false],
  ];
  for (const [name, input, want] of rows) {
    it(`${name} → ${want}`, () => assert.equal(shouldRunVerify(input), want));
  }
});

describe('judge', () => {
  it('exit 0 but the artifact is missing → not passed, summary says missing', () => {
    const e = judge(gate({ artifacts: [missing('out.txt')] }));
    assert.equal(e.passed, false);
    assert.equal(e.workerClean, true);
    assert.equal(e.summary, 'not done: out.txt: missing');
    assert.deepEqual(e.artifacts, [{ path: 'out.txt', exists: false, size: 0, fresh: false, ok: false, note: 'missing' }]);
  });

  it('exit 1 with a fresh artifact → not passed: the exit code is the reason', () => {
    const e = judge(gate({ attempt: attempt({ exitCode: 1 }), artifacts: [file('out.txt')] }));
    assert.equal(e.passed, false);
    assert.equal(e.workerClean, false);
    assert.equal(e.artifacts[0]!.ok, true);
    assert.equal(e.summary, 'not done: worker exited with code 1');
  });

  it('records the check time and passes the verify result through', () => {
    const v = verifyRun();
    const e = judge(gate({ hasVerify: true, verify: v, now: T0 }));
    assert.equal(e.checkedAt, T0.toISOString());
    assert.equal(e.verify, v);
  });

  const rows: Array<{ name: string; input: Partial<GateInput>; passed: boolean; summary: string }> = [
    {
      name: 'verify failed',
      input: { hasVerify: true, verify: verifyRun({ ok: false, exitCode: 3 }) },
      passed: false,
      summary: 'not done: verify failed (exit 3)',
    },
    {
      name: 'verify killed by a signal',
      input: { hasVerify: true, verify: verifyRun({ ok: false, exitCode: null, signal: 'SIGKILL' }) },
      passed: false,
      summary: 'not done: verify failed (signal SIGKILL)',
    },
    {
      name: 'verify timed out',
      input: { hasVerify: true, verify: verifyRun({ ok: false, exitCode: null, signal: 'SIGTERM', timedOut: true, durationMs: 30_400 }) },
      passed: false,
      summary: 'not done: verify timed out after 30s',
    },
    {
      name: 'verify not run because an artifact was missing',
      input: { hasVerify: true, verify: null, artifacts: [missing('out.txt')] },
      passed: false,
      summary: 'not done: out.txt: missing; verify not run (earlier checks failed)',
    },
    {
      name: 'everything wrong at once, in order: worker, artifacts, verify',
      input: {
        attempt: attempt({ outcome: 'timeout', exitCode: null }),
        hasVerify: true,
        artifacts: [missing('a.txt'), file('b.txt', { size: 0 })],
      },
      passed: false,
      summary: 'not done: worker ran out of its time budget; a.txt: missing; b.txt: empty file; verify not run (earlier checks failed)',
    },
    {
      name: 'stale artifact',
      input: { attempt: attempt({ priorArtifacts: [priorSame('out.txt')] }), artifacts: [file('out.txt')] },
      passed: false,
      summary: 'not done: out.txt: not written during this attempt (unchanged since before it started)',
    },
    {
      name: 'verify passed with one fresh artifact',
      input: { hasVerify: true, verify: verifyRun(), artifacts: [file('out.txt')] },
      passed: true,
      summary: 'verified: exit 0, 1 artifact present and fresh, verify passed',
    },
    {
      name: 'two fresh artifacts, no verify',
      input: { artifacts: [file('a'), dir('b', 1)] },
      passed: true,
      summary: 'verified: exit 0, 2 artifacts present and fresh',
    },
    { name: 'exit 0 and nothing else asked', input: {}, passed: true, summary: 'verified: exit 0' },
    {
      name: 'a verify result is ignored when the task has no verify',
      input: { hasVerify: false, verify: verifyRun({ ok: false, exitCode: 1 }) },
      passed: true,
      summary: 'verified: exit 0',
    },
    {
      name: 'group with no checks of its own',
      input: { attempt: null },
      passed: true,
      summary: 'verified: all subtasks done',
    },
    {
      name: 'group with an artifact unchanged since long ago: passes, no freshness for groups',
      input: { attempt: null, artifacts: [file('report.md')] },
      passed: true,
      summary: 'verified: 1 artifact present and fresh',
    },
    {
      name: 'group with verify passed',
      input: { attempt: null, hasVerify: true, verify: verifyRun() },
      passed: true,
      summary: 'verified: verify passed',
    },
    {
      name: 'group with an empty artifact',
      input: { attempt: null, artifacts: [file('report.md', { size: 0 })] },
      passed: false,
      summary: 'not done: report.md: empty file',
    },
    {
      name: 'group with verify failed',
      input: { attempt: null, hasVerify: true, verify: verifyRun({ ok: false, exitCode: 1 }) },
      passed: false,
      summary: 'not done: verify failed (exit 1)',
    },
  ];
  for (const r of rows) {
    it(`${r.name} → ${r.passed ? 'passed' : 'not passed'}`, () => {
      const e = judge(gate(r.input));
      assert.equal(e.passed, r.passed);
      assert.equal(e.summary, r.summary);
    });
  }

  const workerRows: Array<[string, Partial<AttemptIn>, string]> = [
    ['exited 2', { exitCode: 2 }, 'not done: worker exited with code 2'],
    ['timeout', { outcome: 'timeout', exitCode: null }, 'not done: worker ran out of its time budget'],
    ['killed', { outcome: 'killed', exitCode: null }, 'not done: worker was stopped'],
    ['lost', { outcome: 'lost', exitCode: null }, 'not done: worker was lost while aura was down'],
    ['spawn_error', { outcome: 'spawn_error', exitCode: null }, 'not done: worker could not be started'],
    ['no outcome yet', { outcome: null, exitCode: null }, 'not done: worker ended (unknown)'],
  ];
  for (const [name, a, summary] of workerRows) {
    it(`summary for a worker that ${name}`, () => {
      const e = judge(gate({ attempt: attempt(a) }));
      assert.equal(e.passed, false);
      assert.equal(e.workerClean, false);
      assert.equal(e.summary, summary);
    });
  }

  // cycle.ts records a worker that died of a signal on its own (segfault, OOM killer) as
  // outcome 'exited' with exitCode null and the signal set; the summary should say so.
  it(
    'summary for a worker killed by a signal on its own names the signal',
    () => {
      const e = judge(gate({ attempt: attempt({ exitCode: null, signal: 'SIGSEGV' }) }));
      assert.equal(e.passed, false);
      assert.doesNotMatch(e.summary, /code null/);
      assert.match(e.summary, /SIGSEGV/);
    },
  );
});
