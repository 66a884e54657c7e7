// Which handler a request goes to, from its method and path alone. Pure: table-tested, no I/O.
// Paths outside the API are the page and its assets; everything under /api/ is versioned (/api/v1).
import { HttpError } from './errors.js';

export type ControlCmd = 'wake' | 'pause' | 'resume' | 'kill' | 'retry';
/** The page's files: a fixed list, so no path from a request ever reaches the file system. */
export const ASSETS = ['index.html', 'app.js', 'api.js', 'stream.js', 'view.js', 'task-panel.js', 'app.css'] as const;
export type AssetName = (typeof ASSETS)[number];

export type Route =
  | { kind: 'asset'; asset: AssetName }
  | { kind: 'state' }
  | { kind: 'events' }
  | { kind: 'journal' }
  | { kind: 'task'; id: string }
  | { kind: 'taskLog'; id: string }
  | { kind: 'control'; cmd: ControlCmd; task?: string };

export interface Matched {
  route: Route;
  /** Changes something: needs the token and a matching Origin. */
  mutation: boolean;
}

/** Task ids as task.md allows them (taskfile/ids.ts): anything else cannot name a task. */
const TASK_ID = /^[A-Za-z0-9._-]{1,64}$/;

interface Entry {
  re: RegExp;
  GET?: (m: string[]) => Route;
  POST?: (m: string[]) => Route;
  /** The event stream has no end for HEAD to leave off. */
  noHead?: true;
}

const asset = (a: AssetName) => () => ({ kind: 'asset', asset: a }) as Route;

const TABLE: Entry[] = [
  { re: /^\/$/, GET: asset('index.html') },
  { re: /^\/index\.html$/, GET: asset('index.html') },
  ...ASSETS.filter((a) => a !== 'index.html').map((a): Entry => ({ re: new RegExp(`^/assets/${a.replace('.', '\\.')}$`), GET: asset(a) })),
  { re: /^\/api\/v1\/state$/, GET: () => ({ kind: 'state' }) },
  { re: /^\/api\/v1\/events$/, GET: () => ({ kind: 'events' }), noHead: true },
  { re: /^\/api\/v1\/journal$/, GET: () => ({ kind: 'journal' }) },
  { re: /^\/api\/v1\/tasks\/([^/]+)$/, GET: ([id]) => ({ kind: 'task', id: id! }) },
  { re: /^\/api\/v1\/tasks\/([^/]+)\/log$/, GET: ([id]) => ({ kind: 'taskLog', id: id! }) },
  { re: /^\/api\/v1\/refresh$/, POST: () => ({ kind: 'control', cmd: 'wake' }) },
  { re: /^\/api\/v1\/pause$/, POST: () => ({ kind: 'control', cmd: 'pause' }) },
  { re: /^\/api\/v1\/resume$/, POST: () => ({ kind: 'control', cmd: 'resume' }) },
  { re: /^\/api\/v1\/tasks\/([^/]+)\/kill$/, POST: ([id]) => ({ kind: 'control', cmd: 'kill', task: id! }) },
  { re: /^\/api\/v1\/tasks\/([^/]+)\/retry$/, POST: ([id]) => ({ kind: 'control', cmd: 'retry', task: id! }) },
];

function decodeId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    id = raw;
  }
  if (!TASK_ID.test(id)) {
    throw new HttpError(404, 'unknown_task', `"${id.slice(0, 80)}" is not a task id (ids are 1–64 of A-Z a-z 0-9 . _ -); GET /api/v1/state lists the tasks`);
  }
  return id;
}

/** The route for a request, or an HttpError: 404 for an unknown path, 405 (with Allow) for a wrong method. */
export function route(method: string, pathname: string): Matched {
  for (const e of TABLE) {
    const m = e.re.exec(pathname);
    if (!m) continue;
    const headOk = !!e.GET && !e.noHead;
    const verb = method === 'HEAD' && headOk ? 'GET' : method;
    const make = verb === 'GET' ? e.GET : verb === 'POST' ? e.POST : undefined;
    if (!make) {
      const allow = [...(e.GET ? ['GET'] : []), ...(headOk ? ['HEAD'] : []), ...(e.POST ? ['POST'] : [])];
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed on ${pathname}; use ${allow.join(' or ')}`, { Allow: allow.join(', ') });
    }
    const groups = m.slice(1).map(decodeId);
    return { route: make(groups), mutation: verb === 'POST' };
  }
  if (/^\/api\/(?!v1\/)/.test(pathname) || pathname === '/api' || pathname === '/api/v1') {
    throw new HttpError(404, 'not_found', `no API at ${pathname}: this daemon serves /api/v1 (state, events, journal, tasks/<id>, refresh, pause, resume, tasks/<id>/kill, tasks/<id>/retry)`);
  }
  throw new HttpError(404, 'not_found', `nothing at ${pathname}; the dashboard is at / and the API under /api/v1`);
}
