// `aura logs <task>`: a worker's own output for the task's latest attempt — stdout.log, stderr.log, or
// output.jsonl rendered as readable lines — and with -f, followed live from one attempt to the next.
//
// The runner caps each file (workers/capped-file.ts): past the cap, a running worker's file holds only
// the head and the latest bytes are in `<file>.tail` (rewritten about once a second); at the end the
// tail is appended to the file after a note. Both shapes are shown as head, `[… tail …]`, tail.
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { clip } from '../progress/format.js';
import type { Layout } from '../store/layout.js';
import type { Attempt, RunState, TaskState } from '../store/schema.js';
import { AuraError, errnoCode } from '../util/errors.js';

export { TAIL_MARKER } from './commands-ops.js';
import { TAIL_MARKER } from './commands-ops.js';
const POLL_MS = 250;
/** Bytes of printed output kept to line a new tail up with. */
const RECENT = 4096;

export interface LogsOptions {
  dir?: string;
  follow?: boolean;
  stderr?: boolean;
  events?: boolean;
  lines?: string;
  attempt?: string;
}

type Kind = 'stdout' | 'stderr' | 'events';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const FILE: Record<Kind, string> = { stdout: 'stdout.log', stderr: 'stderr.log', events: 'output.jsonl' };

// ---- rendering output.jsonl ----------------------------------------------------------------------

function jsonBrief(v: unknown, max: number): string {
  if (v === undefined) return '';
  let s: string;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  return clip(s ?? '', max);
}

/** One output.jsonl line as one readable line (`12:03:04 tool_call Write {"file_path":…}`), or null for a blank line. */
export function renderEventLine(line: string): string | null {
  if (!line.trim()) return null;
  let e: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return line;
    e = v as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof e.ts === 'string' && /T\d\d:\d\d:\d\d/.test(e.ts) ? e.ts.slice(11, 19) : '--:--:--';
  const type = typeof e.type === 'string' ? e.type : 'event';
  const str = (k: string) => (typeof e[k] === 'string' ? (e[k] as string) : undefined);
  const num = (k: string) => (typeof e[k] === 'number' ? (e[k] as number) : undefined);
  let rest: string;
  switch (type) {
    case 'started':
      rest = [str('model') && `model ${str('model')}`, str('sessionId') && `session ${str('sessionId')}`].filter(Boolean).join(', ');
      break;
    case 'tool_call':
      rest = `${str('name') ?? '?'} ${jsonBrief(e.input, 160)}`.trimEnd();
      break;
    case 'tool_result':
      rest = `${e.ok === false ? 'error' : 'ok'} ${jsonBrief(e.output, 160)}`.trimEnd();
      break;
    case 'text':
    case 'raw':
      rest = clip(str('text') ?? '', 400);
      break;
    case 'usage': {
      const u = (typeof e.usage === 'object' && e.usage !== null ? e.usage : {}) as Record<string, unknown>;
      const n = (k: string) => (typeof u[k] === 'number' ? (u[k] as number) : 0);
      rest = `in ${n('inputTokens')}, out ${n('outputTokens')}, cache read ${n('cacheReadTokens')}, cache write ${n('cacheWriteTokens')}`;
      if (typeof u.costUsd === 'number') rest += `, $${u.costUsd.toFixed(4)}`;
      break;
    }
    case 'retry':
    case 'error':
      rest = [num('status') !== undefined && `HTTP ${num('status')}`, clip(str('message') ?? '', 300)].filter(Boolean).join(' ');
      break;
    case 'result':
      rest = [e.ok === false ? 'failed' : 'ok', str('subtype'), num('numTurns') !== undefined && `${num('numTurns')} turns`, str('message') && clip(str('message')!, 300)]
        .filter(Boolean)
        .join(' ');
      break;
    default: {
      const { ts: _ts, type: _type, ...other } = e;
      rest = jsonBrief(other, 200);
    }
  }
  return `${time} ${type}${rest ? ` ${rest}` : ''}`;
}

// ---- reading files -------------------------------------------------------------------------------

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await fsp.stat(file)).size;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return null;
    throw err;
  }
}

async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(Math.max(0, to - from));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** The last `n` lines of a file (0: all of it) without reading a big file whole. */
async function readLastLines(file: string, n: number): Promise<Buffer | null> {
  const size = await sizeOf(file);
  if (size === null) return null;
  if (n <= 0) return (await readOrNull(file)) ?? Buffer.alloc(0);
  const CHUNK = 64 * 1024;
  let start = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const from = Math.max(0, start - CHUNK);
    buf = Buffer.concat([await readRange(file, from, start), buf]);
    start = from;
    // n lines need n newlines before them (ignoring a trailing newline at the very end).
    const body = buf.length && buf[buf.length - 1] === 0x0a ? buf.subarray(0, buf.length - 1) : buf;
    let count = 0;
    for (let i = body.length - 1; i >= 0; i--) if (body[i] === 0x0a && ++count >= n) return buf.subarray(i + 1);
    if (start === 0) return buf;
  }
}

