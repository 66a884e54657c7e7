// The event stream's resume rule as a table, and the frame format.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_REPLAY, planResume, sseFrame, type ResumeRequest } from '../../src/http/resume.js';

const base: ResumeRequest = { lastEventId: undefined, since: null, tail: null, currentSeq: 50 };

// limit is MAX_REPLAY whenever anything is to be replayed (entries appended while the replay is read
// belong to it too), 0 when nothing is.
const M = MAX_REPLAY;
const table: Array<[string, Partial<ResumeRequest>, unknown]> = [
  ['a first connection replays nothing by default', {}, { after: 50, limit: 0, gap: false, reset: false }],
  ['?tail=10 replays the last ten', { tail: '10' }, { after: 40, limit: M, gap: false, reset: false }],
  ['a tail longer than the journal replays all of it', { tail: '500' }, { after: 0, limit: M, gap: false, reset: false }],
  ['Last-Event-ID resumes after it', { lastEventId: '45' }, { after: 45, limit: M, gap: false, reset: false }],
  ['Last-Event-ID at the end replays nothing', { lastEventId: '50' }, { after: 50, limit: 0, gap: false, reset: false }],
  ['Last-Event-ID 0 replays everything', { lastEventId: '0' }, { after: 0, limit: M, gap: false, reset: false }],
  ['?since= works like Last-Event-ID', { since: '48' }, { after: 48, limit: M, gap: false, reset: false }],
  ['Last-Event-ID wins over ?since=', { lastEventId: '49', since: '10' }, { after: 49, limit: M, gap: false, reset: false }],
  ['a blank Last-Event-ID falls back to ?since=', { lastEventId: ' ', since: '10' }, { after: 10, limit: M, gap: false, reset: false }],
  ['an id beyond the end resets, then the tail', { lastEventId: '90', tail: '5' }, { after: 45, limit: M, gap: false, reset: true }],
  ['an id beyond the end of an empty tail resets to nothing', { lastEventId: '90' }, { after: 50, limit: 0, gap: false, reset: true }],
  ['a gap beyond the replay limit keeps the newest and says so', { lastEventId: '10', currentSeq: 10 + M + 7 }, { after: 10, limit: M, gap: true, reset: false }],
  ['a gap of exactly the limit is no gap', { lastEventId: '10', currentSeq: 10 + M }, { after: 10, limit: M, gap: false, reset: false }],
  ['tail is capped', { tail: '999999', currentSeq: 5000 }, { after: 5000 - M, limit: M, gap: false, reset: false }],
  ['an empty journal', { currentSeq: 0, tail: '20' }, { after: 0, limit: 0, gap: false, reset: false }],
];

for (const [name, patch, want] of table) {
  test(`resume: ${name}`, () => assert.deepEqual(planResume({ ...base, ...patch }), want));
}

const errors: Array<[Partial<ResumeRequest>, RegExp]> = [
  [{ lastEventId: 'abc' }, /Last-Event-ID "abc": expected a journal sequence number/],
  [{ lastEventId: '-1' }, /Last-Event-ID "-1"/],
  [{ since: '1.5' }, /since "1.5"/],
  [{ tail: 'x' }, /tail=x: expected a whole number/],
];

for (const [patch, msg] of errors) {
  test(`resume refuses ${JSON.stringify(patch)}`, () => {
    const r = planResume({ ...base, ...patch });
    assert.ok('error' in r);
    assert.match(r.error, msg);
  });
}

test('sseFrame: one data line even when strings hold newlines', () => {
  assert.equal(sseFrame('journal', { msg: 'a\nb' }, 7), 'event: journal\nid: 7\ndata: {"msg":"a\\nb"}\n\n');
  assert.equal(sseFrame('state', 1), 'event: state\ndata: 1\n\n');
});
