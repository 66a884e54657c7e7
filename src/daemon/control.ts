// The daemon's local control socket: how `aura wake`, `aura stop` (and later commands) reach the
// running daemon directly instead of through a polled file. One JSON object per line each way.
import { chmodSync, unlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuraError, errnoCode } from '../util/errors.js';

export interface ControlRequest {
  cmd: string;
  reason?: string;
  [k: string]: unknown;
}
export type ControlReply = { ok: true; [k: string]: unknown } | { ok: false; error: string };
export type ControlHandler = (req: ControlRequest) => Promise<ControlReply>;

const MAX_SOCKET_PATH = 100; // sun_path is 108 bytes on Linux; keep a margin
/** A client must send its request within this long; an idle connection is closed. */
export const IDLE_TIMEOUT_MS = 5000;
/** Connections open at once; more are refused until some close. */
export const MAX_CONNECTIONS = 64;

/**
 * `.aura/run/aura.sock` (private: .aura is 0700), or, when the project path is too deep for a socket
 * path, a socket in a fresh directory made with mkdtemp (mode 0700, an unpredictable name) under
 * $XDG_RUNTIME_DIR or the temp dir: nobody else can have made it first. Clients find it in the lock.
 */
export async function chooseSocketPath(runDir: string): Promise<{ socketPath: string; privateDir: string | null }> {
  const p = path.join(runDir, 'aura.sock');
  if (Buffer.byteLength(p) <= MAX_SOCKET_PATH) return { socketPath: p, privateDir: null };
  const uid = process.getuid?.() ?? 0;
  const bases = [process.env.XDG_RUNTIME_DIR, os.tmpdir()].filter((b): b is string => !!b && b.startsWith('/'));
  for (const base of bases) {
    let dir: string;
    try {
      dir = await mkdtemp(path.join(base, `aura-${uid}-`));
    } catch {
      continue; // not writable here: the next candidate
    }
    const socketPath = path.join(dir, 's');
    if (Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH) return { socketPath, privateDir: dir };
    await rm(dir, { recursive: true, force: true });
  }
  throw new AuraError(
    'BAD_USAGE',
    `the project path is too long for a control socket (${Buffer.byteLength(p)} bytes; at most ${MAX_SOCKET_PATH}) and no short private directory could be made under ${bases.join(' or ')}`,
    'set TMPDIR to a short writable directory (e.g. /tmp), or run aura from a shorter path',
  );
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
    // Bounded: 200 idle connections from another process must not pile up for ever.
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Owner only, whatever the umask was (its directory is private too).
    chmodSync(this.socketPath, 0o600);
    server.unref();
    this.server = server;
  }

  private serve(sock: net.Socket): void {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy()); // a client that hangs up early is not our problem
    // A request arrives at once or not at all: an idle connection is closed, not held.
    sock.setTimeout(IDLE_TIMEOUT_MS, () => sock.destroy());
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
      // The answer may take a while (a wake waits for its cycle to start): no idle timeout now.
      sock.setTimeout(0);
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
