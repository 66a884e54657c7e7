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

/** Ids named on one line before "and N more": a first read of a 20,000-task file added them all. */
export const CHANGELOG_NAMED = 20;

const names = (ids: readonly string[]): string =>
  ids.length > CHANGELOG_NAMED ? `${ids.slice(0, CHANGELOG_NAMED).join(', ')} and ${ids.length - CHANGELOG_NAMED} more (--json lists them all)` : ids.join(', ');

export function renderChangelogText(entries: readonly ChangelogEntryJson[]): string {
  const out: string[] = [];
  for (const e of entries) {
    out.push(`${e.ts.replace('T', ' ').slice(0, 19)}  #${e.cycle}  ${e.error ? 'INVALID EDIT: ' : ''}${e.msg}`);
    if (e.added.length) out.push(`    + added:    ${names(e.added)}`);
    if (e.removed.length) out.push(`    - removed:  ${names(e.removed)} (archived, history kept)`);
    for (const r of e.renamed) out.push(`    ~ reworded: ${r.id}: "${r.from}" → "${r.to}"`);
    if (e.changed.length) out.push(`    * changed:  ${names(e.changed)}`);
    for (const w of e.warnings) out.push(`    ! warning:  ${w}`);
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

export async function changelogCommand(o: ChangelogOptions): Promise<number> {
  const n = Number(o.n ?? '20');
  if (!Number.isInteger(n) || n < 0) throw new AuraError('BAD_USAGE', `-n ${o.n}: expected a whole number of entries (0: all)`);
  const project = findProject(o.dir);
  const layout = layoutFor(project);
  const { forEachEntry } = await import('../store/journal-read.js');
  // Streamed: only the task-file entries are kept, not a long run's whole journal.
  const all: ChangelogEntryJson[] = [];
  await forEachEntry(layout.journalFile, (e) => {
    if (e.kind === 'taskfile') all.push(changelogEntry(e));
  });
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
