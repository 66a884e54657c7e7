// `aura init`'s command-line entry. Kept free of runtime imports (the work is in src/init/, loaded
// only when the command runs) so registering it costs the other commands nothing at start-up.
import type { Command } from 'commander';
import type { InitOptions } from '../init/command.js';

export function register(program: Command, run: (p: Promise<number>) => void): void {
  program
    .command('init')
    .description('start a project: write a task file from the template, add .aura/ to .gitignore, check the worker')
    .argument('[task-file]', 'the task file to write', 'task.md')
    .option('--force', 'replace an existing task file (the old one is kept as <task-file>.bak)')
    .option('--no-check', "skip the doctor's checks for the configured worker at the end")
    .addHelpText(
      'after',
      `
In a git project (a .git here or above), .aura/ is appended to the .gitignore at its root, unless
it already ignores it; a .gitignore is never rewritten. Ends with the checks of aura doctor that
matter for the configured worker (AURA_LAYER2_BACKEND): the CLI, its login, the spend cap.

Examples:
  aura init                     task.md here
  aura init jobs/train.md       jobs/train.md (the directory is made if needed)
  aura init --force             replace task.md, keeping the old one as task.md.bak

Exits 0 when written (warnings allowed), 1 when written but a check failed, 2 when nothing could
be written (the file exists and --force is not given, or the directory is not writable).`,
    )
    .action((file: string, o: InitOptions) => run(import('../init/command.js').then((m) => m.initCommand(file, o))));
}
