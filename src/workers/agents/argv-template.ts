// A custom worker's command line, from a template such as
//   mytool --prompt {prompt} --dir {project}
// It is split into words first (whitespace; '…' literal; "…" with \" and \\; \x outside quotes),
// and placeholders are filled in afterwards, inside each word: the prompt is one argument whatever
// it contains, no shell ever sees it, and a value is never scanned again for placeholders.

export const PLACEHOLDERS = ['prompt', 'project', 'attempt', 'model', 'max_turns'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

export type Parsed = { ok: true; words: string[] } | { ok: false; error: string };

export function splitTemplate(template: string): Parsed {
  const words: string[] = [];
  let cur = '';
  let inWord = false; // a word has started (so '' yields an empty argument)
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < template.length; i++) {
    const c = template[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (template[i + 1] === '"' || template[i + 1] === '\\')) cur += template[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < template.length) {
      cur += template[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: `unterminated ${quote} quote in worker command template` };
  if (inWord) words.push(cur);
  if (words.length === 0) return { ok: false, error: 'the worker command template is empty' };
  return { ok: true, words };
}

const PLACEHOLDER_RE = new RegExp(`\\{(${PLACEHOLDERS.join('|')})\\}`, 'g');

/** Fills the placeholders of each word in one pass; other braces (JSON, globs) are left alone. */
export function expandTemplate(words: readonly string[], values: TemplateValues): string[] {
  return words.map((w) => w.replace(PLACEHOLDER_RE, (_, name: Placeholder) => values[name]));
}
