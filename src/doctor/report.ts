// How `aura doctor` prints its checks: aligned lines for people, one JSON object for scripts.
import type { Check } from './checks.js';

export interface DoctorJson {
  ok: boolean;
  project: string;
  counts: { ok: number; warn: number; fail: number };
  checks: Check[];
}

export function countStatuses(checks: readonly Check[]): DoctorJson['counts'] {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;
  return counts;
}

export function toJson(checks: Check[], project: string): DoctorJson {
  const counts = countStatuses(checks);
  return { ok: counts.fail === 0, project, counts, checks };
}

/** The checks as aligned lines with their fixes, and the one-line tally; `aura init` prints these too. */
export function checkLines(checks: readonly Check[], indent = '  '): string[] {
  const width = Math.max(0, ...checks.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(`${indent}${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix) lines.push(`${indent}      ${' '.repeat(width)}  fix: ${c.fix}`);
  }
  const n = countStatuses(checks);
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  lines.push('', n.fail === 0 && n.warn === 0 ? 'all checks passed' : `${plural(n.fail, 'failure')}, ${plural(n.warn, 'warning')}`);
  return lines;
}

export function renderText(checks: readonly Check[], project: string): string {
  return [`aura doctor: ${project}`, '', ...checkLines(checks)].join('\n');
}
