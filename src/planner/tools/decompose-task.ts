import { z } from 'zod';
import { BACKENDS } from '../../config/schema.js';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

const child = z
  .object({
    id: z.string().min(1).max(64).optional().describe('Default: derived from the title.'),
    title: z.string().min(1).max(200),
    acceptance: z.string().min(1).max(2000).describe('How to tell it is done; the worker sees it.'),
    produces: z.array(z.string().min(1).max(300)).max(20).default([]).describe('Paths (project-relative) that must exist, non-empty and changed.'),
    verify: z.string().min(1).max(2000).optional().describe('Shell command; exit 0 = verified.'),
    needs: z.array(taskId).max(20).default([]).describe('Task or sibling ids to finish first.'),
    run: z.string().min(1).max(4000).optional().describe('Shell command doing the work; default: the agent CLI works from its brief.'),
    worker: z.enum(BACKENDS).optional(),
    budget_minutes: z.number().positive().max(1440).optional().describe('Time limit per attempt.'),
  })
  .strict();

export const decomposeTask = defineTool({
  name: 'decompose_task',
  description:
    'Split a pending task (with no checklist: the goal task) into children with acceptance criteria, artifacts, verify and needs. The parent becomes a group, done when all children are.',
  input: z.object({ task_id: taskId, children: z.array(child).min(1).max(20), reason }).strict(),
  run: (i) => ({
    kind: 'proposal',
    proposal: {
      type: 'decompose',
      task: i.task_id,
      reason: i.reason,
      children: i.children.map((c) => ({
        ...(c.id ? { id: c.id } : {}),
        title: c.title,
        acceptance: c.acceptance,
        produces: c.produces,
        ...(c.verify ? { verify: c.verify } : {}),
        needs: c.needs,
        ...(c.run ? { run: c.run } : {}),
        ...(c.worker ? { worker: c.worker } : {}),
        ...(c.budget_minutes ? { budgetMinutes: c.budget_minutes } : {}),
      })),
    },
  }),
});
