// What a person reads: one line per event, short enough for a desktop bubble or a phone lock screen.
// The project comes first because people run several daemons and read these out of context.
import { clip, duration, plural } from '../progress/format.js';
import type { AttentionEvent } from './events.js';

/** Longest message, in characters (code points). */
export const MESSAGE_MAX = 300;

// Titles and reasons come from task.md and worker output: one line each, and short enough that the
// reason (the part that says what to do) still fits after a long title.
const TITLE_MAX = 80;

function task(id: string, title: string): string {
  const t = clip(title, TITLE_MAX);
  return t === '' || t === id ? id : `${id} "${t}"`;
}

function money(usd: number | null): string {
  return usd === null ? '' : `, $${usd.toFixed(2)}`;
}

/** The one-line human message for an event, at most MESSAGE_MAX characters. */
export function messageFor(e: AttentionEvent): string {
  let body: string;
  switch (e.kind) {
    case 'goal_done':
      body = `goal done: ${clip(e.goal, TITLE_MAX)} (${plural(e.tasks, 'task')} in ${duration(e.durationMs)}${money(e.costUsd)})`;
      break;
    case 'task_failed':
      body = `task ${task(e.taskId, e.title)} failed: ${e.reason}`;
      break;
    case 'task_blocked':
      body = `task ${task(e.taskId, e.title)} is blocked: ${e.reason}`;
      break;
    case 'budget_reached':
      body = `run budget reached, starting nothing new: ${e.reason}`;
      break;
    case 'watchdog_kill':
      body = `watchdog stopped task ${task(e.taskId, e.title)}: ${e.message}`;
      break;
    case 'safe_mode':
      body = `aura is in safe mode: ${e.reason}`;
      break;
    default: {
      // A new kind must get its own words here; the compiler points at this line until it does.
      const never: never = e;
      body = String((never as { kind: unknown }).kind);
    }
  }
  return clip(`[${clip(e.project, TITLE_MAX)}] ${body}`, MESSAGE_MAX);
}

/**
 * Slack reads `<…>` in `text` as links and mentions (`<!channel>` pages everyone) and `&` as the
 * start of an entity, so those three are escaped as Slack documents. Titles and reasons are partly
 * worker output, which must not be able to ping a channel.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The event as JSON-ready data, `{event, project, at, text, ...facts}`: what a user command reads on stdin. */
export function eventPayload(e: AttentionEvent): Record<string, unknown> {
  const { kind, project, at, ...facts } = e;
  return { event: kind, project, at, text: messageFor(e), ...facts };
}

/** The webhook body: eventPayload with `text` escaped for Slack (the facts stay as they are). */
export function webhookPayload(e: AttentionEvent): Record<string, unknown> {
  const p = eventPayload(e);
  return { ...p, text: slackEscape(String(p.text)) };
}
