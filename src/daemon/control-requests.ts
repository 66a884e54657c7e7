// What the daemon answers on its control socket (and, the same way, to the dashboard's controls):
// ping, status (`aura status` rendered from the daemon's memory, so a large run is not read from
// disk again), wake, kill / retry / pause / resume (applied by the next cycle and answered once on
// disk), stop. Every answer names the daemon's PID; a request it cannot take now says why.
import type { ControlReply, ControlRequest } from './control.js';
import type { OperatorRequest } from './operator.js';

export interface RequestHost {
  mode(): 'starting' | 'running' | 'draining' | 'stopped';
  /** Live facts for ping (null before the cycle exists). */
  info(): Record<string, unknown> | null;
  /** `aura status` (or its --json) from the run in memory, between cycles; null before the cycle exists. */
  status(json: boolean): Promise<string | null>;
  wake(reason: string): Promise<{ cycle: number; startedAt: Date }>;
  wakeNoWait(reason: string): void;
  /** Hands an operator request to the cycle; false when there is no cycle yet. */
  request(r: OperatorRequest): boolean;
  drain(why: string): void;
}

export async function answer(h: RequestHost, req: ControlRequest): Promise<ControlReply> {
  const pid = process.pid;
  const mode = h.mode();
  switch (req.cmd) {
    case 'ping':
      // What `aura status` shows of the live daemon (the journal and state.json hold the rest).
      return { ok: true, pid, ...(h.info() ?? { mode }) };
    case 'status': {
      const out = await h.status(req.json === true);
      if (out === null) return { ok: false, error: `the daemon is ${mode}; read the run from disk` };
      return { ok: true, pid, [req.json === true ? 'json' : 'text']: out };
    }
    case 'wake': {
      if (mode !== 'running') return { ok: false, error: `the daemon is ${mode}; it takes no wakes now` };
      const reason = typeof req.reason === 'string' && req.reason.trim() ? req.reason.trim().slice(0, 200) : 'aura wake';
      const c = await h.wake(`aura wake: ${reason}`);
      return { ok: true, pid, cycle: c.cycle, startedAt: c.startedAt.toISOString() };
    }
    case 'kill':
    case 'retry':
    case 'pause':
    case 'resume': {
      if (mode !== 'running') return { ok: false, error: `the daemon is ${mode}` };
      let took = false;
      const answered = new Promise<{ ok: boolean; message: string }>((done) => {
        took = h.request({
          cmd: req.cmd as OperatorRequest['cmd'],
          ...(typeof req.task === 'string' ? { task: req.task } : {}),
          ...(typeof req.reason === 'string' ? { reason: req.reason.slice(0, 200) } : {}),
          done,
        });
      });
      if (!took) return { ok: false, error: `the daemon is ${mode}` };
      h.wakeNoWait(`aura ${req.cmd}${typeof req.task === 'string' ? ` ${req.task}` : ''}`);
      const a = await answered;
      return a.ok ? { ok: true, pid, message: a.message } : { ok: false, error: a.message };
    }
    case 'stop':
      h.drain(typeof req.reason === 'string' ? req.reason : 'aura stop');
      return { ok: true, pid, mode: 'draining' };
    default:
      return { ok: false, error: `unknown command "${req.cmd}"` };
  }
}
