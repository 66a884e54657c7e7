// Where parse problems are reported: fatal ones as AuraError('BAD_TASK_FILE'), the rest as warnings.
// Both lead with the location in the compiler style the user's editor understands (`task.md:12:`).
import { AuraError } from '../util/errors.js';

export interface Diagnostics {
  /** File name for messages; `line 12:` is used when absent. */
  file: string | undefined;
  warnings: string[];
}

export function createDiagnostics(file?: string): Diagnostics {
  return { file, warnings: [] };
}

export function at(d: Diagnostics, line: number): string {
  return d.file === undefined ? `line ${line}` : `${d.file}:${line}`;
}

export function fail(d: Diagnostics, line: number, message: string, hint: string): never {
  throw new AuraError('BAD_TASK_FILE', `${at(d, line)}: ${message}`, hint);
}

export function warn(d: Diagnostics, line: number, message: string): void {
  d.warnings.push(`${at(d, line)}: ${message}`);
}
