// A worker's event stream (output.jsonl, aura's event model: workers/agents/types.ts) as readable
// lines, one per event: `12:03:04 tool_call Write {"file_path":…}`. For `aura logs --events` and the
// dashboard. A line that is not an event object is shown as it is: the stream is a worker's, not ours.
import { clip } from './format.js';

function jsonBrief(v: unknown, max: number): string {
  if (v === undefined) return '';
  let s: string;
  try {
    s = typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    s = String(v); // a value JSON cannot say (a BigInt, a cycle) still gets shown
  }
  return clip(s ?? '', max);
}

/** One output.jsonl line as one readable line, or null for a blank line. */
export function renderEventLine(line: string): string | null {
  if (!line.trim()) return null;
  let e: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(line);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return line;
    e = v as Record<string, unknown>;
  } catch {
    return line; // not JSON (a torn or foreign line): shown as written
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

/** Renders raw output.jsonl text (a tail may start mid-line: a first line that is not JSON is dropped). */
export function renderEvents(text: string, dropPartialFirst: boolean): string {
  const lines = text.split('\n');
  if (dropPartialFirst && lines.length && lines[0] && !lines[0].trimStart().startsWith('{')) lines.shift();
  return lines
    .map(renderEventLine)
    .filter((l): l is string => l !== null)
    .map((l) => `${l}\n`)
    .join('');
}
