// The dashboard's HTTP server (node:http): the page, the JSON API under /api/v1 and the event stream.
// It binds as soon as the daemon holds its lock (a busy port fails the start before anything is
// written) and answers 503 "starting" until the daemon hands it a host with serve().
//
// Every request: Host checked (DNS rebinding) → route (404/405) → for mutations, Origin and the token
// → handler. Every answer is redacted of secrets on its way out.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import os from 'node:os';
import { AuraError, errnoCode } from '../util/errors.js';
import { Assets, PAGE_CSP } from './assets.js';
import { HttpError } from './errors.js';
import { control, getJournal, getState, getTask, getTaskLog, openEvents, stateText, type Handlers } from './handlers.js';
import type { DashboardHost } from './host.js';
import { LastEvents } from './last-events.js';
import { makeRedactor } from './redact.js';
import { COMMON_HEADERS, sendError } from './respond.js';
import { route, type Route } from './router.js';
import { checkHost, checkOrigin, checkToken, tokenOf, type Bound } from './security.js';
import { SseHub } from './sse.js';

export interface DashboardServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  /** Values never to appear in an answer (the token is added). */
  secrets: readonly string[];
  /** How often open event streams look for a changed state, in ms. */
  tickMs: number;
  maxStreams?: number;
  controlTimeoutMs?: number;
  log: (line: string) => void;
}

export function urlFor(host: string, port: number): string {
  const h = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : isIP(host) === 6 ? `[${host}]` : host;
  return `http://${h}:${port}/`;
}

export class DashboardServer {
  readonly port: number;
  readonly url: string;
  private readonly bound: Bound;
  private readonly assets = new Assets();
  private readonly redact: (text: string) => string;
  private handlers: Handlers | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: http.Server,
    private readonly o: DashboardServerOptions,
  ) {
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : o.port;
    this.url = urlFor(o.host, this.port);
    this.bound = { host: o.host, port: this.port, machineNames: [os.hostname()] };
    this.redact = makeRedactor([...o.secrets, o.token]);
  }

  static async listen(o: DashboardServerOptions): Promise<DashboardServer> {
    let self: DashboardServer | null = null;
    const server = http.createServer((req, res) => {
      if (self) void self.onRequest(req, res);
      else res.destroy();
    });
    // Slow or idle clients must not hold sockets for long; event streams are unaffected (no timeout
    // applies once a response has started).
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => {
        const code = errnoCode(err);
        const where = `${o.host}:${o.port}`;
        if (code === 'EADDRINUSE') reject(new AuraError('BAD_CONFIG', `cannot serve the dashboard on ${where}: the port is in use`, 'pick another with --http <port> (or AURA_HTTP_PORT), or 0 for any free port'));
        else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') reject(new AuraError('BAD_CONFIG', `cannot serve the dashboard on ${where}: this machine has no such address`, 'set AURA_HTTP_HOST to an address of this machine, e.g. 127.0.0.1'));
        else if (code === 'EACCES') reject(new AuraError('BAD_CONFIG', `cannot serve the dashboard on ${where}: permission denied (ports below 1024 need privileges)`, 'pick a port above 1023'));
        else reject(err);
      });
      server.listen({ host: o.host, port: o.port }, () => resolve());
    });
    server.on('error', (err) => o.log(`dashboard: server error: ${err.message}`));
    server.unref();
    self = new DashboardServer(server, o);
    return self;
  }

  /** Starts answering the API from `host` (until then: 503). */
  async serve(host: DashboardHost): Promise<void> {
    if (this.closing || this.handlers) return;
    const lastEvents = new LastEvents(host);
    await lastEvents.start();
    const handlers: Handlers = {
      host,
      lastEvents,
      redact: this.redact,
      controlTimeoutMs: this.o.controlTimeoutMs ?? 15_000,
      hub: new SseHub({
        host,
        state: () => stateText(handlers),
        redact: this.redact,
        tickMs: this.o.tickMs,
        maxStreams: this.o.maxStreams ?? 32,
        hello: () => ({ api: 1, pid: process.pid }),
        onError: (m) => this.o.log(`dashboard: ${m}`),
      }),
    };
    this.handlers = handlers;
  }

  /** Event streams open now. */
  get streams(): number {
    return this.handlers?.hub.size ?? 0;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      checkHost(req.headers.host, this.bound);
      // Browsers send Origin on every cross-origin request (and on same-origin POSTs): any other
      // site's script is refused before it can open a stream or read an answer.
      checkOrigin(req.headers.origin, req.headers.host!);
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      const m = route(req.method ?? 'GET', url.pathname);
      if (m.mutation) checkToken(tokenOf(req.headers), this.o.token);
      await this.dispatch(m.route, url, req, res);
    } catch (err) {
      if (err instanceof HttpError) {
        sendError(res, err, this.redact);
        return;
      }
      const msg = err instanceof Error ? err.message : String(err);
      this.o.log(`dashboard: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? msg) : msg}`);
      sendError(res, new HttpError(500, 'internal', `internal error: ${msg}; the daemon's log has the details`), this.redact);
    }
  }

  private async dispatch(r: Route, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (r.kind === 'asset') {
      const a = await this.assets.get(r.asset);
      res.writeHead(200, { ...COMMON_HEADERS, 'Cache-Control': 'no-cache', 'Content-Type': a.type, 'Content-Length': String(a.body.length), 'Content-Security-Policy': PAGE_CSP });
      res.end(a.body);
      return;
    }
    const h = this.handlers;
    if (!h) throw new HttpError(503, 'starting', 'the daemon is still starting; try again in a moment', { 'Retry-After': '1' });
    switch (r.kind) {
      case 'state':
        return getState(h, res);
      case 'events':
        return openEvents(h, url, req, res);
      case 'journal':
        return getJournal(h, url, res);
      case 'task':
        return getTask(h, r.id, res);
      case 'taskLog':
        return getTaskLog(h, r.id, url, res);
      case 'control':
        return control(h, r.cmd, r.task, req, res);
    }
  }

  /** Ends event streams and open connections, stops listening. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.handlers?.hub.close();
      this.handlers?.lastEvents.close();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    })();
    return this.closing;
  }
}
