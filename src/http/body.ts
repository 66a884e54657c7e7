// A mutation's body: empty, or one small JSON object ({"reason": "…"}). Anything else is refused with
// what was wrong, before the daemon hears of it.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';

export const MAX_BODY_BYTES = 16 * 1024;

export interface ControlBody {
  reason?: string;
}

/** Pure: the parsed body from its bytes and Content-Type. */
export function parseControlBody(raw: Buffer, contentType: string | undefined): ControlBody {
  if (raw.length === 0 || raw.toString('utf8').trim() === '') return {};
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', `a request body must be JSON (Content-Type: application/json), not ${contentType ? `"${contentType.slice(0, 60)}"` : 'untyped'}; or send no body`);
  }
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'bad_request', `the body is not valid JSON (${err instanceof Error ? err.message : String(err)}); send {"reason": "…"} or nothing`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'bad_request', 'the body must be a JSON object such as {"reason": "…"}');
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => k !== 'reason');
  if (unknown.length) throw new HttpError(400, 'bad_request', `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; the only field is "reason"`);
  if (o.reason === undefined) return {};
  if (typeof o.reason !== 'string') throw new HttpError(400, 'bad_request', '"reason" must be a string');
  const reason = o.reason.trim();
  return reason ? { reason: reason.slice(0, 200) } : {};
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new HttpError(413, 'payload_too_large', `the body is ${declared} bytes; at most ${MAX_BODY_BYTES} are accepted`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
