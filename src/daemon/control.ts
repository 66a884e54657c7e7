// The daemon's local control socket: how `aura wake`, `aura stop` (and later commands) reach the
// running daemon directly instead of through a polled file. One JSON object per line each way.
import { createHash } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { errnoCode } from '../util/errors.js';

export interface ControlRequest {
  cmd: string;
  reason?: string;
  [k: string]: unknown;
}
export type ControlReply = { ok: true; [k: string]: unknown } | { ok: false; error: string };
export type ControlHandler = (req: ControlRequest) => Promise<ControlReply>;

const MAX_SOCKET_PATH = 100; // sun_path is 108 bytes on Linux; keep a margin

/** `.aura/run/aura.sock`, or a short path under the temp dir when the project path is too deep. */
export function socketPathFor(runDir: string): string {
  const p = path.join(runDir, 'aura.sock');
  if (Buffer.byteLength(p) <= MAX_SOCKET_PATH) return p;
  const h = createHash('sha256').update(runDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `aura-${h}.sock`);
}

export class ControlServer {
  private server: net.Server | null = null;

  constructor(private readonly socketPath: string, private readonly handler: ControlHandler) {}

  async listen(): Promise<void> {
    // We hold the project lock, so a leftover socket file is from a dead daemon.
    try {
      unlinkSync(this.socketPath);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
    const server = net.createServer((sock) => this.serve(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    this.server = server;
  }

  private serve(sock: net.Socket): void {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy()); // a client that hangs up early is not our problem
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > 64 * 1024) {
        sock.end(JSON.stringify({ ok: false, error: 'request too large' }) + '\n');
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = '';
      let req: ControlRequest;
      try {
        req = JSON.parse(line) as ControlRequest;
        if (typeof req !== 'object' || req === null || typeof req.cmd !== 'string') throw new Error('no cmd');
      } catch {
        sock.end(JSON.stringify({ ok: false, error: 'malformed request: expected one JSON object with a "cmd" field' }) + '\n');
        return;
      }
      this.handler(req).then(
        (reply) => sock.end(JSON.stringify(reply) + '\n'),
        (err: unknown) => sock.end(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }) + '\n'),
      );
    });
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((r) => s.close(() => r()));
    try {
      unlinkSync(this.socketPath);
    } catch (err) {
      if (errnoCode(err) !== 'ENOENT') throw err;
    }
  }
}

/** Client side: send one request, wait for one reply. */
export function request(socketPath: string, req: ControlRequest, timeoutMs: number): Promise<ControlReply> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error(`no reply from the daemon within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.on('data', (c: string) => {
      buf += c;
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(buf.trim()) as ControlReply);
      } catch {
        reject(new Error(`unreadable reply from the daemon: ${buf.slice(0, 200)}`));
      }
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
