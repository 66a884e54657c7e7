// The registration of the operator commands (logs, summaries, changelog, projects, clean-workspaces):
// options and help only. Their implementations load when the command runs, so these commands add
// nothing to the start-up of the others (aura wake in particular).
import type { Command } from 'commander';
import type { ChangelogOptions } from './changelog.js';
import type { CleanOptions } from './clean.js';
import type { DashboardOptions } from './dashboard.js';
import type { LogsOptions } from './logs.js';
import type { ProjectsOptions } from './projects.js';
import type { SummariesOptions } from './summaries.js';
import { TAIL_MARKER } from '../workers/capped-read.js';
import { DEFAULT_AGE_DAYS, MAX_DEPTH } from './ops-defaults.js';

type Run = (p: Promise<number>) => void;

function registerLogs(program: Command, run: Run): void {
  program
    .command('logs')
    .description("a task's worker output (its latest attempt): stdout by default, --stderr, or --events")
    .argument('<task>', 'task id')
    .option('-f, --follow', 'keep printing output as it is written, and the next attempt after this one (Ctrl-C to stop)')
    .option('--stderr', 'stderr.log instead of stdout.log')
    .option('--events', "the worker's event stream (output.jsonl) as readable lines: time, event, details")
    .option('-n, --lines <count>', 'how many of the last lines (0: all)', '100')
    .option('-a, --attempt <n>', 'this attempt instead of the latest')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .addHelpText(
      'after',
      `\nA log over AURA_OUTPUT_CAP_MB keeps its first and latest parts; they are shown as head, "${TAIL_MARKER}", tail.\nExamples:\n  aura logs prep              last 100 lines of the latest attempt's stdout\n  aura logs prep -f           follow it live, on into later attempts\n  aura logs train --events    the agent's tool calls, results and text`,
    )
    .action((task: string, o: LogsOptions) => run(import('./logs.js').then((m) => m.logsCommand(task, o))));
}

function registerSummaries(program: Command, run: Run): void {
  program
    .command('summaries')
    .description('the summaries of finished tasks and the final report (.aura/summaries/): list them, or print one')
    .argument('[task]', 'a task id, or final-report; without it: list the summaries')
    .option('--json', 'list: {project, dir, finalReport, tasks[{task,title,status,path,written,upToDate}]}; one: {task, path, written, markdown}')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .addHelpText('after', '\nA summary not written yet (the daemon writes them after each cycle) is rendered from the current state.')
    .action((task: string | undefined, o: SummariesOptions) => run(import('./summaries.js').then((m) => m.summariesCommand(task, o))));
}

function registerChangelog(program: Command, run: Run): void {
  program
    .command('changelog')
    .description('the task file changes aura saw: what each edit added, removed, reworded or changed')
    .option('-n <count>', 'how many of the latest changes (0: all)', '20')
    .option('--json', 'print as JSON: [{seq, ts, cycle, msg, added, removed, renamed[{id,from,to}], changed, warnings, error}]')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .action((o: ChangelogOptions) => run(import('./changelog.js').then((m) => m.changelogCommand(o))));
}

function registerProjects(program: Command, run: Run): void {
  program
    .command('projects')
    .description(`every aura project under <dir> (up to ${MAX_DEPTH} levels down): task file, goal, overall state, task counts`)
    .argument('[dir]', 'where to look (default: the current directory)')
    .option('-d, --dir <dir>', 'where to look (the same as the argument)')
    .option('--json', 'print as JSON: {root, projects[{path, taskFile, goal, overall, daemon, counts, updatedAt, doneAt, error}]}')
    .addHelpText('after', '\nnode_modules and .git are skipped; symlinked directories are not followed.')
    .action((dir: string | undefined, o: ProjectsOptions) => run(import('./projects.js').then((m) => m.projectsCommand(dir, o))));
}

function registerClean(program: Command, run: Run): void {
  program
    .command('clean-workspaces')
    .description("delete old attempt directories (.aura/workspace/tasks/*/attempt-*) to free disk; a dry run unless --yes")
    .option('--age <days>', 'only attempt directories nothing in which changed for this many days', String(DEFAULT_AGE_DAYS))
    .option('--dry-run', 'only list what would be deleted and how much it would free (the default)')
    .option('--yes', 'really delete them')
    .option('--json', 'print as JSON: {project, dryRun, ageDays, candidates[{task,attempt,path,mtime,bytes}], kept[…,why], deleted, bytes, errors}')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .addHelpText('after', "\nNever deleted: a task's latest attempt (its evidence and logs live there), a running attempt, the\ncurrent attempt of a running or verifying task, the newest attempt directory of each task.")
    .action((o: CleanOptions) => run(import('./clean.js').then((m) => m.cleanCommand(o))));
}

function registerDashboard(program: Command, run: Run): void {
  program
    .command('dashboard')
    .description("the running daemon's live dashboard (aura start --http): prints its link, with the token when you can read it")
    .option('--open', "open it in the desktop's browser (xdg-open / open)")
    .option('--json', 'print as JSON: {url, link, host, port, pid, tokenFile, token}')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .addHelpText('after', '\nExits 4 when no daemon runs in the project, or it was started without --http.')
    .action((o: DashboardOptions) => run(import('./dashboard.js').then((m) => m.dashboardCommand(o))));
}

export function registerOpsCommands(program: Command, run: Run): void {
  registerSummaries(program, run);
  registerLogs(program, run);
  registerChangelog(program, run);
  registerProjects(program, run);
  registerClean(program, run);
  registerDashboard(program, run);
}
