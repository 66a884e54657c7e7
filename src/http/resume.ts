// The event stream's resume rule and its wire format. Pure.
//
// Event ids are journal sequence numbers. A client that reconnects sends the last one it saw
// (Last-Event-ID, or ?since= for a first connection) and gets every entry after it, then the live
// feed. A client without one asks for a backlog (?tail=N, default none). A gap larger than
// MAX_REPLAY sends only the newest MAX_REPLAY entries and says so; an id beyond the journal's end
// (another run's journal, a reset .aura) resets the client's feed.

export const MAX_REPLAY = 1000;

export interface ResumeRequest {
  lastEventId: string | undefined;
  since: string | null;
  tail: string | null;
  currentSeq: number;
}

export interface ResumePlan {
  /** Replay entries with seq > after … */
  after: number;
  /**
   * … at most the newest `limit` of them: MAX_REPLAY, or 0 when there is nothing to replay. Not the
   * count missed: entries appended while the replay is read are part of it too.
   */
  limit: number;
  /** Some entries after the client's id are not replayed (more than MAX_REPLAY). */
  gap: boolean;
  /** The client's id is not from this journal: it should drop what it has. */
  reset: boolean;
}

const COUNT = /^\d{1,15}$/;

/** The plan, or a message saying which parameter is wrong. */
export function planResume(r: ResumeRequest): ResumePlan | { error: string } {
  const tailRaw = r.tail ?? '0';
  if (!COUNT.test(tailRaw)) return { error: `tail=${tailRaw.slice(0, 40)}: expected a whole number of journal entries (0–${MAX_REPLAY})` };
  const tail = Math.min(Number(tailRaw), MAX_REPLAY, r.currentSeq);
  const from = (after: number, gap: boolean, reset: boolean): ResumePlan => ({ after, limit: after < r.currentSeq ? MAX_REPLAY : 0, gap, reset });
  const idRaw = r.lastEventId !== undefined && r.lastEventId.trim() !== '' ? r.lastEventId.trim() : r.since;
  if (idRaw === null || idRaw === undefined) return from(r.currentSeq - tail, false, false);
  if (!COUNT.test(idRaw)) {
    return { error: `${r.lastEventId !== undefined ? 'Last-Event-ID' : 'since'} "${idRaw.slice(0, 40)}": expected a journal sequence number (a whole number)` };
  }
  const id = Number(idRaw);
  if (id > r.currentSeq) return from(r.currentSeq - tail, false, true);
  return from(id, r.currentSeq - id > MAX_REPLAY, false);
}

/** One server-sent event. `data` is JSON on one line (JSON.stringify escapes newlines in strings). */
export function sseFrame(event: string, data: unknown, id?: number): string {
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}
