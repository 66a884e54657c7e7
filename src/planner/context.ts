// What the model reads each cycle. Pure: the host gathers the facts, this lays them out.
//
// A stable prefix first, cached with cache_control breakpoints (tools; system prompt + goal + project
// context; the task tree's structure), then the per-cycle delta as the one user message: what changed,
// task statuses, worker digests, the task.md diff, memory. The structure carries no statuses, so a
// cycle where only statuses move reads the whole prefix from the cache. Both parts are bounded
// whatever the tree's size: finished subtrees collapse to one line, long lists end in "… N more".
import type { RunState, TaskState } from '../store/schema.js';
import type { ProjectContextFields } from '../core/proposals.js';
import { countedAttempts, countedTasks, depsVerdict, effectiveStatus, GOAL_ID, isLeaf } from '../core/tree.js';
import { SYSTEM_PROMPT } from './prompt.js';
import type { ApiTool } from './tools/index.js';

export const LIMITS = {
  treeLines: 150,
  changeLines: 30,
  statusLines: 40,
  workerLines: 8,
  diffChars: 3000,
  contextChars: 4000,
  memoryChars: 6000,
};

export interface WorkerDigest {
  task: string;
  worker: string;
  attempt: number;
  elapsedS: number;
  lastOutputAgoS: number | null;
  events: number;
  toolCalls: number;
  tokens: number | null;
  costUsd: number | null;
  lastText: string | null;
  resources: string | null;
  stallSuspected: boolean;
}

