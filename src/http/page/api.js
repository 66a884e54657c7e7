// @ts-check
// Talking to the daemon's API: JSON reads, and mutations that carry the token. The token comes from
// the link's fragment (#token=…, which never reaches a server log) or from the person, and is kept in
// this browser's storage for this origin; a daemon restart makes a new one.

const KEY = `aura-token:${location.host}`;

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Moves a #token=… from the address into storage, and out of the address bar and history. */
export function takeTokenFromUrl() {
  const m = /[#&]token=([^&]+)/.exec(location.hash);
  if (!m || !m[1]) return;
  localStorage.setItem(KEY, decodeURIComponent(m[1]));
  const rest = location.hash.replace(/[#&]token=[^&]+/, '').replace(/^&/, '');
  history.replaceState(null, '', location.pathname + location.search + (rest && rest !== '#' ? `#${rest.replace(/^#/, '')}` : ''));
}

/** @returns {string | null} */
export function token() {
  return localStorage.getItem(KEY);
}

/** @param {string | null} t */
export function setToken(t) {
  if (t) localStorage.setItem(KEY, t);
  else localStorage.removeItem(KEY);
}

/** @param {Response} r */
async function failure(r) {
  /** @type {any} */
  let body = null;
  try {
    body = await r.json();
  } catch {
    // not JSON: the status says enough
  }
  const e = body && body.error;
  return new ApiError(r.status, (e && e.code) || `http_${r.status}`, (e && e.message) || r.statusText || 'request failed');
}

/** @param {string} path @returns {Promise<any>} */
export async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok) throw await failure(r);
  return r.json();
}

/**
 * A change: POST with the token. Resolves with the daemon's acknowledgement.
 * @param {string} path @param {string} [reason] @returns {Promise<any>}
 */
export async function post(path, reason) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  const r = await fetch(path, { method: 'POST', headers, body: JSON.stringify(reason ? { reason } : {}), cache: 'no-store' });
  if (!r.ok) throw await failure(r);
  return r.json();
}