function lastLinesOf(text: string, n: number): string {
  if (n <= 0) return text;
  const trailing = text.endsWith('\n');
  const lines = (trailing ? text.slice(0, -1) : text).split('\n');
  if (lines.length <= n) return text;
  return lines.slice(-n).join('\n') + (trailing ? '\n' : '');
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/** Renders raw output.jsonl text (a tail may start mid-line: a first line that is not JSON is dropped). */
function renderEvents(text: string, dropPartialFirst: boolean): string {
  const lines = text.split('\n');
  if (dropPartialFirst && lines.length && lines[0] && !lines[0].trimStart().startsWith('{')) lines.shift();
  return lines
    .map(renderEventLine)
    .filter((l): l is string => l !== null)
    .map((l) => `${l}\n`)
    .join('');
}

/** What `aura logs` prints without -f: the last `n` lines, head / marker / tail when the file is capped. */
export async function readLog(attemptDirAbs: string, kind: Kind, n: number): Promise<string | null> {
  const file = path.join(attemptDirAbs, FILE[kind]);
  const tail = await readOrNull(`${file}.tail`);
  const render = (s: string, partial = false) => (kind === 'events' ? renderEvents(s, partial) : s);
  if (tail === null) {
    const buf = await readLastLines(file, kind === 'events' ? 0 : n);
    if (buf === null) return null;
    return kind === 'events' ? lastLinesOf(render(buf.toString('utf8')), n) : buf.toString('utf8');
  }
  const tailText = lastLinesOf(render(tail.toString('utf8'), true), n);
  const tailCount = tailText.split('\n').length - (tailText.endsWith('\n') ? 1 : 0);
  const headN = n <= 0 ? 0 : Math.max(0, n - tailCount);
  let headText = '';
  if (n <= 0 || headN > 0) {
    const head = (await readOrNull(file)) ?? Buffer.alloc(0);
    headText = lastLinesOf(render(head.toString('utf8')), headN);
  }
  return `${withNewline(headText)}${TAIL_MARKER}\n${tailText}`;
}

// ---- which attempt -------------------------------------------------------------------------------

function pickAttempt(t: TaskState, n: number | null): Attempt | undefined {
  return n === null ? t.attempts[t.attempts.length - 1] : t.attempts.find((a) => a.n === n);
}

function header(t: TaskState, a: Attempt): string {
  return `==> ${t.id} attempt ${a.n} (${a.worker}) started ${a.startedAt.replace('T', ' ').slice(0, 19)} UTC <==\n`;
}

// ---- following -----------------------------------------------------------------------------------

interface RunnerCounts {
  stdoutBytes?: number;
  stderrBytes?: number;
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch {
    return null; // absent, or mid-replace
  }
}

/** Follows one file of one attempt: appended bytes, and the runner's `.tail` once the head is full. */
class FileFollower {
  private headPos = 0;
  private inTail = false;
  /** In tail mode: total stream bytes printed through (stdout/stderr), from status.json. */
  private streamPos = 0;
  private lastTail: Buffer | null = null;
  private lastLine = '';
  private partial = '';
  /** The last bytes printed (stdout/stderr), to check that a new tail lines up with them. */
  private recent: Buffer = Buffer.alloc(0);
  /** The last byte printed was a newline (or nothing was printed): a marker may follow directly. */
  private atLineStart = true;

  constructor(
    private readonly dir: string,
    private readonly kind: Kind,
    private readonly out: (s: string) => void,
  ) {}

  private get file(): string {
    return path.join(this.dir, FILE[this.kind]);
  }

  private emit(buf: Buffer): void {
    if (buf.length === 0) return;
    if (this.kind !== 'events') {
      this.out(buf.toString('utf8'));
      this.atLineStart = buf[buf.length - 1] === 0x0a;
      this.recent = Buffer.concat([this.recent, buf.subarray(Math.max(0, buf.length - RECENT))]);
      if (this.recent.length > RECENT) this.recent = this.recent.subarray(this.recent.length - RECENT);
      return;
    }
    const text = this.partial + buf.toString('utf8');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) {
      if (l.trim()) this.lastLine = l;
      const r = renderEventLine(l);
      if (r !== null) this.out(`${r}\n`);
    }
  }

  private async streamBytes(): Promise<number | null> {
    if (this.kind === 'events') return null;
    const s = await readJson<RunnerCounts>(path.join(this.dir, 'status.json'));
    const v = this.kind === 'stdout' ? s?.stdoutBytes : s?.stderrBytes;
    return typeof v === 'number' ? v : null;
  }

  private marker(text: string): void {
    this.out(`${this.atLineStart ? '' : '\n'}${text}\n`);
    this.atLineStart = true;
  }

  /**
   * The tail file with the stream byte count it goes with (status.json, written just before it in the
   * same tick): read count, tail, count, and trust the pair only when the count did not move meanwhile.
   */
  private async readTail(): Promise<{ tail: Buffer; total: number | null } | null> {
    for (let i = 0; i < 3; i++) {
      const before = await this.streamBytes();
      const tail = await readOrNull(`${this.file}.tail`);
      if (tail === null) return null;
      if (this.kind === 'events') return { tail, total: null };
      const after = await this.streamBytes();
      if (before !== null && before === after) return { tail, total: after };
      await sleep(20);
    }
    return null; // the writer is busy; next poll
  }

  /** Prints the last `n` lines of what is there now, and follows from there. */
  async start(n: number): Promise<void> {
    const text = await readLog(this.dir, this.kind, n);
    if (text) this.out(withNewline(text));
    this.headPos = (await sizeOf(this.file)) ?? 0;
    const t = existsSync(`${this.file}.tail`) ? await this.readTail() : null;
    if (!t) return;
    this.inTail = true;
    this.lastTail = t.tail;
    this.streamPos = t.total ?? this.headPos + t.tail.length;
    this.recent = t.tail.subarray(Math.max(0, t.tail.length - RECENT));
    const lines = t.tail.toString('utf8').split('\n').filter((l) => l.trim());
    this.lastLine = lines[lines.length - 1] ?? '';
  }

  async poll(): Promise<void> {
    const size = (await sizeOf(this.file)) ?? 0;
    if (size > this.headPos) {
      // Once past the head, growth means the writer is closing the file (note + whole tail): wait
      // until it has finished (exit.json comes after), then print only what was not printed yet.
      if (this.inTail && !existsSync(path.join(this.dir, 'exit.json'))) return;
      const added = await readRange(this.file, this.headPos, size);
      this.headPos = size;
      if (!this.inTail) this.emit(added);
      else await this.emitClosedTail(added);
      return;
    }
    if (!existsSync(`${this.file}.tail`)) return;
    const t = await this.readTail();
    if (!t || (this.lastTail && t.tail.equals(this.lastTail))) return;
    if (!this.inTail) {
      this.inTail = true;
      if (this.partial) this.emit(Buffer.from('\n'));
      this.marker(TAIL_MARKER);
      this.streamPos = this.headPos;
    }
    if (this.emitTail(t.tail, t.total)) this.lastTail = t.tail;
  }

  /**
   * A tail covering the stream bytes [total - len, total): prints what was not printed yet. Returns
   * false (printing nothing) when the tail does not line up with what was printed (a torn read).
   */
  private emitTail(tail: Buffer, total: number | null): boolean {
    if (total !== null) {
      const start = total - tail.length;
      const overlap = this.streamPos - start;
      if (overlap > tail.length || total < this.streamPos) return false;
      if (overlap > 0) {
        const w = Math.min(overlap, this.recent.length);
        if (!tail.subarray(overlap - w, overlap).equals(this.recent.subarray(this.recent.length - w))) return false;
      } else if (overlap < 0) {
        this.marker(`[… ${-overlap} bytes not kept …]`);
      }
      this.emit(tail.subarray(Math.max(0, overlap)));
      this.streamPos = total;
      return true;
    }
    // output.jsonl: no byte count; continue after the last line already printed, if it is still there.
    const text = tail.toString('utf8');
    const at = this.lastLine ? text.lastIndexOf(this.lastLine) : -1;
    let rest = at >= 0 ? text.slice(at + this.lastLine.length).replace(/^\n/, '') : text;
    if (at < 0) rest = rest.slice(rest.indexOf('\n') + 1); // a ring tail starts mid-line
    this.partial = '';
    this.emit(Buffer.from(rest));
    return true;
  }

  /** The writer closed the file: it appended a note and the whole tail. Print only the unseen end. */
  private async emitClosedTail(added: Buffer): Promise<void> {
    const total = await this.streamBytes();
    if (total !== null) {
      const unseen = Math.max(0, total - this.streamPos);
      this.emit(added.subarray(Math.max(0, added.length - unseen)));
      this.streamPos = Math.max(this.streamPos, total);
      return;
    }
    this.emitTail(added, null);
  }

  /** End of the attempt: a last line without a newline still gets printed. */
  finish(): void {
    if (this.partial) {
      const r = renderEventLine(this.partial);
      this.partial = '';
      if (r !== null) this.out(`${r}\n`);
    }
  }
}

