// The one-line live status shown under the daemon's output on a terminal. Pure.
import { runTotals } from '../core/budget.js';
import { countedTasks } from '../core/tree.js';
import type { RunState } from '../store/schema.js';
import { duration, elapsedMs } from './format.js';
import { usageText } from './usage.js';

export function statusLine(state: RunState, d: { mode: string; nextWakeAt: string | null; now: Date }): string {
  const live = countedTasks(state);
  const done = live.filter((t) => t.status === 'done').length;
  const running = live.filter((t) => t.status === 'running' || t.status === 'verifying');
  const parts = [`aura ▸ ${done}/${live.length} done`];
  if (running.length) {
    const now = d.now.getTime();
    const names = running.slice(0, 3).map((t) => {
      const a = t.attempts[t.attempts.length - 1];
      return `${t.id} ${a ? duration(elapsedMs(a.startedAt, now)) : ''}`.trim();
    });
    parts.push(`running ${names.join(', ')}${running.length > 3 ? ` +${running.length - 3}` : ''}`);
  }
  const failed = live.filter((t) => t.status === 'failed' || t.status === 'blocked').length;
  if (failed) parts.push(`${failed} need attention`);
  const usage = usageText(runTotals(state));
  if (usage) parts.push(usage);
  if (state.pause) parts.push(`paused (${state.pause.kind})`);
  if (d.nextWakeAt && d.mode === 'sleeping') parts.push(`next wake ${d.nextWakeAt.slice(11, 19)} UTC`);
  else parts.push(d.mode);
  return parts.join(' · ');
}
