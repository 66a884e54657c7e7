// The event-stream hub against a host that does not need a daemon: the hand-over from replay to the
// live feed loses and repeats nothing, the journal subscription and timers exist only while a
// stream is open, and the stream limit answers 503.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { HttpError } from '../../src/http/errors.js';
import type { DashboardHost } from '../../src/http/host.js';
import { planResume } from '../../src/http/resume.js';
import { SseHub } from '../../src/http/sse.js';
import { layoutFor } from '../../src/store/layout.js';
import type { JournalEntry } from '../../src/store/schema.js';
import { waitFor } from '../helpers/aura.js';
import { SseClient } from './helpers.js';

const entry = (seq: number): JournalEntry => ({ seq, ts: new Date(0).toISOString(), cycle: 1, kind: 'decision', msg: `e${seq}` });

class FakeHost implements DashboardHost {
  readonly layout = layoutFor('/nonexistent');
  readonly entries: JournalEntry[] = [];
  readonly listeners = new Set<(e: JournalEntry[]) => void>();
  /** Runs while a replay read is in flight, as appends racing it would. */
  duringRead: (() => void) | null = null;
  snapshot() {
    return null;
  }
  async control() {
    return { ok: false as const, error: 'no' };
  }
  subscribe(fn: (e: JournalEntry[]) => void) {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
  append(...seqs: number[]) {
    const batch = seqs.map(entry);
    this.entries.push(...batch);
    for (const l of this.listeners) l(batch);
  }
  async journalSince(after: number, limit: number) {
    await new Promise((r) => setTimeout(r, 30));
    this.duringRead?.();
    this.duringRead = null;
    return this.entries.filter((e) => e.seq > after).slice(-limit);
  }
}

async function withHub(host: FakeHost, maxStreams: number, fn: (port: number, hub: SseHub) => Promise<void>): Promise<void> {
  let states = 0;
  const hub = new SseHub({
    host,
    state: async () => JSON.stringify({ n: ++states > 0 ? 'same' : 'x' }),
    redact: (t) => t,
    tickMs: 50,
    maxStreams,
    hello: () => ({ api: 1 }),
    onError: () => undefined,
  });
  const server = http.createServer((req, res) => {
    const last = req.headers['last-event-id'];
    const plan = planResume({ lastEventId: Array.isArray(last) ? last[0] : last, since: null, tail: null, currentSeq: host.entries.at(-1)?.seq ?? 0 });
    if ('error' in plan) throw new Error(plan.error);
    hub.open(req, res, plan, host.entries.at(-1)?.seq ?? 0).catch((err: unknown) => {
      const e = err as HttpError;
      res.writeHead(e.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(e.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await fn((server.address() as AddressInfo).port, hub);
  } finally {
    hub.close();
    hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('entries appended while a replay is read are sent once, after it, in order', async () => {
  const host = new FakeHost();
  host.append(1, 2, 3, 4, 5);
  // The read sees 6 (on disk) and the listener delivers 6 and 7 while the replay is in flight.
  host.duringRead = () => host.append(6, 7);
  await withHub(host, 5, async (port) => {
    const c = new SseClient(port, '/', { 'Last-Event-ID': '2' });
    await waitFor('replay and live', () => c.of('state').length > 0 && c.of('journal').length >= 5);
    host.append(8);
    await waitFor('the next live entry', () => c.of('journal').some((e) => e.id === 8));
    assert.deepEqual(c.of('journal').map((e) => e.id), [3, 4, 5, 6, 7, 8]);
    assert.deepEqual(c.of('journal').map((e) => e.data.msg), ['e3', 'e4', 'e5', 'e6', 'e7', 'e8']);
    assert.equal(c.of('hello')[0]!.data.after, 2);
    c.close();
  });
});

test('the journal subscription lives only while a stream is open; the limit answers 503 too_many_streams', async () => {
  const host = new FakeHost();
  await withHub(host, 2, async (port, hub) => {
    assert.equal(host.listeners.size, 0, 'nobody watching: no subscription');
    const a = new SseClient(port, '/');
    const b = new SseClient(port, '/');
    await waitFor('two streams', () => a.of('state').length > 0 && b.of('state').length > 0);
    assert.equal(hub.size, 2);
    assert.equal(host.listeners.size, 1, 'one subscription for all streams');
    const c = new SseClient(port, '/');
    await waitFor('the third refused', () => c.status === 503);
    a.close();
    b.close();
    await waitFor('both gone', () => hub.size === 0);
    assert.equal(host.listeners.size, 0, 'the last stream took the subscription with it');
    c.close();
  });
});

test('an unchanged state is not sent again on the tick', async () => {
  const host = new FakeHost();
  await withHub(host, 5, async (port) => {
    const c = new SseClient(port, '/');
    await waitFor('first state', () => c.of('state').length > 0);
    host.append(1);
    await waitFor('the entry', () => c.of('journal').length === 1);
    await new Promise((r) => setTimeout(r, 300)); // several 50 ms ticks
    assert.ok(c.of('state').length <= 2, `states sent: ${c.of('state').length} (the first, and at most one first broadcast)`);
    c.close();
  });
});
