// `aura setup`'s command-line entry. Kept free of runtime imports (the work is in src/doctor/setup.ts,
// loaded only when the command runs) so registering it costs the other commands nothing at start-up.
import type { Command } from 'commander';
import type { SetupOptions } from '../doctor/setup.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function setupCommand(o: SetupOptions): Promise<number> {
  return import('../doctor/setup.js').then((m) => m.setupCommand(o));
}

export function register(program: Command, run: (p: Promise<number>) => void): void {
  program
    .command('setup')
    .description('write ~/.aura/config.env (mode 0600): prompts on a terminal, flags otherwise; then checks the API key')
    .option('--force', 'replace an existing ~/.aura/config.env')
    .option('--non-interactive', 'ask nothing, take only the flags (also when stdin is not a terminal)')
    .option('--api-key <key>', 'Anthropic API key for the planner (AURA_API_KEY)')
    .option('--base-url <url>', 'API base URL (AURA_API_BASE_URL)')
    .option('--model <name>', 'planner model (AURA_API_MODEL)')
    .option('--backend <name>', 'worker for tasks without run: (AURA_LAYER2_BACKEND)')
    .option('--set <KEY=VALUE>', 'any other setting, e.g. --set AURA_MAX_ATTEMPTS=5 (repeatable)', collect)
    .option('--no-test', 'skip the API check at the end')
    .addHelpText(
      'after',
      `
Every value is validated before anything is written; only the keys given (or answered) are written.
Examples:
  aura setup                                          prompts for each value on a terminal
  aura setup --non-interactive --api-key sk-ant-…     for scripts
  aura setup --force --backend codex --set AURA_MAX_ATTEMPTS=5

Exits 0 when written (and the API check passed or was skipped), 1 when written but the API
check failed, 2 on a bad value or flag, or when the file exists and --force is not given
(nothing was written).`,
    )
    .action((o: SetupOptions) => run(setupCommand(o)));
}
