// The daemon as the dashboard sees it (src/http/host.ts): its memory, its journal and its control
// path — the one the CLI's socket uses, so a click is acknowledged and journaled like a command.
import type { Config } from '../config/schema.js';
import type { DashboardHost } from '../http/host.js';
import type { DaemonInfo } from '../progress/types.js';
import { readJournalSince, type Journal } from '../store/journal.js';
import type { Layout } from '../store/layout.js';
import type { ControlReply, ControlRequest } from './control.js';
import type { Cycle } from './cycle.js';

export interface DaemonParts {
  layout: Layout;
  config: Config;
  cycle: Cycle;
  journal: Journal;
  info: () => DaemonInfo;
  control: (req: ControlRequest) => Promise<ControlReply>;
}

export function dashboardHost(p: DaemonParts): DashboardHost {
  return {
    layout: p.layout,
    snapshot: () => ({
      state: p.cycle.state,
      daemon: p.info(),
      watchdog: p.cycle.watchdog.snapshot(),
      caps: { usd: p.config.AURA_RUN_BUDGET_USD, tokens: p.config.AURA_RUN_TOKEN_BUDGET },
      seq: p.journal.lastSeq,
    }),
    control: p.control,
    subscribe: (fn) => p.journal.onAppend(fn),
    journalSince: (after, limit) => (limit > 0 ? readJournalSince(p.layout.journalFile, after, limit) : Promise.resolve([])),
  };
}
