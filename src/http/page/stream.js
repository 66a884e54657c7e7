// @ts-check
// One event stream per browser, whatever the number of tabs: browsers allow six HTTP/1.1 connections
// per origin, so ten tabs with a stream each would starve the page's own requests.
//
// The tabs elect a leader with the Web Locks API: the tab holding the lock opens the EventSource and
// relays every event on a BroadcastChannel; the others listen there. When the leader's tab closes its
// lock is released, the next waiting tab takes it and opens the stream again from the last journal
// seq it saw (the server replays what was missed). A tab that joins asks the leader for what it has
// (the state and the recent feed). Without Web Locks (a page from another machine over plain http is
// not a secure context) every tab keeps its own stream.

const TYPES = ['hello', 'journal', 'state', 'reset'];
const FEED_KEEP = 200;

/**
 * @typedef {{ type: string, data: any, id?: number }} StreamEvent
 * @param {{ onEvent: (e: StreamEvent) => void, onStatus: (s: string, leading: boolean) => void }} o
 */
export function connect(o) {
  const name = `aura-stream:${location.host}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  const shared = !!(channel && navigator.locks);
  /** @type {number | null} */
  let lastSeq = null;
  let leader = false;
  /** @type {any} */
  let lastState = null;
  /** @type {StreamEvent[]} */
  const feed = [];

  /** @param {StreamEvent} e */
  const take = (e) => {
    if (e.type === 'journal' && typeof e.id === 'number') {
      if (lastSeq !== null && e.id <= lastSeq) return; // already seen (a replay overlapping the relay)
      lastSeq = e.id;
      feed.push(e);
      if (feed.length > FEED_KEEP) feed.splice(0, feed.length - FEED_KEEP);
    }
    if (e.type === 'reset') {
      feed.length = 0;
      lastSeq = null;
    }
    if (e.type === 'state') lastState = e.data;
    o.onEvent(e);
  };

  if (channel) {
    channel.onmessage = (m) => {
      const e = /** @type {StreamEvent & { want?: boolean, feed?: StreamEvent[] }} */ (m.data);
      if (e.type === 'sync?') {
        if (leader) channel.postMessage({ type: 'sync', data: lastState, feed: feed.slice() });
        return;
      }
      if (leader) return;
      if (e.type === 'sync') {
        for (const f of e.feed ?? []) take(f);
        if (e.data) take({ type: 'state', data: e.data });
        return;
      }
      take(e);
    };
  }

  /** Holds the stream until the tab goes away (the lock is released with it). */
  const lead = () =>
    new Promise(() => {
      leader = true;
      o.onStatus('connecting (leading)', leader);
      const es = new EventSource(`/api/v1/events?${lastSeq === null ? 'tail=100' : `since=${lastSeq}`}`);
      for (const type of TYPES) {
        es.addEventListener(type, (ev) => {
          const me = /** @type {MessageEvent} */ (ev);
          const e = { type, data: JSON.parse(me.data), ...(me.lastEventId && type === 'journal' ? { id: Number(me.lastEventId) } : {}) };
          take(e);
          channel?.postMessage(e);
        });
      }
      es.onopen = () => {
        o.onStatus(shared ? 'live (shared)' : 'live', leader);
        channel?.postMessage({ type: 'status', data: 'live (shared)' });
      };
      es.onerror = () => {
        o.onStatus('reconnecting', leader);
        channel?.postMessage({ type: 'status', data: 'reconnecting' });
      };
    });

  if (shared) {
    o.onStatus('joining', leader);
    void navigator.locks.request(name, lead);
    channel?.postMessage({ type: 'sync?' });
  } else {
    void lead();
  }
}
