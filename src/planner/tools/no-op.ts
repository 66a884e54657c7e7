import { z } from 'zod';
import { defineTool } from './types.js';
import { reason } from './fields.js';

export const noOp = defineTool({
  name: 'no_op',
  description: 'Nothing to do now.',
  input: z
    .object({
      reason,
      wake_after_seconds: z.number().int().min(10).max(86400).optional().describe('Wake me then even if nothing changes.'),
    })
    .strict(),
  run: (i) => ({
    kind: 'proposal',
    proposal: { type: 'no_op', reason: i.reason, ...(i.wake_after_seconds ? { wakeAfterSeconds: i.wake_after_seconds } : {}) },
  }),
});
