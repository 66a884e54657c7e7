// `aura changelog`: the task file changes aura saw — the journal's `taskfile` entries (first read,
// every edit with what it added, removed, reworded or changed, and edits rejected as invalid).
import { layoutFor } from '../store/layout.js';
import type { JournalEntry } from '../store/schema.js';
import type { ChangelogEntryJson } from '../summaries/json.js';
import { AuraError } from '../util/errors.js';
import { findProject } from './project.js';

export interface ChangelogOptions {
  dir?: string;
  json?: boolean;
  n?: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function renames(v: unknown): ChangelogEntryJson['renamed'] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) => {
    if (typeof r !== 'object' || r === null) return [];
    const o = r as Record<string, unknown>;
    return typeof o.id === 'string' ? [{ id: o.id, from: String(o.from ?? ''), to: String(o.to ?? '') }] : [];
  });
}

export function changelogEntry(e: JournalEntry): ChangelogEntryJson {
  const d = e.data ?? {};
  return {
    seq: e.seq,
    ts: e.ts,
    cycle: e.cycle,
    msg: e.msg,
    added: strings(d.added),
    removed: strings(d.removed),
    renamed: renames(d.renamed),
    changed: strings(d.changed),
    warnings: strings(d.warnings),
    error: typeof d.error === 'string' ? d.error : null,
  };
}

export function renderChangelogText(entries: readonly ChangelogEntryJson[]): string {
  const out: string[] = [];
  for (const e of entries) {
    out.push(`${e.ts.replace('T', ' ').slice(0, 19)}  #${e.cycle}  ${e.error ? 'INVALID EDIT: ' : ''}${e.msg}`);
    if (e.added.length) out.push(`    + added:    ${e.added.join(', ')}`);
    if (e.removed.length) out.push(`    - removed:  ${e.removed.join(', ')} (archived, history kept)`);
    for (const r of e.renamed) out.push(`    ~ reworded: ${r.id}: "${r.from}" → "${r.to}"`);
    if (e.changed.length) out.push(`    * changed:  ${e.changed.join(', ')}`);
    for (const w of e.warnings) out.push(`    ! warning:  ${w}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export async function changelogCommand(o: ChangelogOptions): Promise<number> {
  const n = Number(o.n ?? '20');
  if (!Number.isInteger(n) || n < 0) throw new AuraError('BAD_USAGE', `-n ${o.n}: expected a whole number of entries (0: all)`);
  const project = findProject(o.dir);
  const layout = layoutFor(project);
  const { readJournal } = await import('../store/journal.js');
  const all = (await readJournal(layout.journalFile)).filter((e) => e.kind === 'taskfile').map(changelogEntry);
  const entries = n === 0 ? all : all.slice(-n);
  if (o.json) {
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    process.stdout.write(`no task file changes in ${layout.journalFile}\n`);
    return 0;
  }
  process.stdout.write(renderChangelogText(entries));
  return 0;
}
