// Line-level reading of the task file: what each line is (blank, heading, list item, fence, text)
// before any decision about which task it belongs to. Hand-written checks instead of clever regexes:
// the input may be hostile (fuzzed, megabyte lines) and every step here must stay linear.

/** Tabs count as this many columns of indentation (not tab stops: simpler to explain, rarely matters). */
export const TAB_WIDTH = 4;

export type LineKind =
  | 'blank'
  | 'heading' // ATX heading, indented at most 3 columns
  | 'item' // a list item (bullet or ordered); `checked` says whether it is a checklist item
  | 'fence-open' // ``` or ~~~ opening a fenced code block
  | 'fence-body' // inside a fenced block, including its closing fence
  | 'text';

export interface ScannedLine {
  /** 1-based line number. */
  n: number;
  raw: string;
  kind: LineKind;
  /** Columns of leading whitespace (tabs count TAB_WIDTH). */
  indent: number;
  /** The line without its leading whitespace. */
  body: string;
  /** heading: level 1..6. */
  level: number;
  /** heading: the heading text; item: the text after the marker (and after the checkbox). */
  text: string;
  /** item: null for a plain bullet, false for `[ ]`, true for `[x]`. */
  checked: boolean | null;
  /** item: a numbered marker (`1.` or `1)`) rather than a bullet. */
  ordered: boolean;
}

/** Strips a UTF-8 BOM and turns CRLF / CR line ends into LF. */
export function normaliseText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

export function scanLines(text: string): ScannedLine[] {
  const rawLines = text.split('\n');
  const out: ScannedLine[] = [];
  let fence: { char: string; length: number } | null = null;
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i] ?? '';
    const { indent, offset } = measureIndent(raw);
    const body = raw.slice(offset);
    const line: ScannedLine = { n: i + 1, raw, kind: 'text', indent, body, level: 0, text: '', checked: null, ordered: false };
    if (fence !== null) {
      line.kind = 'fence-body';
      if (closesFence(body, fence)) fence = null;
    } else if (body.trim() === '') {
      line.kind = 'blank';
    } else {
      const opened = openFence(body);
      if (opened !== null) {
        line.kind = 'fence-open';
        fence = opened;
      } else if (!readHeading(line) && !readItem(line)) {
        line.kind = 'text';
      }
    }
    out.push(line);
  }
  return out;
}

function measureIndent(raw: string): { indent: number; offset: number } {
  let indent = 0;
  let offset = 0;
  for (; offset < raw.length; offset++) {
    const c = raw.charCodeAt(offset);
    if (c === 0x20) indent += 1;
    else if (c === 0x09) indent += TAB_WIDTH;
    else break;
  }
  return { indent, offset };
}

function runLength(s: string, ch: string): number {
  let n = 0;
  while (n < s.length && s[n] === ch) n++;
  return n;
}

export function openFence(body: string): { char: string; length: number } | null {
  const char = body[0];
  if (char !== '`' && char !== '~') return null;
  const length = runLength(body, char);
  if (length < 3) return null;
  // CommonMark: a backtick fence's info string cannot contain a backtick (```x``` is inline code).
  if (char === '`' && body.indexOf('`', length) !== -1) return null;
  return { char, length };
}

export function closesFence(body: string, fence: { char: string; length: number }): boolean {
  const length = runLength(body, fence.char);
  return length >= fence.length && body.slice(length).trim() === '';
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

function readHeading(line: ScannedLine): boolean {
  if (line.indent > 3) return false;
  const body = line.body;
  const level = runLength(body, '#');
  if (level < 1 || level > 6) return false;
  if (level < body.length && !isSpace(body[level])) return false;
  let text = body.slice(level).trim();
  // Optional closing sequence: `## Title ##` (only when separated by a space, so `# C#` keeps its #).
  let hashes = 0;
  while (hashes < text.length && text[text.length - 1 - hashes] === '#') hashes++;
  if (hashes > 0 && (hashes === text.length || isSpace(text[text.length - hashes - 1]))) {
    text = text.slice(0, text.length - hashes).trim();
  }
  line.kind = 'heading';
  line.level = level;
  line.text = text;
  return true;
}

function readItem(line: ScannedLine): boolean {
  const body = line.body;
  let markerEnd: number;
  const first = body[0];
  if (first === '-' || first === '*' || first === '+') {
    markerEnd = 1;
  } else {
    let digits = 0;
    while (digits < body.length && digits < 10 && body[digits]! >= '0' && body[digits]! <= '9') digits++;
    if (digits === 0 || digits > 9 || (body[digits] !== '.' && body[digits] !== ')')) return false;
    markerEnd = digits + 1;
  }
  if (markerEnd < body.length && !isSpace(body[markerEnd])) return false;
  let rest = body.slice(markerEnd).trim();
  let checked: boolean | null = null;
  if (rest.length >= 3 && rest[0] === '[' && rest[2] === ']' && (rest.length === 3 || isSpace(rest[3]))) {
    const mark = rest[1];
    if (mark === ' ' || mark === 'x' || mark === 'X') {
      checked = mark !== ' ';
      rest = rest.slice(3).trim();
    }
  }
  line.kind = 'item';
  line.text = rest;
  line.checked = checked;
  line.ordered = first !== '-' && first !== '*' && first !== '+';
  return true;
}
