// Kept free of zod on the common path (see store/state-peek.ts): aura status must start fast.
import { buildView } from '../progress/view.js';
import { renderStatusText } from '../progress/terminal.js';
import { layoutFor, type Layout } from '../store/layout.js';
import { readJournalTail } from '../store/journal-read.js';
import { peekState } from '../store/state-peek.js';
import type { RunState } from '../store/schema.js';
import { AuraError } from '../util/errors.js';
import { daemonInfo } from './daemon-info.js';
import { findProject } from './project.js';

async function loadState(layout: Layout, project: string): Promise<RunState> {
  const quick = peekState(layout);
  if (quick) return quick;
  const { readStateReadOnly } = await import('../store/state-store.js');
  const { state, recovery } = await readStateReadOnly(layout);
  if (!state) throw new AuraError('NO_DAEMON', `no aura run in ${project} (no .aura/state/state.json)`, 'start one with `aura <task-file>`');
  if (recovery) process.stderr.write(`aura: note: ${recovery.reason}\n`);
  return state;
}

async function render(layout: Layout, project: string, json: boolean): Promise<string> {
  const state = await loadState(layout, project);
  const daemon = await daemonInfo(layout, state.doneAt);
  const now = new Date();
  if (json) {
    const { statusJson } = await import('../progress/status-json.js');
    return JSON.stringify(statusJson(state, daemon, now), null, 2) + '\n';
  }
  const journalTail = await readJournalTail(layout.journalFile, 40);
  return renderStatusText(buildView({ state, journalTail, daemon, now })) + '\n';
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
  let stop = false;
  const onSig = () => {
    stop = true;
  };
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  try {
    while (!stop) {
      const text = await render(layout, project, false);
      process.stdout.write(tty ? `\x1b[H\x1b[J${text}\n(watching · Ctrl-C to quit)` : `${text}\n`);
      for (let waited = 0; waited < everyMs && !stop; waited += 100) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    if (tty) process.stdout.write('\x1b[?25h\x1b[?1049l');
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
  return 0;
}
