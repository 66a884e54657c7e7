// Narrowing helpers for the CLIs' JSON lines. Their schemas drift between versions, so every read
// is checked and a wrong type reads as "absent" instead of throwing.

export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A finite number, or undefined (null, NaN and numeric strings are not numbers here). */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** One stdout line as a JSON object, or null when it is not one (banner text, a cut line …). */
export function parseObject(line: string): Json | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  try {
    return obj(JSON.parse(t)) ?? null;
  } catch (err) {
    if (err instanceof SyntaxError) return null; // not JSON: the caller keeps it as a raw line
    throw err;
  }
}

export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** One line, for outcome messages: CLI errors often carry multi-line provider bodies. */
export function oneLine(s: string, max: number): string {
  return clip(s.replace(/\s+/g, ' ').trim(), max);
}

/** Keeps both ends (model text: how it starts and what it concludes). */
export function clipMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.max(0, Math.floor((max - 1) / 2));
  return `${s.slice(0, half)}…${s.slice(s.length - half)}`;
}

/** Keeps the end (for "the last text", where the conclusion is). */
export function clipTail(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - Math.max(0, max - 1))}`;
}

/**
 * Tool inputs can carry whole files (Write's `content`): long strings are cut so one event stays
 * small, while short fields such as `file_path` or `command` are kept as they are.
 */
export function clipDeep(v: unknown, max: number, depth = 4): unknown {
  if (typeof v === 'string') return clip(v, max);
  if (depth <= 0 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.slice(0, 100).map((x) => clipDeep(x, max, depth - 1));
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) out[k] = clipDeep(x, max, depth - 1);
  return out;
}

/** Text out of a tool result's `content`: a string, or blocks of which the text ones count. */
export function contentText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const parts = arr(v)
    .map((b) => obj(b))
    .filter((b): b is Json => b !== undefined && b.type === 'text')
    .map((b) => str(b.text) ?? '');
  return parts.length > 0 ? parts.join('\n') : undefined;
}
