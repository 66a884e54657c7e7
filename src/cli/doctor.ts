// `aura doctor`'s command-line entry. Kept free of runtime imports (the work is in src/doctor/, loaded
// only when the command runs) so registering it costs the other commands nothing at start-up.
import type { Command } from 'commander';
import type { DoctorOptions } from '../doctor/command.js';

export function doctorCommand(o: DoctorOptions): Promise<number> {
  return import('../doctor/command.js').then((m) => m.doctorCommand(o));
}

export function register(program: Command, run: (p: Promise<number>) => void): void {
  program
    .command('doctor')
    .description('check this machine and project: Node, config, agent CLIs, the worker, its login, the spend cap, the LLM API, GPU, cgroups, inotify, disk, lock')
    .option('--json', 'machine-readable: {ok, project, counts, checks[{id,name,status,detail,fix}]}')
    .option('-d, --dir <project>', 'project directory (default: nearest with .aura/, else the current one)')
    .addHelpText('after', '\nEach check is ok, warn or fail; anything not ok comes with a one-line fix.\nExits 0 when nothing fails (warnings allowed), 1 otherwise.')
    .action((o: DoctorOptions) => run(doctorCommand(o)));
}
