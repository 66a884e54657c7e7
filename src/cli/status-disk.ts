// `aura status` read from disk, for when no live daemon answers (src/cli/status.ts asks it first).
// Text: the status cache the daemon wrote when it stopped, when it provably matches the files it was
// made from (store/status-cache.ts); else state.json and the journal. Kept free of zod on the common
// path (see store/state-peek.ts): aura status must start fast.
import { factsOf, type ViewFacts } from '../progress/facts.js';
import { factsFromDigest } from '../progress/status-digest.js';
import { statusText } from '../progress/status-text.js';
import { readJournalTail } from '../store/journal-read.js';
import type { Layout } from '../store/layout.js';
import { readStatusCache } from '../store/status-cache.js';
import { peekState } from '../store/state-peek.js';
import type { RunState } from '../store/schema.js';
import { AuraError } from '../util/errors.js';
import { daemonInfo } from './daemon-info.js';

async function loadState(layout: Layout, project: string): Promise<RunState> {
  const quick = peekState(layout);
  if (quick) return quick;
  const { readStateReadOnly } = await import('../store/state-store.js');
  const { state, recovery } = await readStateReadOnly(layout);
  if (!state) throw new AuraError('NO_DAEMON', `no aura run in ${project} (no .aura/state/state.json)`, 'start one with `aura <task-file>`');
  if (recovery) process.stderr.write(`aura: note: ${recovery.reason}\n`);
  return state;
}

/** The stopped run's facts from the status cache, or null (none, out of date, damaged: read the run instead). */
function cachedFacts(layout: Layout): ViewFacts | null {
  const body = readStatusCache(layout);
  if (body === null) return null;
  try {
    return factsFromDigest(JSON.parse(body));
  } catch {
    return null;
  }
}

/** `daemonAlive`: a daemon holds the lock (it did not answer `status`): the cache is not for it. */
export async function statusFromDisk(layout: Layout, project: string, json: boolean, daemonAlive: boolean): Promise<string> {
  const now = new Date();
  if (!json && !daemonAlive) {
    const facts = cachedFacts(layout);
    if (facts) {
      try {
        return statusText(facts, await daemonInfo(layout, facts.doneAt), now);
      } catch {
        // A cache that parses but does not render is damaged: the run itself answers below.
      }
    }
  }
  const state = await loadState(layout, project);
  const daemon = await daemonInfo(layout, state.doneAt);
  if (json) {
    const { statusJson } = await import('../progress/status-json.js');
    return JSON.stringify(statusJson(state, daemon, now), null, 2) + '\n';
  }
  return statusText(factsOf(state, await readJournalTail(layout.journalFile, 40)), daemon, now);
}
