import { z } from 'zod';
import { defineTool } from './types.js';

const field = (what: string) => z.string().max(2000).optional().describe(what);

export const updateProjectContext = defineTool({
  name: 'update_project_context',
  description: 'Merge facts about the project into its context (shown every cycle). Only given fields change; "" clears one.',
  input: z
    .object({
      summary: field('What the project is'),
      stack: field('Languages, frameworks, tools'),
      commands: field('How to build, test and run it'),
      conventions: field('Conventions the work must follow'),
      constraints: field('Limits and things not to do'),
      notes: field('Anything else'),
    })
    .strict()
    .refine((o) => Object.values(o).some((v) => v !== undefined), { message: 'give at least one field' }),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'context', fields: i } }),
});
