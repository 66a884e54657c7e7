// The notifier's settings, read from aura's configuration.
import type { Config } from '../config/schema.js';
import type { AttentionKind } from './events.js';
import type { NotifyConfig } from './settings.js';

export function notifyConfigFrom(c: Config): NotifyConfig {
  const kinds = (v: readonly string[] | undefined) => v as readonly AttentionKind[] | undefined;
  return {
    webhookUrl: c.AURA_NOTIFY_WEBHOOK_URL,
    command: c.AURA_NOTIFY_COMMAND,
    desktop: c.AURA_NOTIFY_DESKTOP,
    events: c.AURA_NOTIFY_EVENTS as readonly AttentionKind[],
    webhookEvents: kinds(c.AURA_NOTIFY_WEBHOOK_EVENTS),
    desktopEvents: kinds(c.AURA_NOTIFY_DESKTOP_EVENTS),
    commandEvents: kinds(c.AURA_NOTIFY_COMMAND_EVENTS),
  };
}
