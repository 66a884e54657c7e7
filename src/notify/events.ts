// The moments when aura needs a person, as plain data: what the daemon hands to Notifier.notify().
// Facts only (ids, titles, reasons, figures); the words a person reads are made in message.ts.

/** Every attention event kind, in the order they are documented. */
export const ATTENTION_KINDS = [
  'goal_done',
  'task_failed',
  'task_blocked',
  'budget_reached',
  'watchdog_kill',
  'safe_mode',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** Common to every event. */
export interface EventBase {
  /** Project name (or directory) the event belongs to; people may run several daemons. */
  project: string;
  /** When it happened, ISO 8601. */
  at: string;
}

export type AttentionEvent = EventBase &
  (
    | { kind: 'goal_done'; goal: string; tasks: number; durationMs: number; costUsd: number | null }
    | { kind: 'task_failed'; taskId: string; title: string; reason: string }
    | { kind: 'task_blocked'; taskId: string; title: string; reason: string }
    | { kind: 'budget_reached'; reason: string }
    | { kind: 'watchdog_kill'; taskId: string; title: string; message: string }
    | { kind: 'safe_mode'; reason: string }
  );

export function isAttentionKind(s: string): s is AttentionKind {
  return (ATTENTION_KINDS as readonly string[]).includes(s);
}

/**
 * A comma list of kinds as written in a setting ("task_failed, goal_done"), split into known kinds
 * (deduplicated, in the order given) and the words that are not kinds, so the caller can refuse or
 * warn about them instead of silently notifying less than the user asked for.
 */
export function parseKinds(list: string): { kinds: AttentionKind[]; unknown: string[] } {
  const kinds: AttentionKind[] = [];
  const unknown: string[] = [];
  for (const raw of list.split(',')) {
    const w = raw.trim().toLowerCase();
    if (w === '') continue;
    if (!isAttentionKind(w)) unknown.push(raw.trim());
    else if (!kinds.includes(w)) kinds.push(w);
  }
  return { kinds, unknown };
}
