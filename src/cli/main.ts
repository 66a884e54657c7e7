// The command line. Each command's module is imported only when that command runs, so light
// commands (`aura wake`, `aura status`) do not pay for the daemon's dependencies at start-up.
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from '../util/errors.js';
import { registerOpsCommands } from './commands-ops.js';
import { register as registerDoctor } from './doctor.js';
import { register as registerInit } from './init.js';
import { reportError } from './output.js';
import { register as registerSetup } from './setup.js';
import { packageVersion } from './version.js';

const EXIT_CODES = `
Exit codes:
  0  success (with --exit-when-done: every task verified done)
  1  failure (with --exit-when-done: the run cannot go on: tasks failed or blocked)
  2  bad input (task file, setting, flag, argument; nothing written), or a request the daemon refused
  3  another aura daemon already runs in this project
  4  no aura daemon (or no aura run) in this project
  5  .aura/state cannot be read or recovered`;

const collect = (v: string, prev: string[] = []) => [...prev, v];

function build(run: (p: Promise<number>) => void): Command {
  const program = new Command('aura')
    .description('Supervise long-running, goal-driven work: `aura task.md` keeps working toward the goal in task.md.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `
Examples:
  aura init                             start a project: task.md from the template, .aura/ in .gitignore
  aura task.md                          run the daemon on task.md (same as: aura start task.md)
  aura task.md --exit-when-done         for scripts: exit 0 once every task is verified done
  aura wake --reason "data is ready"    make the running daemon run a cycle now
  aura status --json                    the task tree as JSON
${EXIT_CODES}`);

  program
    .command('start', { isDefault: true })
    .description('run the daemon in the foreground, working toward the goal in <task-file>')
    .argument('<task-file>', 'the Markdown task file (first `# ` heading = the goal)')
    .option('--exit-when-done', 'exit once every task is done (0), or once nothing more can run (1)')
    .option('--once', 'run one cycle of decisions, wait for the workers it started and their evidence, then exit (with --leave-workers: exit at once, leaving them to the next daemon)')
    .option('--interval <seconds>', 'seconds between heartbeat wakes (AURA_CYCLE_INTERVAL)')
    .option('--max-concurrent <n>', 'workers running at once (AURA_MAX_CONCURRENT_TASKS)')
    .addOption(new Option('--backend <name>', 'worker for tasks without run: (AURA_LAYER2_BACKEND)'))
    .addOption(new Option('--planner <which>', 'who plans: auto (the LLM when AURA_API_KEY is set), llm or rules (AURA_PLANNER)'))
    .option('--set <KEY=VALUE>', 'override any setting, e.g. --set AURA_MAX_ATTEMPTS=5 (repeatable)', collect)
    .option('--leave-workers', 'on stop, leave workers running; the next daemon re-adopts them')
    .option('--http [port]', 'serve the live dashboard and JSON API on 127.0.0.1 (AURA_HTTP_PORT; no port or 0: any free port; AURA_HTTP_HOST for another address); without a port, write it after the task file')
    .option('--project <dir>', "project directory holding .aura/ (default: the task file's directory)")
    .option('-q, --quiet', 'print nothing while running (progress.md, the journal and .aura/logs still record everything)')
    .option('-v, --verbose', 'also print every cycle and its wake reasons')
    .addHelpText('after', EXIT_CODES)
    .action((file: string, o) => run(import('./start.js').then((m) => m.startCommand(file, o))));

  program
    .command('wake')
    .description('make the running daemon run a cycle now; prints its acknowledgement')
    .option('-r, --reason <text>', 'why (recorded in the journal)')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .option('--json', 'print the acknowledgement as JSON')
    .addHelpText('after', '\nExits 4 when no daemon runs in the project.')
    .action((o) => run(import('./wake.js').then((m) => m.wakeCommand(o))));

  program
    .command('status')
    .description('the goal, the task tree with status and evidence, running workers')
    .option('--json', 'machine-readable: {goal, state, daemon, counts, tasks[{id,title,status,…,children}], usage, pause}')
    .option('-w, --watch', 'redraw in place every second until Ctrl-C')
    .option('--interval <seconds>', 'with --watch: seconds between redraws', '1')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .action((o) => run(import('./status.js').then((m) => m.statusCommand(o))));

  program
    .command('progress')
    .description('print .aura/state/progress.md')
    .option('-d, --dir <project>', 'project directory')
    .action((o) => run(import('./progress.js').then((m) => m.progressCommand(o))));

  program
    .command('stop')
    .description('ask the running daemon to stop (workers get SIGTERM, then SIGKILL after the grace period)')
    .option('-d, --dir <project>', 'project directory')
    .option('--no-wait', 'return once the daemon has acknowledged, without waiting for it to exit')
    .option('--timeout <seconds>', 'how long to wait for the daemon to exit', '120')
    .action((o) => run(import('./stop.js').then((m) => m.stopCommand(o))));

  const control = (cmd: 'kill' | 'retry' | 'pause' | 'resume', description: string, withTask: boolean) => {
    const c = program.command(cmd).description(description);
    if (withTask) c.argument('<task>', 'the task id (aura status lists them)');
    c.option('-r, --reason <text>', 'why (recorded in the journal)')
      .option('--json', "print the daemon's answer as JSON")
      .option('-d, --dir <project>', 'project directory')
      .addHelpText('after', '\nActs on the running daemon and prints its acknowledgement; exits 4 when no daemon runs.')
      .action((...args: unknown[]) => {
        const task = withTask ? (args[0] as string) : undefined;
        const o = (withTask ? args[1] : args[0]) as { dir?: string; reason?: string; json?: boolean };
        run(import('./control.js').then((m) => m.controlCommand(cmd, task, o)));
      });
  };
  control('kill', "stop a task's worker now; the task is failed until `aura retry`", true);
  control('retry', 'make a failed, blocked or done task pending again, with a fresh count of attempts', true);
  control('pause', 'start nothing new (running workers go on) until `aura resume`', false);
  control('resume', 'allow starting work again after `aura pause`', false);

  program
    .command('history')
    .description('the decision journal: every decision and status change with its reason')
    .option('-n <count>', 'how many of the latest entries', '50')
    .option('-t, --task <id>', 'only entries about this task')
    .option('--json', 'print entries as JSON')
    .option('-d, --dir <project>', 'project directory')
    .action((o: { n?: string; N?: string }) => run(import('./history.js').then((m) => m.historyCommand(o))));

  program
    .command('config')
    .description('the effective settings and where each comes from (secrets masked)')
    .option('--json', 'print as JSON')
    .option('-d, --dir <project>', 'project directory (its .env is read)')
    .action((o) => run(import('./config.js').then((m) => m.configCommand(o))));

  registerOpsCommands(program, run);
  registerInit(program, run);
  registerDoctor(program, run);
  registerSetup(program, run);
  return program;
}

/** The whole command tree with nothing to run: for checking what the docs show against it. */
export function buildProgram(): Command {
  return build(() => undefined);
}

export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | null = null;
  const program = build((p) => {
    pending = p;
  });
  // Every subcommand too (start is one): a bad flag is bad input (exit 2), not commander's exit 1.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.OK;
      return EXIT.BAD_INPUT;
    }
    return reportError(err);
  }
  if (!pending) return EXIT.OK;
  try {
    return await pending;
  } catch (err) {
    return reportError(err);
  }
}
