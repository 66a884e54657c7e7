// Writes .aura/state/progress.md: the view model (pure) laid out by the shipped template.
import { buildView } from '../progress/view.js';
import { loadProgressTemplate } from '../progress/load-template.js';
import { renderMarkdown } from '../progress/markdown.js';
import type { DaemonInfo } from '../progress/types.js';
import type { Layout } from '../store/layout.js';
import type { JournalEntry, RunState } from '../store/schema.js';
import { writeFileAtomic } from '../util/atomic.js';

export type DaemonInfoFn = () => DaemonInfo;

export async function renderProgress(layout: Layout, state: RunState, daemon: DaemonInfo, recent: JournalEntry[]): Promise<void> {
  const view = buildView({ state, journalTail: recent, daemon, now: new Date() });
  await writeFileAtomic(layout.progressFile, renderMarkdown(view, loadProgressTemplate()));
}
