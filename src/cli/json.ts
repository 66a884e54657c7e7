// The shapes of the commands' --json output, as exported zod schemas (status: src/progress/
// status-json.ts; history: an array of JournalEntry; config: ConfigJson in src/config/show.ts).
import { z } from 'zod';
import { JournalEntry } from '../store/schema.js';

/** `aura wake --json`: the daemon's acknowledgement. */
export const WakeJson = z.object({ ok: z.literal(true), pid: z.number().int().positive(), cycle: z.number().int(), startedAt: z.string() });

/** `aura kill|retry|pause|resume --json`: the daemon's answer. */
export const ControlJson = z.union([
  z.object({ ok: z.literal(true), pid: z.number().int().positive(), message: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** `aura history --json`: journal entries, oldest first. */
export const HistoryJson = z.array(JournalEntry);
