import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

export const updateTask = defineTool({
  name: 'update_task',
  description:
    'Reopen (pending), block or fail a task, cancel one you created (archived: it and its subtasks, workers stopped), and/or add notes for its next worker. You cannot mark a task done: only the evidence gate can.',
  input: z
    .object({
      task_id: taskId,
      status: z.enum(['pending', 'blocked', 'failed', 'done', 'archived']).optional().describe('Leave out to only add notes.'),
      reason,
      evidence: z.string().max(2000).optional().describe('What supports this change.'),
      notes: z.string().max(4000).optional().describe("Added to the next worker's brief."),
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
