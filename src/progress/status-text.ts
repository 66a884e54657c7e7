// `aura status` as text, from the run's facts at a given time. The one function every path goes
// through (the live daemon's answer, the disk read, the status cache), so they cannot say different
// things about the same run.
import type { ViewFacts } from './facts.js';
import { renderStatusText } from './terminal.js';
import type { DaemonInfo } from './types.js';
import { viewOf } from './view.js';

export function statusText(facts: ViewFacts, daemon: DaemonInfo, now: Date): string {
  return renderStatusText(viewOf(facts, daemon, now)) + '\n';
}
