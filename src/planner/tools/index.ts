// The planner's tools, in the order the model sees them, and the one place a model's tool call is
// parsed: an unknown tool or an input that does not validate becomes an is_error result naming the
// problem, and the cycle goes on.
import { z } from 'zod';
import { decomposeTask } from './decompose-task.js';
import { killTask } from './kill-task.js';
import { noOp } from './no-op.js';
import { spawnTask } from './spawn-task.js';
import type { ToolDef, ToolEnv, ToolOutcome } from './types.js';
import { updateProjectContext } from './update-project-context.js';
import { updateTask } from './update-task.js';
import { writeMemory } from './write-memory.js';
import { readFile } from './read-file.js';
import { listDirectory } from './list-directory.js';

export const TOOLS: readonly ToolDef[] = [
  spawnTask,
  killTask,
  updateTask,
  decomposeTask,
  readFile,
  listDirectory,
  writeMemory,
  updateProjectContext,
  noOp,
] as unknown as readonly ToolDef[];

export interface ApiTool {
  name: string;
  description: string;
  input_schema: { type: 'object'; [k: string]: unknown };
}

// Length and count limits are enforced on every call (an over-long input gets an error result) but
// are left out of what the model reads: they cost tokens on every request and rarely matter.
const QUIET_KEYS = new Set(['$schema', 'minLength', 'maxLength', 'minItems', 'maxItems', 'default']);

function compact(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compact);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` maps names to schemas: its keys are field names, never schema keywords.
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as object).map(([n, s]) => [n, compact(s)]));
    else if (QUIET_KEYS.has(k)) continue;
    // zod writes the safe-integer range on every integer: no information, only tokens.
    else if ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) === Number.MAX_SAFE_INTEGER) continue;
    else out[k] = compact(v);
  }
  return out;
}

let builtIn: ApiTool[] | null = null;

/** The JSON Schema the model sees: zod's input form, compacted (built once for the shipped tools). */
export function apiTools(tools: readonly ToolDef[] = TOOLS): ApiTool[] {
  if (tools === TOOLS) return (builtIn ??= schemasOf(TOOLS));
  return schemasOf(tools);
}

function schemasOf(tools: readonly ToolDef[]): ApiTool[] {
  return tools.map((t) => {
    const schema = compact(z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' })) as Record<string, unknown>;
    return { name: t.name, description: t.description, input_schema: { ...schema, type: 'object' } };
  });
}

/** A zod issue's path as the model wrote it: `children[0].title`, `(input)` for the whole input. */
function fieldPath(p: readonly PropertyKey[]): string {
  if (!p.length) return '(input)';
  return p.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('');
}

/** One line per problem: `children[0].title: expected string, received number`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 8)
    .map((i) => `${fieldPath(i.path)}: ${i.message}`)
    .join('; ');
}

export async function dispatchTool(name: string, input: unknown, env: ToolEnv, tools: readonly ToolDef[] = TOOLS): Promise<ToolOutcome> {
  const tool = tools.find((t) => t.name === name);
  if (!tool) return { kind: 'answer', isError: true, text: `unknown tool "${String(name).slice(0, 80)}"; the tools are ${tools.map((t) => t.name).join(', ')}` };
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return { kind: 'answer', isError: true, text: `invalid input for ${name}: ${describeZodError(parsed.error)}` };
  try {
    return await tool.run(parsed.data, env);
  } catch (err) {
    return { kind: 'answer', isError: true, text: `${name} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}
