import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

export const spawnTask = defineTool({
  name: 'spawn_task',
  description:
    'Start a worker on a ready pending leaf task. aura enforces concurrency, budgets and backoff. Done comes only from the evidence gate.',
  input: z.object({ task_id: taskId, reason }).strict(),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'spawn', task: i.task_id, reason: i.reason } }),
});
