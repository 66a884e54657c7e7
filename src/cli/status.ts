import { buildView, statusJson } from '../progress/view.js';
import { renderStatusText } from '../progress/terminal.js';
import { layoutFor } from '../store/layout.js';
import { readJournalTail } from '../store/journal.js';
import { readStateReadOnly } from '../store/state-store.js';
import { AuraError } from '../util/errors.js';
import { daemonInfo } from './daemon-info.js';
import { findProject } from './project.js';

export async function statusCommand(o: { dir?: string; json?: boolean }): Promise<number> {
  const project = findProject(o.dir);
  const layout = layoutFor(project);
  const { state, recovery } = await readStateReadOnly(layout);
  if (!state) throw new AuraError('NO_DAEMON', `no aura run in ${project} (no .aura/state/state.json)`, 'start one with `aura <task-file>`');
  if (recovery) process.stderr.write(`aura: note: ${recovery.reason}\n`);
  const daemon = await daemonInfo(layout, state.doneAt);
  const now = new Date();
  if (o.json) {
    process.stdout.write(JSON.stringify(statusJson(state, daemon, now), null, 2) + '\n');
    return 0;
  }
  const journalTail = await readJournalTail(layout.journalFile, 40);
  process.stdout.write(renderStatusText(buildView({ state, journalTail, daemon, now })) + '\n');
  return 0;
}
