// A quick read of state.json for read-only views (aura status): JSON.parse and a shape check, no
// zod. The daemon validates every state it writes and writes atomically, so its own file can be
// trusted for display; anything that does not look right goes through the full, validating
// reader (readStateReadOnly) instead, which also explains a recovery.
import { readFileSync } from 'node:fs';
import type { Layout } from './layout.js';
import type { RunState } from './schema.js';
import { STATE_VERSION } from './version.js';

export function peekState(layout: Layout): RunState | null {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(layout.stateFile, 'utf8'));
  } catch {
    return null; // missing, mid-replace or damaged: the full reader says which
  }
  if (typeof value !== 'object' || value === null) return null;
  const s = value as Record<string, unknown>;
  const plausible =
    s.schemaVersion === STATE_VERSION &&
    typeof s.goal === 'string' &&
    typeof s.tasks === 'object' &&
    s.tasks !== null &&
    Array.isArray(s.roots) &&
    typeof s.createdAt === 'string' &&
    Object.values(s.tasks as object).every((t) => typeof t === 'object' && t !== null && Array.isArray((t as { attempts?: unknown }).attempts));
  return plausible ? (value as RunState) : null;
}
