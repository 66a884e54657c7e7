// The API's handlers: each reads what it needs through the host (or read-only files) and answers
// JSON. Mutations go through host.control, the very path the CLI's control socket takes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlReply } from '../daemon/control.js';
import { parseControlBody, readBody } from './body.js';
import { taskDetail, type LogStream } from './detail.js';
import { publicEntry } from './entries.js';
import { HttpError } from './errors.js';
import type { DashboardHost } from './host.js';
import type { LastEvents } from './last-events.js';
import { readRunners, readTaskJournal, readTaskLive, readTaskLog } from './read.js';
import { MAX_REPLAY, planResume } from './resume.js';
import { sendJson } from './respond.js';
import type { ControlCmd } from './router.js';
import type { SseHub } from './sse.js';
import { dashboardState } from './state.js';

export interface Handlers {
  host: DashboardHost;
  lastEvents: LastEvents;
  hub: SseHub;
  redact: (text: string) => string;
  /** How long a control request may wait for the daemon's answer. */
  controlTimeoutMs: number;
}

function starting(): HttpError {
  return new HttpError(503, 'starting', 'the daemon is still starting; try again in a moment', { 'Retry-After': '1' });
}

/** The dashboard state, serialised and redacted; null while the daemon is starting. */
export async function stateText(h: Handlers): Promise<string | null> {
  const first = h.host.snapshot();
  if (!first) return null;
  const runners = await readRunners(h.host.layout, first.state);
  // Built from the daemon's memory as it is now, after the files were read.
  const s = h.host.snapshot() ?? first;
  return h.redact(JSON.stringify(dashboardState(s, { ...runners, lastEvents: h.lastEvents.map, streams: h.hub.size }, new Date())));
}

export async function getState(h: Handlers, res: ServerResponse): Promise<void> {
  const text = await stateText(h);
  if (text === null) throw starting();
  sendJson(res, 200, text);
}

function wholeNumber(url: URL, name: string, dflt: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(400, 'bad_request', `${name}=${raw.slice(0, 40)}: expected a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

function taskOf(h: Handlers, id: string) {
  const s = h.host.snapshot();
  if (!s) throw starting();
  const t = s.state.tasks[id];
  if (!t) throw new HttpError(404, 'unknown_task', `no task "${id}" in this run; GET /api/v1/state lists the tasks`);
  return t;
}

export async function getTask(h: Handlers, id: string, res: ServerResponse): Promise<void> {
  const t = taskOf(h, id);
  const L = h.host.layout;
  const [journal, log, live] = await Promise.all([readTaskJournal(L, id), readTaskLog(L, t, 'stdout', 50, null), readTaskLive(L, t)]);
  const state = h.host.snapshot()?.state;
  const detail = state && taskDetail(state, id, { journal, log, live });
  if (!detail) throw new HttpError(404, 'unknown_task', `task "${id}" is no longer in this run`);
  sendJson(res, 200, h.redact(JSON.stringify(detail)));
}

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'events'];

export async function getTaskLog(h: Handlers, id: string, url: URL, res: ServerResponse): Promise<void> {
  const t = taskOf(h, id);
  const stream = (url.searchParams.get('stream') ?? 'stdout') as LogStream;
  if (!STREAMS.includes(stream)) throw new HttpError(400, 'bad_request', `stream=${String(stream).slice(0, 40)}: expected stdout, stderr or events`);
  const lines = wholeNumber(url, 'lines', 200, 1, 5000);
  const attempt = url.searchParams.has('attempt') ? wholeNumber(url, 'attempt', 1, 1, 1_000_000) : null;
  const log = await readTaskLog(h.host.layout, t, stream, lines, attempt);
  if (!log) {
    throw new HttpError(404, 'not_found', attempt === null ? `task "${id}" has no attempts yet (${t.status}: ${t.reason})` : `task "${id}" has no attempt ${attempt} (it has ${t.attempts.length})`);
  }
  sendJson(res, 200, h.redact(JSON.stringify(log)));
}

export async function getJournal(h: Handlers, url: URL, res: ServerResponse): Promise<void> {
  const s = h.host.snapshot();
  if (!s) throw starting();
  const after = wholeNumber(url, 'after', Math.max(0, s.seq - 100), 0, Number.MAX_SAFE_INTEGER);
  const limit = wholeNumber(url, 'limit', 100, 1, MAX_REPLAY);
  const entries = await h.host.journalSince(after, limit);
  sendJson(res, 200, h.redact(JSON.stringify({ seq: s.seq, entries: entries.map(publicEntry) })));
}

export async function openEvents(h: Handlers, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const s = h.host.snapshot();
  if (!s) throw starting();
  const last = req.headers['last-event-id'];
  const plan = planResume({ lastEventId: Array.isArray(last) ? last[0] : last, since: url.searchParams.get('since'), tail: url.searchParams.get('tail'), currentSeq: s.seq });
  if ('error' in plan) throw new HttpError(400, 'bad_request', plan.error);
  await h.hub.open(req, res, plan, s.seq);
}

function withTimeout(p: Promise<ControlReply>, ms: number): Promise<ControlReply> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpError(504, 'timeout', `the daemon did not answer within ${ms / 1000} s; it may still act on the request (the journal will say)`)),
      ms,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export async function control(h: Handlers, cmd: ControlCmd, task: string | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = parseControlBody(await readBody(req), req.headers['content-type']);
  if (task !== undefined) taskOf(h, task);
  else if (!h.host.snapshot()) throw starting();
  const reason = body.reason ?? (cmd === 'wake' ? 'dashboard refresh' : 'from the dashboard');
  const reply = await withTimeout(h.host.control({ cmd, reason, ...(task !== undefined ? { task } : {}) }), h.controlTimeoutMs);
  if (!reply.ok) throw new HttpError(409, 'refused', reply.error);
  // A wake is accepted work (the cycle started, it has not finished): 202, like the CLI's acknowledgement.
  sendJson(res, cmd === 'wake' ? 202 : 200, h.redact(JSON.stringify(reply)));
}
