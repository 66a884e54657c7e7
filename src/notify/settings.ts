// Which transports are on and which events each one gets. The daemon's config (src/config/schema.ts)
// owns parsing and validation; this is the typed shape the Notifier needs, plus the documentation of
// the keys so they can be declared there with the same words.
import { ATTENTION_KINDS, type AttentionKind } from './events.js';

export type TransportName = 'webhook' | 'desktop' | 'command';
export const TRANSPORTS: readonly TransportName[] = ['webhook', 'desktop', 'command'];

export interface NotifyConfig {
  /** AURA_NOTIFY_WEBHOOK_URL; undefined turns the webhook off. */
  webhookUrl: string | undefined;
  /** AURA_NOTIFY_COMMAND; undefined turns the command off. */
  command: string | undefined;
  /** AURA_NOTIFY_DESKTOP. */
  desktop: boolean;
  /** AURA_NOTIFY_EVENTS: the kinds every transport gets unless its own list says otherwise. */
  events: readonly AttentionKind[];
  /** AURA_NOTIFY_WEBHOOK_EVENTS / _DESKTOP_EVENTS / _COMMAND_EVENTS; undefined = use `events`. */
  webhookEvents?: readonly AttentionKind[] | undefined;
  desktopEvents?: readonly AttentionKind[] | undefined;
  commandEvents?: readonly AttentionKind[] | undefined;
}

/** Whether a transport is configured at all (desktop may still turn out to have no notifier). */
export function transportEnabled(c: NotifyConfig, t: TransportName): boolean {
  switch (t) {
    case 'webhook':
      return c.webhookUrl !== undefined && c.webhookUrl !== '';
    case 'command':
      return c.command !== undefined && c.command !== '';
    case 'desktop':
      return c.desktop;
  }
}

function eventsFor(c: NotifyConfig, t: TransportName): readonly AttentionKind[] {
  const own = t === 'webhook' ? c.webhookEvents : t === 'desktop' ? c.desktopEvents : c.commandEvents;
  return own ?? c.events;
}

/** The configured transports that should carry an event of this kind, in a fixed order. */
export function selectTransports(c: NotifyConfig, kind: AttentionKind): TransportName[] {
  return TRANSPORTS.filter((t) => transportEnabled(c, t) && eventsFor(c, t).includes(kind));
}

const ALL = ATTENTION_KINDS.join(',');
const PER = (what: string) =>
  `Attention events the ${what} gets, a comma-separated list (same words as AURA_NOTIFY_EVENTS); unset uses AURA_NOTIFY_EVENTS.`;

export interface NotifySettingDoc {
  key: string;
  /** As written in a config file; undefined = unset by default. */
  default: string | undefined;
  description: string;
  /** The src/config/kinds.ts builder that fits, for whoever declares the key. */
  kind: string;
  secret?: true;
}

/** The keys to declare in src/config/schema.ts (a "Notifications" group). */
export const NOTIFY_SETTINGS_DOC: readonly NotifySettingDoc[] = [
  {
    key: 'AURA_NOTIFY_WEBHOOK_URL',
    default: undefined,
    description:
      'URL that gets a JSON POST ({event, project, at, text, ...facts}; Slack incoming webhooks show `text`) when something needs a person; unset turns it off.',
    kind: 'optional(httpUrl())',
    // Slack and similar webhook URLs are bearer credentials: anyone holding one can post.
    secret: true,
  },
  {
    key: 'AURA_NOTIFY_COMMAND',
    default: undefined,
    description:
      'Command run with /bin/sh -c for each notification, with the event as JSON on stdin and AURA_EVENT, AURA_EVENT_TEXT in its environment (10 s limit); unset turns it off.',
    kind: "optional(line('a command'))",
  },
  {
    key: 'AURA_NOTIFY_DESKTOP',
    default: 'false',
    description: 'Whether to show desktop notifications (notify-send on Linux, osascript on macOS) (true or false).',
    kind: 'boolean()',
  },
  {
    key: 'AURA_NOTIFY_EVENTS',
    default: ALL,
    description: `Attention events that notify, a comma-separated list of ${ATTENTION_KINDS.join(', ')}.`,
    kind: "commaList('event names')",
  },
  { key: 'AURA_NOTIFY_WEBHOOK_EVENTS', default: undefined, description: PER('webhook'), kind: "optional(commaList('event names'))" },
  { key: 'AURA_NOTIFY_DESKTOP_EVENTS', default: undefined, description: PER('desktop notification'), kind: "optional(commaList('event names'))" },
  { key: 'AURA_NOTIFY_COMMAND_EVENTS', default: undefined, description: PER('command'), kind: "optional(commaList('event names'))" },
];
