import { z } from 'zod';
import { defineTool } from './types.js';

export const writeMemory = defineTool({
  name: 'write_memory',
  description:
    'Remember something: facts, lessons, decisions (MEMORY.md, kept for the run) or session (short-term notes).',
  input: z
    .object({
      section: z.enum(['facts', 'lessons', 'decisions', 'session']),
      text: z.string().min(1).max(2000),
    })
    .strict(),
  run: (i) => ({ kind: 'proposal', proposal: { type: 'memory', section: i.section, text: i.text } }),
});
