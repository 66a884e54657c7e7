// How setting values are written for people: masking secrets, and quoting values that would be
// ambiguous when printed bare. Shared by error messages, warnings and `aura config`.
import { type SettingKey, settingOf } from './schema.js';

/** Shorter secrets are shown only as "(set)": revealing 5 characters of them would reveal too much. */
const MIN_MASKABLE_LENGTH = 12;

/** First 3 characters + "…" + last 2, enough to tell two keys apart; never the whole secret. */
export function maskSecret(value: string): string {
  return value.length < MIN_MASKABLE_LENGTH ? '(set)' : `${value.slice(0, 3)}…${value.slice(-2)}`;
}

/** A typed or raw value for display; secrets are masked, unset values say so. */
export function displayValue(key: SettingKey, value: unknown): string {
  if (value === undefined) return '(unset)';
  const text = String(value);
  return settingOf(key).secret ? maskSecret(text) : text;
}

/** A raw value as it would appear after `KEY=` in a message; quoted when it holds anything unusual. */
export function displayRaw(key: SettingKey, raw: string): string {
  if (settingOf(key).secret) return maskSecret(raw);
  return /^[\w.,:/@+-]+$/.test(raw) ? raw : JSON.stringify(raw);
}
