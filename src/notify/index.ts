// The notifications module's public face; the daemon imports from here only.
export { ATTENTION_KINDS, isAttentionKind, parseKinds, type AttentionEvent, type AttentionKind, type EventBase } from './events.js';
export { MESSAGE_MAX, eventPayload, messageFor, slackEscape, webhookPayload } from './message.js';
export { NOTIFY_SETTINGS_DOC, TRANSPORTS, selectTransports, transportEnabled, type NotifyConfig, type NotifySettingDoc, type TransportName } from './settings.js';
export { DEFAULT_TIMEOUTS, MAX_PENDING, Notifier, type NotifierDeps, type NotifyTimeouts } from './notifier.js';
