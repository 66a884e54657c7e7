// `aura logs <task>`: a worker's own output for the task's latest attempt — stdout.log, stderr.log, or
// output.jsonl rendered as readable lines — and with -f, followed live from one attempt to the next.
// Reading the capped files is workers/capped-read.ts; following them is logs-follow.ts.
import path from 'node:path';
import { pickAttempt } from '../progress/task-view.js';
import { AuraError } from '../util/errors.js';
import { LOG_FILE, readLog, withNewline, type LogKind } from '../workers/capped-read.js';
import { follow } from './logs-follow.js';
import { stopFlag } from './stop-flag.js';

export interface LogsOptions {
  dir?: string;
  follow?: boolean;
  stderr?: boolean;
  events?: boolean;
  lines?: string;
  attempt?: string;
}

function positiveInt(v: string | undefined, flag: string, dflt: number, allowZero: boolean): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new AuraError('BAD_USAGE', `${flag} ${v}: expected a ${allowZero ? 'whole number (0: all)' : 'positive whole number'}`);
  return n;
}

export async function logsCommand(taskId: string, o: LogsOptions): Promise<number> {
  if (o.stderr && o.events) throw new AuraError('BAD_USAGE', '--stderr and --events cannot be used together');
  const kind: LogKind = o.stderr ? 'stderr' : o.events ? 'events' : 'stdout';
  const n = positiveInt(o.lines, '-n', 100, true);
  const wanted = o.attempt === undefined ? null : positiveInt(o.attempt, '--attempt', 1, false);
  const { loadState } = await import('./summaries.js');
  const { layout, state } = await loadState(o.dir);
  const t = state.tasks[taskId];
  if (!t) {
    const known = Object.keys(state.tasks);
    throw new AuraError('BAD_USAGE', `no task "${taskId}" in this run`, `known tasks: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`);
  }
  const a = pickAttempt(t, wanted);
  if (wanted !== null && !a) throw new AuraError('BAD_USAGE', `task ${taskId} has no attempt ${wanted} (it has ${t.attempts.length})`);

  if (o.follow) {
    const flag = stopFlag();
    const { readStateReadOnly } = await import('../store/state-store.js');
    const readState = async () => {
      try {
        return (await readStateReadOnly(layout)).state;
      } catch {
        return null; // mid-save; try again next poll
      }
    };
    try {
      await follow(layout, taskId, a ? a.n : null, kind, n, readState, () => flag.stopped);
    } finally {
      flag.dispose();
    }
    return 0;
  }

  if (!a) {
    process.stderr.write(`aura: task ${taskId} has no attempts yet (${t.status}: ${t.reason})\n`);
    return 0;
  }
  const dir = path.join(layout.root, a.dir);
  const text = await readLog(dir, kind, n);
  if (text === null) {
    const why =
      kind === 'events' && a.worker === 'shell'
        ? 'shell workers write plain text only: see `aura logs` without --events'
        : `${path.join(path.relative(layout.project, dir), LOG_FILE[kind])} does not exist`;
    process.stderr.write(`aura: no ${LOG_FILE[kind]} for ${taskId} attempt ${a.n}: ${why}\n`);
    return 0;
  }
  process.stdout.write(withNewline(text));
  return 0;
}
