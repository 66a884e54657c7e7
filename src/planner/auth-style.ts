// Which header carries the API key. The SDK 1.x sends Authorization: Bearer with anthropic-version
// 2026-10-21; Anthropic-compatible endpoints (DeepSeek and others) expect X-Api-Key with 2023-06-01.
// Kept apart from the client so `aura doctor` can use it without loading the SDK.
import type { Config } from '../config/schema.js';

export type AuthStyle = 'bearer' | 'x-api-key';

export function authStyle(cfg: Pick<Config, 'AURA_API_AUTH_HEADER' | 'AURA_API_BASE_URL'>): AuthStyle {
  if (cfg.AURA_API_AUTH_HEADER !== 'auto') return cfg.AURA_API_AUTH_HEADER;
  return new URL(cfg.AURA_API_BASE_URL).hostname === 'api.anthropic.com' ? 'bearer' : 'x-api-key';
}
