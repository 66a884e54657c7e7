// `aura status`: a live daemon answers from its memory (control request `status`), so a large run is
// not read and parsed again; with no daemon, an older one that does not know the request, or none
// answering in time, the run is read from disk (status-disk.ts, imported only then). Kept light.
import { request } from '../daemon/control.js';
import { layoutFor, type Layout } from '../store/layout.js';
import { readLock } from '../store/lock-read.js';
import { AuraError } from '../util/errors.js';
import { findProject } from './project.js';
import { stopFlag } from './stop-flag.js';

/** How long the live daemon gets to answer before the disk is read instead (--json: a large tree takes longer). */
export const LIVE_TEXT_WAIT_MS = 1500;
export const LIVE_JSON_WAIT_MS = 10_000;

/** The live daemon's answer, or null with whether a daemon holds the lock. */
async function fromDaemon(layout: Layout, json: boolean): Promise<{ out: string | null; alive: boolean }> {
  const lock = await readLock(layout);
  if (!lock || !lock.alive) return { out: null, alive: false };
  try {
    const r = await request(lock.info.socketPath, { cmd: 'status', ...(json ? { json: true } : {}) }, json ? LIVE_JSON_WAIT_MS : LIVE_TEXT_WAIT_MS);
    const out = r.ok ? (json ? r.json : r.text) : undefined;
    return { out: typeof out === 'string' ? out : null, alive: true };
  } catch {
    return { out: null, alive: true }; // gone, stuck or busy: the disk has the run
  }
}

async function render(layout: Layout, project: string, json: boolean): Promise<string> {
  const live = await fromDaemon(layout, json);
  if (live.out !== null) return live.out;
  const { statusFromDisk } = await import('./status-disk.js');
  return statusFromDisk(layout, project, json, live.alive);
}

export async function statusCommand(o: { dir?: string; json?: boolean; watch?: boolean; interval?: string }): Promise<number> {
  const project = findProject(o.dir);
  const layout = layoutFor(project);
  if (!o.watch) {
    process.stdout.write(await render(layout, project, !!o.json));
    return 0;
  }
  if (o.json) throw new AuraError('BAD_USAGE', '--watch and --json do not go together', 'use --json alone, or --watch alone');
  const everyMs = Math.max(200, Number(o.interval ?? '1') * 1000);
  if (!Number.isFinite(everyMs)) throw new AuraError('BAD_USAGE', `--interval ${o.interval}: expected seconds`);
  // Redraw in place (cursor home, clear to end) on the alternate screen, so the terminal's own
  // scrollback is left as it was when the user presses Ctrl-C.
  const tty = process.stdout.isTTY;
  if (tty) process.stdout.write('\x1b[?1049h\x1b[?25l');
  const flag = stopFlag();
  try {
    while (!flag.stopped) {
      const text = await render(layout, project, false);
      if (flag.stopped) break;
      process.stdout.write(tty ? `\x1b[H\x1b[J${text}\n(watching · Ctrl-C to quit)` : `${text}\n`);
      for (let waited = 0; waited < everyMs && !flag.stopped; waited += 100) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (tty) process.stdout.write('\x1b[?25h\x1b[?1049l');
    flag.dispose();
  }
  return 0;
}
