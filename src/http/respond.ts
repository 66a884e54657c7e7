// Writing answers: JSON with the headers every API answer carries, and errors as {"error":{…}}.
import type { ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** `json` is already serialised (and redacted). */
export function sendJson(res: ServerResponse, status: number, json: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(json, 'utf8');
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(body.length), ...headers });
  res.end(body);
}

/** Errors are redacted too: a message may echo what the request said. */
export function sendError(res: ServerResponse, err: HttpError, redact: (text: string) => string): void {
  sendJson(res, err.status, redact(JSON.stringify(err.body)), { ...err.headers });
}
