// The final table: one row per figure, distributions as n/p50/p95/max, single figures as a value.
import { fmtMs, summarize, type Summary } from './stats.js';

export interface Row {
  label: string;
  summary?: Summary;
  /** For figures that are not a distribution (idle CPU, RSS). */
  value?: string;
  target?: string;
}

export function dist(label: string, samples: number[], target?: string): Row {
  return { label, summary: summarize(samples), target };
}

export function line(s: Summary): string {
  return `n=${s.n} p50=${fmtMs(s.p50)} p95=${fmtMs(s.p95)} max=${fmtMs(s.max)} ms`;
}

export interface Section {
  title: string;
  rows: Row[];
  notes: string[];
  error?: string;
}

export function table(sections: Section[]): string {
  const head = ['measure', 'n', 'p50 ms', 'p95 ms', 'max ms', 'target'];
  const body: string[][] = [];
  const breaks = new Set<number>();
  for (const sec of sections) {
    breaks.add(body.length);
    if (sec.error) body.push([`${sec.title}: FAILED (see above)`, '', '', '', '', '']);
    for (const r of sec.rows) {
      if (r.summary) {
        const s = r.summary;
        body.push([r.label, String(s.n), fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.max), r.target ?? '']);
      } else {
        body.push([r.label, '', r.value ?? '', '', '', r.target ?? '']);
      }
    }
  }
  // Number columns are sized by the distribution rows; a single-figure row spreads its value over them.
  const isDist = (r: string[]) => r[1] !== '';
  const widths = head.map((h, i) => Math.max(h.length, ...body.filter((r) => i === 0 || i === 5 || isDist(r)).map((r) => r[i]!.length)));
  const pad = (cells: string[]) => {
    if (!isDist(cells) && cells !== head) {
      const span = widths[1]! + widths[2]! + widths[3]! + widths[4]! + 6;
      return [cells[0]!.padEnd(widths[0]!), cells[2]!.padStart(span), cells[5]!].join('  ').trimEnd();
    }
    return cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  };
  const rule = '-'.repeat(widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1));
  const out = [pad(head), rule];
  body.forEach((r, i) => {
    if (i > 0 && breaks.has(i)) out.push('');
    out.push(pad(r));
  });
  return out.join('\n');
}