export interface DeltaInput {
  now: Date;
  cycle: number;
  wakeReasons: string[];
  changes: string[];
  taskFileDiff: string | null;
  workers: WorkerDigest[];
  memory: string;
  session: string;
  review: string | null;
  /** Tool results from the end of the last cycle the model never saw (rounds ran out). */
  unseen: string[];
  spend: string;
  limits: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The goal, task.md's context and the project context: changes only when those do. */
export function projectBlock(state: RunState, ctx: ProjectContextFields): string {
  const out = [`# Goal\n${state.goal}`];
  if (state.context.trim()) out.push(`# Context from task.md\n${clip(state.context.trim(), LIMITS.contextChars)}`);
  const fields = Object.entries(ctx).filter(([, v]) => typeof v === 'string' && v.trim());
  if (fields.length) out.push(`# Project context (yours, via update_project_context)\n${fields.map(([k, v]) => `${k}: ${clip(v as string, 1000)}`).join('\n')}`);
  return out.join('\n\n');
}

function subtreeDone(state: RunState, t: TaskState): boolean {
  if (t.status !== 'done' && t.status !== 'archived') return false;
  return t.children.every((c) => !state.tasks[c] || subtreeDone(state, state.tasks[c] as TaskState));
}

function subtreeSize(state: RunState, t: TaskState): number {
  return 1 + t.children.reduce((n, c) => n + (state.tasks[c] && state.tasks[c].status !== 'archived' ? subtreeSize(state, state.tasks[c] as TaskState) : 0), 0);
}

function describeSpec(t: TaskState): string {
  const bits: string[] = [];
  if (t.needs.length) bits.push(`needs ${t.needs.join(', ')}`);
  if (t.run) bits.push(`run: ${clip(oneLine(t.run), 80)}`);
  if (t.worker) bits.push(`worker: ${t.worker}`);
  if (t.produces.length) bits.push(`produces: ${t.produces.slice(0, 4).join(', ')}${t.produces.length > 4 ? ', …' : ''}`);
  if (t.verify) bits.push(`verify: ${clip(oneLine(t.verify), 60)}`);
  if (t.id === GOAL_ID) bits.push(t.children.length ? 'the goal itself: the root; decompose it to add top-level tasks' : 'the goal itself: the one task until decomposed');
  if (t.origin === 'planner') bits.push('added by the planner');
  if (t.origin === 'aura') bits.push('added by aura');
  return bits.length ? ` (${bits.join('; ')})` : '';
}

/** The task tree's structure: ids, titles, specs, nesting. No statuses (they are in the delta). */
export function treeBlock(state: RunState, maxDepth = Infinity): string {
  const lines: string[] = [];
  const walk = (id: string, depth: number) => {
    const t = state.tasks[id];
    if (!t || t.status === 'archived') return;
    const pad = '  '.repeat(depth);
    const live = t.children.filter((c) => state.tasks[c] && state.tasks[c].status !== 'archived');
    if (live.length && subtreeDone(state, t)) {
      lines.push(`${pad}- ${t.id}: ${clip(t.title, 100)} [finished group: ${subtreeSize(state, t)} tasks, all done]`);
      return;
    }
    lines.push(`${pad}- ${t.id}: ${clip(t.title, 100)}${describeSpec(t)}`);
    if (depth + 1 > maxDepth && live.length) {
      lines.push(`${pad}  - … ${subtreeSize(state, t) - 1} subtasks not shown`);
      return;
    }
    for (const c of live) walk(c, depth + 1);
  };
  for (const r of state.roots) walk(r, 0);
  if (lines.length > LIMITS.treeLines && maxDepth > 0) return treeBlock(state, Math.min(maxDepth, 8) - 1);
  const shown = lines.slice(0, LIMITS.treeLines);
  if (lines.length > shown.length) shown.push(`- … ${lines.length - shown.length} more lines`);
  return `# Task tree (structure; statuses are in the cycle message)\n${shown.join('\n')}`;
}

function statusLine(state: RunState, t: TaskState, now: Date): string {
  const shown = effectiveStatus(state, t);
  let s = `- ${t.id}: ${shown}${shown !== t.status ? ' (a subtask is)' : ''}`;
  if (t.status === 'pending' && isLeaf(t)) {
    const d = depsVerdict(state, t);
    if (d.kind === 'waiting') s += ` (waits for ${d.on})`;
    else if (t.notBefore && new Date(t.notBefore) > now) s += ` (backing off until ${t.notBefore.slice(11, 19)})`;
    else if (d.kind === 'ready') s += ' (ready)';
  }
  const n = countedAttempts(t);
  if (n) s += `, attempts ${n}`;
  if (t.reason && t.status !== 'pending') s += ` — ${clip(oneLine(t.reason), 160)}`;
  return s;
}

const STATUS_ORDER: Record<string, number> = { running: 0, verifying: 1, failed: 2, blocked: 3, pending: 4 };

function statusSection(state: RunState, now: Date): string {
  const live = countedTasks(state);
  const rank = (t: TaskState) => STATUS_ORDER[effectiveStatus(state, t)] ?? 9;
  const open = live.filter((t) => t.status !== 'done').sort((a, b) => rank(a) - rank(b));
  const lines = open.slice(0, LIMITS.statusLines).map((t) => statusLine(state, t, now));
  if (open.length > lines.length) lines.push(`- … ${open.length - lines.length} more open tasks`);
  const done = live.length - open.length;
  return `## Tasks: ${done} of ${live.length} done${open.length ? '; open ones:' : ''}\n${lines.join('\n')}`.trimEnd();
}

function workerSection(ws: WorkerDigest[]): string | null {
  if (!ws.length) return null;
  const lines = ws.slice(0, LIMITS.workerLines).map((w) => {
    const bits = [`${w.worker}, attempt ${w.attempt}, ${Math.round(w.elapsedS)}s`];
    bits.push(w.lastOutputAgoS === null ? 'no output yet' : `last output ${Math.round(w.lastOutputAgoS)}s ago`);
    if (w.events) bits.push(`${w.events} events, ${w.toolCalls} tool calls`);
    if (w.tokens !== null) bits.push(`${w.tokens} tokens${w.costUsd !== null ? ` $${w.costUsd.toFixed(4)}` : ''}`);
    if (w.resources) bits.push(w.resources);
    if (w.stallSuspected) bits.push('STALL SUSPECTED');
    const said = w.lastText ? `\n  last said: ${clip(oneLine(w.lastText), 200)}` : '';
    return `- ${w.task} (${bits.join('; ')})${said}`;
  });
  return `## Running workers\n${lines.join('\n')}`;
}

function bounded(title: string, items: string[], max: number): string | null {
  if (!items.length) return null;
  const shown = items.slice(-max);
  const more = items.length > shown.length ? [`- … ${items.length - shown.length} earlier changes not shown (see the journal)`] : [];
  return `## ${title}\n${[...more, ...shown.map((c) => `- ${clip(oneLine(c), 240)}`)].join('\n')}`;
}

/** The per-cycle message. */
export function deltaMessage(state: RunState, d: DeltaInput): string {
  const parts: (string | null)[] = [
    `# Cycle ${d.cycle}, ${d.now.toISOString().slice(0, 19)}Z\nWoken by: ${clip(d.wakeReasons.join('; ') || 'heartbeat', 400)}\n${d.spend}\n${d.limits}`,
    d.unseen.length ? `## Results of your last calls you did not see\n${d.unseen.map((u) => `- ${clip(oneLine(u), 300)}`).join('\n')}` : null,
    bounded('Changes since your last cycle', d.changes, LIMITS.changeLines),
    d.taskFileDiff ? `## task.md changed (diff against the version you last saw)\n\`\`\`diff\n${clip(d.taskFileDiff, LIMITS.diffChars)}\n\`\`\`` : null,
    statusSection(state, d.now),
    workerSection(d.workers),
    d.review ? `## Recommendations from the last review (shown once)\n${clip(d.review, 3000)}` : null,
    d.memory ? `## MEMORY.md\n${clip(d.memory, LIMITS.memoryChars)}` : null,
    d.session ? `## Session notes\n${d.session}` : null,
    'Decide with the tools. Call no_op if nothing needs doing.',
  ];
  return parts.filter((p): p is string => !!p).join('\n\n');
}

export interface Request {
  system: { type: 'text'; text: string; cache_control?: { type: 'ephemeral' } }[];
  tools: (ApiTool & { cache_control?: { type: 'ephemeral' } })[];
  messages: { role: 'user' | 'assistant'; content: unknown }[];
}

const CACHE = { type: 'ephemeral' } as const;

/** Tools, system prompt + project, and the tree each end in a cache breakpoint (3 of the 4 allowed). */
export function stablePrefix(state: RunState, tools: ApiTool[], ctx: ProjectContextFields): Pick<Request, 'system' | 'tools'> {
  return {
    tools: tools.map((t, i) => (i === tools.length - 1 ? { ...t, cache_control: CACHE } : t)),
    system: [
      { type: 'text', text: SYSTEM_PROMPT },
      { type: 'text', text: projectBlock(state, ctx), cache_control: CACHE },
      { type: 'text', text: treeBlock(state), cache_control: CACHE },
    ],
  };
}