async function follow(
  layout: Layout,
  taskId: string,
  first: number | null,
  kind: Kind,
  n: number,
  readState: () => Promise<RunState | null>,
  stopped: () => boolean,
): Promise<void> {
  const out = (s: string) => {
    process.stdout.write(s);
  };
  let followed: number | null = null;
  let waitingSaid = false;
  while (!stopped()) {
    const state = await readState();
    const t = state?.tasks[taskId];
    let a: Attempt | undefined;
    if (t && followed === null) a = first === null ? pickAttempt(t, null) : pickAttempt(t, first);
    else if (t) a = t.attempts.filter((x) => x.n > followed!).sort((x, y) => x.n - y.n)[0];
    if (!t || !a) {
      if (!waitingSaid) {
        out(`[waiting for ${followed === null ? 'the first' : 'the next'} attempt of ${taskId}…]\n`);
        waitingSaid = true;
      }
      await sleep(POLL_MS);
      continue;
    }
    const dir = path.join(layout.root, a.dir);
    if (followed !== null || waitingSaid) out(header(t, a));
    waitingSaid = false;
    const f = new FileFollower(dir, kind, out);
    await f.start(followed === null ? n : 0);
    followed = a.n;
    // Follow until the attempt ends: exit.json from the runner, or the state says so (lost, spawn error).
    let checks = 0;
    for (;;) {
      if (stopped()) return;
      await f.poll();
      const ended = existsSync(path.join(dir, 'exit.json'));
      let endedInState = false;
      if (!ended && ++checks % 4 === 0) {
        const s2 = await readState();
        const a2 = s2?.tasks[taskId]?.attempts.find((x) => x.n === a.n);
        endedInState = !a2 || a2.endedAt !== null;
      }
      if (ended || endedInState) {
        await sleep(50);
        await f.poll();
        f.finish();
        const exit = await readJson<{ code: number | null; signal: string | null }>(path.join(dir, 'exit.json'));
        const how = exit ? (exit.signal ? `killed by ${exit.signal}` : `exit ${exit.code}`) : 'ended';
        out(`[attempt ${a.n} ${how}]\n`);
        break;
      }
      await sleep(POLL_MS);
    }
  }
}

