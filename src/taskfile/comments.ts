// HTML comments in task.md are the author's notes: they never become tasks, context, notes or part of
// a diff the model reads. Removed before anything else looks at the text, keeping every line (so line
// numbers in messages still point at the file), and left alone inside fenced code blocks and inline
// code spans, where `<!--` is literal text.
import { closesFence, openFence } from './scan.js';

const OPEN = '<!--';
const CLOSE = '-->';

/** The text with every HTML comment removed; a line the comment covered stays, emptied. */
export function stripComments(text: string): string {
  if (!text.includes(OPEN)) return text;
  const lines = text.split('\n');
  let fence: { char: string; length: number } | null = null;
  let inComment = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!inComment) {
      const body = line.trimStart();
      if (fence !== null) {
        if (closesFence(body, fence)) fence = null;
        continue;
      }
      const opened = openFence(body);
      if (opened !== null) {
        fence = opened;
        continue;
      }
    }
    const r = stripLine(line, inComment);
    lines[i] = r.text;
    inComment = r.inComment;
  }
  return lines.join('\n');
}

function stripLine(line: string, startInComment: boolean): { text: string; inComment: boolean } {
  let out = '';
  let i = 0;
  let inComment = startInComment;
  let ticks = 0; // backticks seen outside comments: an odd count means inside an inline code span
  while (i < line.length) {
    if (inComment) {
      const end = line.indexOf(CLOSE, i);
      if (end < 0) return { text: out.trimEnd(), inComment: true };
      i = end + CLOSE.length;
      inComment = false;
      continue;
    }
    const ch = line[i];
    if (ch === '`') ticks++;
    if (ch === '<' && ticks % 2 === 0 && line.startsWith(OPEN, i)) {
      inComment = true;
      i += OPEN.length;
      continue;
    }
    out += ch;
    i++;
  }
  // A line that held only a comment becomes blank rather than a line of spaces.
  return { text: out.trim() === '' ? '' : out.trimEnd(), inComment };
}
