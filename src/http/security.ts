// The checks every request passes before a handler sees it. Pure: the bound address, the headers and
// the expected token in, a verdict out (table-tested).
//
// - Host must name the address the server is bound to, so a page on another site whose name was
//   re-pointed at 127.0.0.1 (DNS rebinding) is refused: its requests carry its own name.
// - Origin, when a browser sends one (any cross-origin request, and every POST), must be the
//   dashboard's own (no CSRF, no other site's script opening streams). Non-browser clients (curl,
//   scripts) send none; for changes the token is what authorises them.
// - Mutations need the per-boot token, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { HttpError } from './errors.js';

export interface Bound {
  /** The configured listen address (AURA_HTTP_HOST), as given. */
  host: string;
  port: number;
  /** Names of this machine, accepted in Host when bound to every interface. */
  machineNames?: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** `name[:port]` or `[v6][:port]` → lowercase name (brackets off, no trailing dot) and port; null when malformed. */
export function parseHostHeader(value: string): { name: string; port: number | null } | null {
  const v = value.trim().toLowerCase();
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const name = (m[1] ?? m[2] ?? '').replace(/\.$/, '');
  if (!name || (m[1] && isIP(m[1]) !== 6)) return null;
  return { name, port: m[3] === undefined ? null : Number(m[3]) };
}

/** Throws a 403 (bad_host) unless `hostHeader` names the bound address. */
export function checkHost(hostHeader: string | undefined, bound: Bound): void {
  const refuse = (why: string) =>
    new HttpError(403, 'bad_host', `${why}; this dashboard answers only to ${displayHost(bound)} (requests for other names are refused to stop DNS rebinding)`);
  if (!hostHeader) throw refuse('the request has no Host header');
  const h = parseHostHeader(hostHeader);
  if (!h) throw refuse(`Host "${hostHeader.slice(0, 100)}" is not a host name`);
  if ((h.port ?? 80) !== bound.port) throw refuse(`Host "${hostHeader.slice(0, 100)}" names port ${h.port ?? 80}, not ${bound.port}`);
  const bh = bound.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h.name === bh) return;
  if ((isLoopback(bh) || isWildcard(bh)) && LOOPBACK_NAMES.includes(h.name)) return;
  // Bound to every interface: any address of this machine reaches it, and an IP literal cannot be
  // rebound; names are only this machine's own.
  if (isWildcard(bh) && (isIP(h.name) !== 0 || (bound.machineNames ?? []).some((n) => n.toLowerCase() === h.name))) return;
  throw refuse(`Host "${hostHeader.slice(0, 100)}" is not this dashboard's address`);
}

export function displayHost(bound: Bound): string {
  const h = isWildcard(bound.host) ? 'this machine' : isIP(bound.host) === 6 ? `[${bound.host}]` : bound.host;
  return `${h}:${bound.port}`;
}

/** Throws a 403 (bad_origin) when a browser says the request comes from another origin. */
export function checkOrigin(origin: string | undefined, hostHeader: string): void {
  if (origin === undefined) return;
  const expected = `http://${hostHeader.trim().toLowerCase()}`;
  let got: string;
  try {
    got = origin === 'null' ? 'null' : new URL(origin).origin.toLowerCase();
  } catch {
    got = origin;
  }
  if (got !== expected) {
    throw new HttpError(403, 'bad_origin', `Origin ${origin.slice(0, 100)} is not this dashboard (${expected}); changes are accepted only from the dashboard's own page`);
  }
}

/** The token a request carries: `Authorization: Bearer <t>` or `X-Aura-Token: <t>`. */
export function tokenOf(headers: { authorization?: string; 'x-aura-token'?: string | string[] }): string | null {
  const a = headers.authorization;
  if (a) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(a);
    if (m) return m[1]!;
  }
  const x = headers['x-aura-token'];
  const v = Array.isArray(x) ? x[0] : x;
  return v ? v.trim() : null;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Throws a 401 unless `given` is the token; digests first, so the comparison takes the same time whatever the lengths. */
export function checkToken(given: string | null, expected: string): void {
  const hint = 'the token is printed when the daemon starts and kept in .aura/run/http.token; `aura dashboard` prints a link that carries it';
  if (!given) throw new HttpError(401, 'missing_token', `this request changes something and needs the dashboard token (Authorization: Bearer <token>); ${hint}`, { 'WWW-Authenticate': 'Bearer' });
  if (!timingSafeEqual(digest(given), digest(expected))) {
    throw new HttpError(401, 'bad_token', `the token is not this daemon's (a restarted daemon has a new one); ${hint}`, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
}
