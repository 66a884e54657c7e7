// What a planner tool is: a name, a description, a zod input schema (the JSON Schema the model sees
// is generated from it), and a run function. Read-only tools answer directly; tools that change the
// run return a proposal, which the pure core (src/core/proposals.ts) accepts or refuses.
import type { z } from 'zod';
import type { Proposal } from '../../core/proposals.js';

export interface ToolEnv {
  /** Absolute, resolved project root: file tools never leave it. */
  project: string;
  /** Most bytes read_file returns in one call. */
  readCapBytes: number;
  /** Most entries list_directory returns in one call. */
  listCapEntries: number;
}

export type ToolOutcome =
  | { kind: 'answer'; text: string; isError?: boolean }
  | { kind: 'proposal'; proposal: Proposal };

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  input: S;
  run(input: z.output<S>, env: ToolEnv): ToolOutcome | Promise<ToolOutcome>;
}

/** Keeps each tool file's generic types while listing them together. */
export function defineTool<S extends z.ZodObject>(t: ToolDef<S>): ToolDef<S> {
  return t;
}
