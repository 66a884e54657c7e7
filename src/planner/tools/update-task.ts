import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

export const updateTask = defineTool({
  name: 'update_task',
  description:
    'Change a task: reopen it (pending), block it, give up on it (failed), and/or add notes for its next worker. "done" is accepted only when aura\'s evidence gate has already passed: you cannot mark a task done yourself.',
  input: z
    .object({
      task_id: taskId,
      status: z.enum(['pending', 'blocked', 'failed', 'done']).optional().describe('New status; leave out to only add notes.'),
      reason,
      evidence: z.string().max(2000).optional().describe('What you saw that supports this change (paths, outputs).'),
      notes: z.string().max(4000).optional().describe("Appended to the task's notes; the next worker's brief includes them."),
    })
    .strict(),
  run: (i) => ({
    kind: 'proposal',
    proposal: {
      type: 'update',
      task: i.task_id,
      reason: i.reason,
      ...(i.status ? { status: i.status } : {}),
      ...(i.evidence ? { evidence: i.evidence } : {}),
      ...(i.notes ? { notes: i.notes } : {}),
    },
  }),
});
