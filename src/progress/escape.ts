// Markdown escaping for text that comes from task.md, workers or the journal. A title such as
// "a | b `c" or "<script>" must not split a table cell, open a code span or become HTML, and a
// newline must not end a list item or a table row.
import { clip } from './format.js';

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start
// emphasis, links, code, tables or strikethrough mid-line. `<`, `>` and `&` become entities, which
// every renderer understands (some old ones ignore `\<`).
const ACTIVE = /[\\`*_[\]|~]/g;

/** Plain text as one safe inline Markdown run (also safe inside a table cell). */
export function inline(text: string, max = Number.MAX_SAFE_INTEGER): string {
  return clip(text, max)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(ACTIVE, (c) => `\\${c}`);
}

/**
 * Text as a code span: the fence is one backtick longer than the longest run inside, padded when
 * the text starts or ends with a backtick (the CommonMark rule). In a table, `|` still ends the
 * cell even inside a code span, so GFM wants it escaped there (and renders it without the `\`).
 */
export function code(text: string, opts: { table?: boolean; max?: number } = {}): string {
  let body = clip(text, opts.max ?? Number.MAX_SAFE_INTEGER);
  if (body === '') return '""';
  if (opts.table) body = body.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced block for output lines, indented to sit inside a list item; the fence outgrows any ``` inside. */
export function fenced(lines: readonly string[], indent: string, info = 'text'): string[] {
  const longest = Math.max(0, ...lines.flatMap((l) => Array.from(l.matchAll(/`+/g), (m) => m[0].length)));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`${indent}${fence}${info}`, ...lines.map((l) => `${indent}${l}`), `${indent}${fence}`];
}

/** A table row from already-escaped cells. */
export function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
}
