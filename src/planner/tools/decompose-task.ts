import { z } from 'zod';
import { defineTool } from './types.js';
import { reason, taskId } from './fields.js';

const child = z
  .object({
    id: taskId.optional().describe('Optional id for the child (other children may name it in needs); derived from the title when left out.'),
    title: z.string().min(1).max(200).describe('What the child task achieves, in a short sentence.'),
    acceptance: z.string().min(1).max(2000).describe('How to tell it is done, in words; the worker sees it.'),
    produces: z.array(z.string().min(1).max(300)).max(20).default([]).describe('Artifact paths relative to the project root that must exist, non-empty and changed, for the task to count as done.'),
    verify: z.string().min(1).max(2000).optional().describe('Shell command run from the project root; exit 0 means the work is verified.'),
    needs: z.array(taskId).max(20).default([]).describe('Ids of tasks (existing or siblings in this call) that must be done first.'),
    run: z.string().min(1).max(4000).optional().describe('Shell command that does the work; without it the configured agent CLI does the task from its brief.'),
    worker: z.string().min(1).max(40).optional().describe('Worker for this task: shell, claude, codex, opencode, gemini or custom; default: the configured backend.'),
    budget_minutes: z.number().positive().max(1440).optional().describe('Wall-clock limit of one attempt, in minutes.'),
  })
  .strict();

export const decomposeTask = defineTool({
  name: 'decompose_task',
  description:
    'Split a pending task (for a goal with no checklist: the goal task) into child tasks, each with acceptance criteria, artifacts, a verify command and dependencies. The parent becomes a group that aura checks once every child is done.',
  input: z.object({ task_id: taskId.describe('The task to split.'), children: z.array(child).min(1).max(20), reason }).strict(),
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
