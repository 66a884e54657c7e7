// The event stream (GET /api/v1/events): journal entries as `journal` events whose id is their seq,
// and the dashboard state as `state` events whenever it changed. Timers and the journal subscription
// exist only while at least one stream is open: with nobody watching, the hub costs nothing.
//
// A new stream first replays what its client missed (resume.ts) while live entries are held back,
// then flushes those held back past the replay, so nothing is lost or sent twice. A client that stops
// reading is dropped once its buffer passes MAX_BUFFERED; its EventSource reconnects with
// Last-Event-ID and resumes where it left off.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JournalEntry } from '../store/schema.js';
import { publicEntry } from './entries.js';
import { HttpError } from './errors.js';
import type { DashboardHost } from './host.js';
import { sseFrame, type ResumePlan } from './resume.js';

const MAX_BUFFERED = 4 * 1024 * 1024;
/** Comment lines keep proxies and idle sockets from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;

export interface SseOptions {
  host: DashboardHost;
  /** The current state, serialised and redacted; null while the daemon is starting. */
  state: () => Promise<string | null>;
  redact: (text: string) => string;
  /** How often the state is looked at for changes while streams are open (the watchdog's rhythm). */
  tickMs: number;
  maxStreams: number;
  /** Identifies this daemon boot in `hello`. */
  hello: () => Record<string, unknown>;
  onError: (message: string) => void;
}

interface Client {
  res: ServerResponse;
  /** Last journal seq written to this client. */
  sent: number;
  /** Entries that arrived while replaying; null once live. */
  held: JournalEntry[] | null;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private off: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastState: string | null = null;
  private stateBusy = false;
  private stateAgain = false;
  private sinceHeartbeat = 0;
  private closed = false;

  constructor(private readonly o: SseOptions) {}

  get size(): number {
    return this.clients.size;
  }

  async open(req: IncomingMessage, res: ServerResponse, plan: ResumePlan, seqNow: number): Promise<void> {
    if (this.closed) throw new HttpError(503, 'starting', 'the daemon is stopping; reconnect to the next one');
    if (this.clients.size >= this.o.maxStreams) {
      throw new HttpError(503, 'too_many_streams', `${this.clients.size} event streams are open, the most this daemon serves; close some dashboard windows (tabs of one browser share one stream)`);
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    const c: Client = { res, sent: plan.after, held: [] };
    this.clients.add(c);
    req.socket.setNoDelay(true);
    res.on('close', () => this.drop(c));
    if (this.clients.size === 1) this.wake();
    this.write(c, `retry: 2000\n\n`);
    this.write(c, sseFrame('hello', { ...this.o.hello(), seq: seqNow, after: plan.after, gap: plan.gap, reset: plan.reset }));
    try {
      const replay = plan.limit > 0 ? await this.o.host.journalSince(plan.after, plan.limit) : [];
      // Cut short by the limit (more was missed than is replayed): say so before the entries.
      const first = replay[0];
      if (!plan.gap && first && replay.length >= plan.limit && first.seq > plan.after + 1) this.write(c, sseFrame('gap', { after: plan.after, from: first.seq }));
      this.send(c, replay);
      const held = c.held ?? [];
      c.held = null;
      this.send(c, held);
      const state = await this.o.state();
      if (state !== null && this.clients.has(c)) this.write(c, `event: state\ndata: ${state}\n\n`);
    } catch (err) {
      this.o.onError(`event stream: replay failed: ${err instanceof Error ? err.message : String(err)}`);
      res.destroy();
    }
  }

  private send(c: Client, entries: readonly JournalEntry[]): void {
    for (const e of entries) {
      if (e.seq <= c.sent) continue;
      this.write(c, this.o.redact(sseFrame('journal', publicEntry(e), e.seq)));
      c.sent = e.seq;
    }
  }

  private write(c: Client, frame: string): void {
    if (!this.clients.has(c)) return;
    c.res.write(frame);
    if (c.res.writableLength > MAX_BUFFERED) {
      this.o.onError(`event stream: a client stopped reading (${c.res.writableLength} bytes waiting); dropping it (it resumes from its last event)`);
      c.res.destroy();
      this.drop(c);
    }
  }

  private onJournal = (batch: JournalEntry[]): void => {
    for (const c of this.clients) {
      if (c.held) c.held.push(...batch);
      else this.send(c, batch);
    }
    this.pushState();
  };

  /** Sends the state to every live client if it changed; calls made meanwhile coalesce into one more. */
  private pushState(): void {
    if (this.stateBusy) {
      this.stateAgain = true;
      return;
    }
    this.stateBusy = true;
    void (async () => {
      try {
        do {
          this.stateAgain = false;
          if (this.clients.size === 0) break;
          const s = await this.o.state();
          if (s === null || s === this.lastState) continue;
          this.lastState = s;
          for (const c of this.clients) if (!c.held) this.write(c, `event: state\ndata: ${s}\n\n`);
        } while (this.stateAgain);
      } catch (err) {
        this.o.onError(`event stream: state failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        this.stateBusy = false;
      }
    })();
  }

  private wake(): void {
    if (this.off || this.closed) return;
    this.off = this.o.host.subscribe(this.onJournal);
    this.sinceHeartbeat = 0;
    this.timer = setInterval(() => {
      this.pushState();
      this.sinceHeartbeat += this.o.tickMs;
      if (this.sinceHeartbeat >= HEARTBEAT_MS) {
        this.sinceHeartbeat = 0;
        for (const c of this.clients) this.write(c, `: keep-alive\n\n`);
      }
    }, this.o.tickMs);
  }

  private sleep(): void {
    this.off?.();
    this.off = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastState = null;
  }

  private drop(c: Client): void {
    if (!this.clients.delete(c)) return;
    if (this.clients.size === 0) this.sleep();
  }

  /** Ends every stream and stops. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.clients]) {
      c.res.end();
      this.drop(c);
    }
    this.sleep();
  }
}
