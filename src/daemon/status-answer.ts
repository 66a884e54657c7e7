// `aura status` answered by the live daemon (control request `status`): the run in its memory, its
// recent journal entries as the journal tail, and its own facts as the daemon line. The CLI renders
// the same text from disk when no daemon answers (src/cli/status.ts); both go through statusText.
import { factsOf } from '../progress/facts.js';
import { statusJson } from '../progress/status-json.js';
import { statusText } from '../progress/status-text.js';
import type { DaemonInfo } from '../progress/types.js';
import type { RunBook } from './run-book.js';
import type { WakeQueue } from './wake.js';

/** viewFacts: the run book's status index; without it (tests, tools) the whole run is walked. */
type Book = Pick<RunBook, 'state' | 'recent'> & Partial<Pick<RunBook, 'viewFacts'>>;

/**
 * Answered between cycles, so it is what the journal says (what the disk path would read), never a
 * cycle's half-applied changes; null while there is no run in memory yet.
 */
export function statusAtRest(wakes: Pick<WakeQueue, 'atRest'>, run: () => { book: Book; daemon: DaemonInfo } | null, json: boolean): Promise<string | null> {
  return new Promise((done, fail) =>
    wakes.atRest(() => {
      try {
        const r = run();
        done(r ? liveStatus(r.book, r.daemon, json) : null);
      } catch (err) {
        fail(err); // answered as an error; the CLI then reads the disk
      }
    }),
  );
}

export function liveStatus(book: Book, daemon: DaemonInfo, json: boolean, now = new Date()): string {
  if (json) return JSON.stringify(statusJson(book.state, daemon, now), null, 2) + '\n';
  return statusText(book.viewFacts ? book.viewFacts() : factsOf(book.state, book.recent), daemon, now);
}
