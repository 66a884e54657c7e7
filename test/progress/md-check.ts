// Tiny structural checks on rendered Markdown, the way a GFM renderer would see it.

/** Cells of a GFM table row: split at pipes not escaped by a backslash. */
export function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      cur += c + (line[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out.slice(1, -1).map((s) => s.trim()); // rows start and end with a pipe
}

/** Every table in the page: its rows, from header to last row. */
export function tables(md: string): string[][] {
  const found: string[][] = [];
  let cur: string[] | null = null;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) (cur ??= []).push(line);
    else if (cur) {
      found.push(cur);
      cur = null;
    }
  }
  if (cur) found.push(cur);
  return found;
}

/** The section under a `## heading`, up to the next `## `. */
export function section(md: string, heading: string): string {
  const start = md.indexOf(`\n## ${heading}\n`);
  if (start < 0) return '';
  const rest = md.slice(start + heading.length + 5);
  const end = rest.indexOf('\n## ');
  return end < 0 ? rest : rest.slice(0, end);
}

/** Code spans must open and close on the same line: count unescaped backtick runs per fence length. */
export function balancedCodeSpans(line: string): boolean {
  const runs = new Map<number, number>();
  const stripped = line.replace(/\\`/g, '');
  for (const m of stripped.matchAll(/`+/g)) runs.set(m[0].length, (runs.get(m[0].length) ?? 0) + 1);
  // A longer fence may legitimately contain odd numbers of shorter runs; the fences themselves pair up.
  const longest = Math.max(0, ...runs.keys());
  return longest === 0 || (runs.get(longest) ?? 0) % 2 === 0;
}