// ---- the command ---------------------------------------------------------------------------------

function positiveInt(v: string | undefined, flag: string, dflt: number, allowZero: boolean): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new AuraError('BAD_USAGE', `${flag} ${v}: expected a ${allowZero ? 'whole number (0: all)' : 'positive whole number'}`);
  return n;
}

export async function logsCommand(taskId: string, o: LogsOptions): Promise<number> {
  if (o.stderr && o.events) throw new AuraError('BAD_USAGE', '--stderr and --events cannot be used together');
  const kind: Kind = o.stderr ? 'stderr' : o.events ? 'events' : 'stdout';
  const n = positiveInt(o.lines, '-n', 100, true);
  const wanted = o.attempt === undefined ? null : positiveInt(o.attempt, '--attempt', 1, false);
  const { loadState } = await import('./summaries.js');
  const { layout, state } = await loadState(o.dir);
  const t = state.tasks[taskId];
  if (!t) {
    const known = Object.keys(state.tasks);
    throw new AuraError('BAD_USAGE', `no task "${taskId}" in this run`, `known tasks: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`);
  }
  const a = pickAttempt(t, wanted);
  if (wanted !== null && !a) throw new AuraError('BAD_USAGE', `task ${taskId} has no attempt ${wanted} (it has ${t.attempts.length})`);

  if (o.follow) {
    let stop = false;
    const onInt = () => {
      stop = true;
    };
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onInt);
    const { readStateReadOnly } = await import('../store/state-store.js');
    const readState = async () => {
      try {
        return (await readStateReadOnly(layout)).state;
      } catch {
        return null; // mid-save; try again next poll
      }
    };
    try {
      await follow(layout, taskId, a ? a.n : null, kind, n, readState, () => stop);
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onInt);
    }
    return 0;
  }

  if (!a) {
    process.stderr.write(`aura: task ${taskId} has no attempts yet (${t.status}: ${t.reason})\n`);
    return 0;
  }
  const dir = path.join(layout.root, a.dir);
  const text = await readLog(dir, kind, n);
  if (text === null) {
    const why =
      kind === 'events' && a.worker === 'shell'
        ? 'shell workers write plain text only: see `aura logs` without --events'
        : `${path.join(path.relative(layout.project, dir), FILE[kind])} does not exist`;
    process.stderr.write(`aura: no ${FILE[kind]} for ${taskId} attempt ${a.n}: ${why}\n`);
    return 0;
  }
  process.stdout.write(withNewline(text));
  return 0;
}
