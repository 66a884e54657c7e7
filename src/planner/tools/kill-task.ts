import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

export const killTask = defineTool({
  name: 'kill_task',
  description: "Stop a running task's worker (its whole process tree). The task retries with backoff, or fails when out of attempts.",
  input: z.object({ task_id: taskId, reason }).strict(),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'kill', task: i.task_id, reason: i.reason } }),
});
