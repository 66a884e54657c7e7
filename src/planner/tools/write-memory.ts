import { z } from 'zod';
import { defineTool } from './types.js';

export const writeMemory = defineTool({
  name: 'write_memory',
  description:
    'Record something worth remembering. facts, lessons and decisions go to memory/MEMORY.md (kept across the run, older entries archived when it grows); session is a short-term note for your next cycles.',
  input: z
    .object({
      section: z.enum(['facts', 'lessons', 'decisions', 'session']),
      text: z.string().min(1).max(2000).describe('One entry, in a sentence or two.'),
    })
    .strict(),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'memory', section: i.section, text: i.text } }),
});
