// Applying what the core accepted from the model: one proposal at a time, through the cycle's own
// methods (transitions, spawns, stops), so the model's changes are journaled like any other.
import type { Config } from '../config/schema.js';
import { buildChildren, judgeProposal, type JudgeContext, type Proposal } from '../core/proposals.js';
import { descendants } from '../core/tree.js';
import type { TaskState } from '../store/schema.js';
import { deriveId, uniqueId } from '../taskfile/ids.js';
import * as mem from '../planner/memory.js';
import type { PlannerCycle } from './planner-port.js';

export interface ApplyHost {
  cycle: PlannerCycle;
  files: mem.MemoryFiles;
  cfg: Config;
  judge: JudgeContext;
}

export async function applyProposal(h: ApplyHost, p: Proposal, tool: string): Promise<{ ok: boolean; text: string }> {
  const state = h.cycle.state();
  const v = judgeProposal(state, p, h.judge);
  if (!v.ok) {
    h.cycle.journal({ kind: 'planner', ...('task' in p ? { task: p.task } : {}), msg: `refused ${tool}: ${v.message}`, data: { proposal: p } });
    return { ok: false, text: v.message };
  }
  switch (p.type) {
    case 'spawn': {
      const t = state.tasks[p.task] as TaskState;
      h.cycle.journal({ kind: 'decision', task: t.id, msg: `start ${t.id}: ${p.reason} (planner)` });
      await h.cycle.spawn(t);
      const after = h.cycle.state().tasks[t.id];
      return after?.status === 'running' ? { ok: true, text: `started ${t.id}` } : { ok: false, text: `${t.id} did not start: ${after?.reason ?? 'unknown'}` };
    }
    case 'kill':
      h.cycle.journal({ kind: 'decision', task: p.task, msg: `stop ${p.task}: ${p.reason} (planner)` });
      h.cycle.stop(p.task, `planner: ${p.reason}`);
      return { ok: true, text: `stopping ${p.task}; its attempt ends as killed` };
    case 'update':
      return applyUpdate(h, state.tasks[p.task] as TaskState, p);
    case 'decompose': {
      const parent = state.tasks[p.task] as TaskState;
      const { parent: withKids, created } = buildChildren(state, parent, p.children, new Date(), (title, taken) => uniqueId(deriveId(title), taken));
      for (const t of created) {
        h.cycle.setTask(t);
        h.cycle.journal({ kind: 'status', task: t.id, to: 'pending', msg: `created by the planner under ${parent.id}: ${p.reason}`, data: { task: t } });
      }
      h.cycle.put(withKids, parent.status === 'blocked' ? 'pending' : parent.status, `decomposed by the planner: ${p.reason}`);
      return { ok: true, text: `created ${created.map((t) => t.id).join(', ')} under ${parent.id}` };
    }
    case 'memory':
      return { ok: true, text: await mem.writeMemoryEntry(h.files, p.section, p.text, new Date(), h.cfg.AURA_MEMORY_MAX_CHARS) };
    case 'context':
      return { ok: true, text: await mem.updateProjectContextFile(h.files, p.fields) };
    case 'no_op':
      return { ok: true, text: 'ok' };
  }
}

function applyUpdate(h: ApplyHost, t: TaskState, p: Extract<Proposal, { type: 'update' }>): { ok: boolean; text: string } {
  const reason = `${p.reason} (planner${p.evidence ? `; evidence: ${p.evidence.slice(0, 300)}` : ''})`;
  const patch: Partial<TaskState> = p.notes ? { notes: `${t.notes}${t.notes ? '\n' : ''}Planner note: ${p.notes}` } : {};
  if (!p.status || p.status === t.status) {
    h.cycle.put(t, t.status, p.notes ? `notes added by the planner: ${p.reason}` : t.reason, patch);
    return { ok: true, text: p.status ? `${t.id} is already ${t.status}${p.notes ? '; notes added' : ''}` : `notes added to ${t.id}` };
  }
  if (p.status === 'archived') return cancel(h, t, reason);
  if (p.status === 'pending') Object.assign(patch, { notBefore: null });
  if (p.status === 'blocked') Object.assign(patch, { blockedBy: 'planner' });
  h.cycle.put(t, p.status, reason, patch);
  return { ok: true, text: `${t.id} is now ${p.status}` };
}

/** The planner cancels a task it made: it and everything under it are archived, workers stopped. */
function cancel(h: ApplyHost, t: TaskState, reason: string): { ok: boolean; text: string } {
  const state = h.cycle.state();
  const subtree = [t, ...descendants(state, t.id)].filter((x) => x.status !== 'archived');
  for (const x of subtree) {
    if (x.status === 'running' || x.status === 'verifying') h.cycle.stop(x.id, `cancelled by the planner${x.id === t.id ? '' : ` with ${t.id}`}`);
    h.cycle.put(x, 'archived', x.id === t.id ? `cancelled by the planner: ${reason}` : `cancelled by the planner with ${t.id}`, { notBefore: null });
  }
  // Out of its parent's children, so the parent is a leaf again if it was one.
  const parent = t.parent ? state.tasks[t.parent] : undefined;
  if (parent) h.cycle.put(parent, parent.status, parent.reason, { children: parent.children.filter((c) => c !== t.id) });
  return { ok: true, text: `cancelled ${subtree.map((x) => x.id).join(', ')}` };
}
