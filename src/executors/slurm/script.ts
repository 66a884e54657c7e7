// The batch script of one attempt, written into its attempt directory. It runs aura's own runner
// (the same one local workers have), so the attempt files are the same: stdout.log, stderr.log,
// output.jsonl, status.json, exit.json. Pure: returns the text.
//
// The environment: sbatch runs in the worker's allowlisted environment and the job inherits it
// (values come from sbatch's own environment, never from a file); the script passes exactly the
// allowlisted names on with `env -i`, so whatever a site's prolog or profile adds on the node never
// reaches the worker. Slurm's own SLURM_* variables go through too: a worker may want its job id.
//
// Signals: Slurm sends SIGUSR2 to this shell shortly before the time limit (--signal=B:USR2@N); the
// runner flushes its records then. SIGTERM (scancel, the time limit) goes to the runner, which
// forwards it to the worker. The loop waits through trapped signals; the last `wait` returns the
// runner's own status, which becomes the job's exit code.

/** A word for bash, single-quoted. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Names a shell can export: no `BASH_FUNC_x%%` and the like. */
export function exportable(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

export interface ScriptSpec {
  /** One line for the header: which task and attempt. */
  title: string;
  node: string;
  runner: string;
  specFile: string;
  keep: readonly string[];
}

export function batchScript(s: ScriptSpec): string {
  const names = s.keep.filter(exportable);
  return [
    '#!/bin/bash',
    `# aura: ${s.title.replace(/[\r\n]+/g, ' ')}`,
    '# Written by aura. The runner below writes stdout.log, stderr.log, output.jsonl, status.json and',
    '# exit.json next to this file; Slurm writes its own messages to slurm.out.',
    `keep=(${names.join(' ')})`,
    'env_args=()',
    'for n in "${keep[@]}"; do if [ -n "${!n+x}" ]; then env_args+=("$n=${!n}"); fi; done',
    'for n in $(compgen -e); do case $n in SLURM_*) env_args+=("$n=${!n}") ;; esac; done',
    `env -i "\${env_args[@]}" ${shellQuote(s.node)} ${shellQuote(s.runner)} ${shellQuote(s.specFile)} &`,
    'runner=$!',
    "trap 'kill -USR2 $runner 2>/dev/null' USR2",
    "trap 'kill -TERM $runner 2>/dev/null' TERM INT HUP",
    'while kill -0 "$runner" 2>/dev/null; do wait "$runner"; done',
    'wait "$runner"',
    '',
  ].join('\n');
}
