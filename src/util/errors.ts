// Errors carry a stable code; the CLI maps codes to exit codes in one place (exitCodeFor).

export type ErrorCode =
  | 'BAD_TASK_FILE' // missing, empty, binary, not UTF-8, no heading, too large, invalid settings
  | 'BAD_CONFIG' // a setting has an invalid value
  | 'BAD_USAGE' // a flag or argument is wrong
  | 'LOCKED' // another daemon holds this project
  | 'NO_DAEMON' // a command needs the running daemon and there is none
  | 'STATE' // .aura/state cannot be read or recovered
  | 'INTERNAL';

export class AuraError extends Error {
  readonly code: ErrorCode;
  /** A one-line hint telling the user what to do. */
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'AuraError';
    this.code = code;
    this.hint = hint;
  }
}

/** Exit codes, documented in the README. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  BAD_INPUT: 2,
  LOCKED: 3,
  NO_DAEMON: 4,
  STATE: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'BAD_TASK_FILE':
    case 'BAD_CONFIG':
    case 'BAD_USAGE':
      return EXIT.BAD_INPUT;
    case 'LOCKED':
      return EXIT.LOCKED;
    case 'NO_DAEMON':
      return EXIT.NO_DAEMON;
    case 'STATE':
      return EXIT.STATE;
    case 'INTERNAL':
      return EXIT.FAILED;
  }
}

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

// Errors from the file system that no retry inside aura can fix: the disk or the directory itself
// has to change. They get a plain message and the STATE exit code instead of an "internal error".
const STORAGE_PROBLEMS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space is left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/** An AuraError('STATE') explaining a storage failure (read-only, full, no permission); null for anything else. */
export function storageError(err: unknown): AuraError | null {
  const code = errnoCode(err);
  if (code === undefined || !Object.hasOwn(STORAGE_PROBLEMS, code)) return null;
  const e = err as NodeJS.ErrnoException;
  const what = e.path ? `${e.syscall ?? 'access'} ${e.path}` : (e.syscall ?? 'a file operation');
  return new AuraError(
    'STATE',
    `cannot ${what}: ${STORAGE_PROBLEMS[code]} (${code})`,
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'free some space, then start aura again: what was already saved is kept'
      : 'make the directory writable for this user, then start aura again: what was already saved is kept',
  );
}
