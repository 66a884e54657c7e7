import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

export const spawnTask = defineTool({
  name: 'spawn_task',
  description:
    'Start a worker on a pending leaf task whose dependencies are done. aura checks the concurrency limit, budgets and backoff, and refuses otherwise. The task becomes done only when its evidence passes (clean exit, artifacts, verify).',
  input: z.object({ task_id: taskId, reason }).strict(),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'spawn', task: i.task_id, reason: i.reason } }),
});
