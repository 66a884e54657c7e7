// How the CLI reports errors: one clear message, a hint, and the exit code for the error's code.
import { AuraError, EXIT, exitCodeFor, storageError } from '../util/errors.js';

export function reportError(err: unknown): number {
  err = storageError(err) ?? err;
  if (err instanceof AuraError) {
    process.stderr.write(`aura: ${err.message}\n`);
    if (err.hint) process.stderr.write(`  ${err.hint}\n`);
    return exitCodeFor(err.code);
  }
  process.stderr.write(`aura: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.FAILED;
}

export function timestamp(d = new Date()): string {
  return d.toISOString().slice(11, 19);
}
