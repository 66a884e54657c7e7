// Writes .aura/state/progress.md: the view model (pure) laid out by the shipped template.
import type { ViewFacts } from '../progress/facts.js';
import { loadProgressTemplate } from '../progress/load-template.js';
import { renderMarkdown } from '../progress/markdown.js';
import type { DaemonInfo } from '../progress/types.js';
import { viewOf } from '../progress/view.js';
import type { Layout } from '../store/layout.js';
import { writeFileAtomic } from '../util/atomic.js';

export type DaemonInfoFn = () => DaemonInfo;

/** `facts`: the run's (the run book's status index); laid out now, before the write awaits. */
export async function renderProgress(layout: Layout, facts: ViewFacts, daemon: DaemonInfo): Promise<void> {
  const text = renderMarkdown(viewOf(facts, daemon, new Date()), loadProgressTemplate());
  await writeFileAtomic(layout.progressFile, text);
}
