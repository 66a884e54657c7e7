// Shared fixtures for the notify tests: events, a log that can be waited on, HTTP receivers.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTENTION_KINDS, type AttentionEvent, type AttentionKind } from '../../src/notify/index.js';
import type { NotifyConfig } from '../../src/notify/index.js';

const base = { project: 'demo', at: '2025-01-02T03:04:05.000Z' };

/** One sample event of every kind, each typed as its own kind so tests can spread and change facts. */
export const SAMPLES: { [K in AttentionKind]: Extract<AttentionEvent, { kind: K }> } = {
  goal_done: { ...base, kind: 'goal_done', goal: 'Ship the report', tasks: 3, durationMs: 3_723_000, costUsd: 1.5 },
  task_failed: { ...base, kind: 'task_failed', taskId: 't2', title: 'Train model', reason: 'out of attempts (3)' },
  task_blocked: { ...base, kind: 'task_blocked', taskId: 't3', title: 'Write docs', reason: 'dependency t2 failed' },
  budget_reached: { ...base, kind: 'budget_reached', reason: 'run cost $10.02 reached the $10 budget' },
  watchdog_kill: { ...base, kind: 'watchdog_kill', taskId: 't4', title: 'Big job', message: 'memory 95% > 90% for 3 polls' },
  safe_mode: { ...base, kind: 'safe_mode', reason: 'state could not be recovered' },
};

export function config(over: Partial<NotifyConfig> = {}): NotifyConfig {
  return { webhookUrl: undefined, command: undefined, desktop: false, events: ATTENTION_KINDS, ...over };
}

export interface Log {
  lines: string[];
  log: (line: string) => void;
  /** Resolves with the first line matching, failing after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<string>;
}

export function makeLog(): Log {
  const lines: string[] = [];
  return {
    lines,
    log: (l) => lines.push(l),
    async waitFor(re, ms = 5000) {
      const end = Date.now() + ms;
      for (;;) {
        const hit = lines.find((l) => re.test(l));
        if (hit !== undefined) return hit;
        if (Date.now() > end) throw new Error(`no log line matched ${re}; got:\n${lines.join('\n')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

export interface Received {
  method: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  got: Received[];
  server: Server;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** A webhook receiver on 127.0.0.1 that records each JSON body and answers `status` (or never, for 'hold'). */
export async function receiver(answer: number | 'hold' = 200): Promise<Receiver> {
  const got: Received[] = [];
  const server = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({
        method: req.method ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      if (answer === 'hold') return; // never answers: the client's timeout must end it
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(answer === 200 ? 'ok' : 'invalid_payload');
    });
  });
  return {
    url: urlOf(server),
    got,
    server,
    async waitFor(n, ms = 5000) {
      const end = Date.now() + ms;
      while (got.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} requests, got ${got.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port that was just freed). */
export async function closedPortUrl(): Promise<string> {
  const server = await listen(() => {});
  const url = urlOf(server);
  server.close();
  await once(server, 'close');
  return url;
}

/** How long fn takes, in milliseconds. */
export function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
