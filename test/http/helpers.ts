// Test helpers for the dashboard: a real daemon serving --http, plain HTTP requests (with any Host,
// which fetch will not send), and a small event-stream reader.
import { statSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { LockInfo } from '../../src/store/lock-read.js';
import { startDaemon, testEnv, waitFor, type Daemon, type Project } from '../helpers/aura.js';

export interface Served {
  d: Daemon;
  port: number;
  base: string;
  token: string;
  lock: () => LockInfo;
  stop(): Promise<void>;
}

export function readLockFile(p: Project): LockInfo {
  return JSON.parse(readFileSync(p.file('.aura/run/daemon.lock'), 'utf8')) as LockInfo;
}

/** `aura start task.md --http 0 …` in `p`, once its lock names the dashboard. */
export async function serve(p: Project, args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const d = startDaemon(['task.md', '--http', '0', '--interval', '3600', ...args], { cwd: p.dir, env: testEnv(env) });
  try {
    const lock = await waitFor('the dashboard in the lock', () => readLockFile(p).http, 20_000);
    const token = readFileSync(p.file('.aura/run/http.token'), 'utf8').trim();
    // Bound before the daemon is ready: 503 "starting" until then.
    for (let t0 = Date.now(); (await request(lock.port, 'GET', '/api/v1/state')).status !== 200; ) {
      if (Date.now() - t0 > 20_000) throw new Error('the API never answered 200');
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      d,
      port: lock.port,
      base: `http://127.0.0.1:${lock.port}`,
      token,
      lock: () => readLockFile(p),
      stop: async () => {
        d.kill();
        await d.exited;
      },
    };
  } catch (err) {
    d.kill('SIGKILL');
    throw new Error(`${String(err)}\n${d.output()}`);
  }
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

/** One request with exactly these headers (Host included). */
export function request(port: number, method: string, pathname: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, headers: { Host: `127.0.0.1:${port}`, ...headers }, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON (the page)
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const authed = (s: Served, extra: Record<string, string> = {}) => ({ Authorization: `Bearer ${s.token}`, Origin: `http://127.0.0.1:${s.port}`, ...extra });

export interface SseEvent {
  event: string;
  id: number | null;
  data: any;
}

/** An open event stream: collects events until closed. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private req: http.ClientRequest;
  private buf = '';
  ended = false;

  constructor(port: number, pathname: string, headers: Record<string, string> = {}) {
    this.req = http.get({ host: '127.0.0.1', port, path: pathname, headers: { Host: `127.0.0.1:${port}`, Accept: 'text/event-stream', ...headers }, setHost: false }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (c: string) => this.feed(c));
      res.on('end', () => (this.ended = true));
      res.on('error', () => (this.ended = true));
    });
    this.req.on('error', () => (this.ended = true));
  }

  private feed(chunk: string): void {
    this.buf += chunk;
    let i: number;
    while ((i = this.buf.indexOf('\n\n')) >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      let event = 'message';
      let id: number | null = null;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = Number(line.slice(4));
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) this.events.push({ event, id, data: JSON.parse(data.join('\n')) });
    }
  }

  of(event: string): SseEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  close(): void {
    this.req.destroy();
  }
}

export function modeOf(file: string): number {
  return statSync(file).mode & 0o777;
}

export const tokenFile = (p: Project) => path.join(p.dir, '.aura/run/http.token');
