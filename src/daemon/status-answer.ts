// `aura status` answered by the live daemon (control request `status`): the run in its memory, its
// recent journal entries as the journal tail, and its own facts as the daemon line. The CLI renders
// the same text from disk when no daemon answers (src/cli/status.ts); both go through statusText.
import { factsOf } from '../progress/facts.js';
import { statusJson } from '../progress/status-json.js';
import { statusText } from '../progress/status-text.js';
import type { DaemonInfo } from '../progress/types.js';
import type { RunBook } from './run-book.js';

export function liveStatus(book: Pick<RunBook, 'state' | 'recent'>, daemon: DaemonInfo, json: boolean, now = new Date()): string {
  if (json) return JSON.stringify(statusJson(book.state, daemon, now), null, 2) + '\n';
  return statusText(factsOf(book.state, book.recent), daemon, now);
}
