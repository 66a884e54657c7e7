import { layoutFor } from '../store/layout.js';
import { readJournalTail } from '../store/journal.js';
import { AuraError } from '../util/errors.js';
import { findProject } from './project.js';

export async function historyCommand(o: { dir?: string; json?: boolean; n?: string; task?: string }): Promise<number> {
  const project = findProject(o.dir);
  const n = Number(o.n ?? '50');
  if (!Number.isInteger(n) || n <= 0) throw new AuraError('BAD_USAGE', `-n ${o.n}: expected a positive whole number of entries`);
  const layout = layoutFor(project);
  let entries = await readJournalTail(layout.journalFile, o.task ? Math.max(n * 20, 1000) : n);
  if (o.task) entries = entries.filter((e) => e.task === o.task).slice(-n);
  if (o.json) {
    process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    process.stdout.write(`no journal entries in ${layout.journalFile}\n`);
    return 0;
  }
  for (const e of entries) {
    const what = e.from || e.to ? `${e.from ?? ''}→${e.to ?? ''}` : e.kind;
    process.stdout.write(`${e.ts.replace('T', ' ').slice(0, 19)}  #${e.cycle}  ${(e.task ?? '-').padEnd(16)}  ${what.padEnd(18)}  ${e.msg}\n`);
  }
  return 0;
}
