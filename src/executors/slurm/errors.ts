// Slurm failures carry a stable code, like every aura error, so callers branch on the code and the
// message stays free to say what happened and what to do.

export type SlurmErrorCode =
  | 'SLURM_MISSING' // a Slurm command is not installed on this machine
  | 'SLURM_CONTROLLER' // slurmctld did not answer, or answered with an error
  | 'SLURM_TIMEOUT' // a command ran past AURA_SLURM_COMMAND_TIMEOUT
  | 'SLURM_REFUSED' // sbatch (or scancel) refused what aura asked for
  | 'SLURM_UNPARSABLE' // output that does not have the shape aura asked for
  | 'SLURM_BAD_SETTING'; // a setting or task key that cannot become an sbatch flag

export class SlurmError extends Error {
  readonly code: SlurmErrorCode;
  /** One line telling the user what to do. */
  readonly hint: string | undefined;
  constructor(code: SlurmErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'SlurmError';
    this.code = code;
    this.hint = hint;
  }
}

/** The message with its hint, for a journal line. */
export function describeSlurmError(err: unknown): string {
  if (err instanceof SlurmError) return err.hint ? `${err.message} (${err.hint})` : err.message;
  return err instanceof Error ? err.message : String(err);
}
