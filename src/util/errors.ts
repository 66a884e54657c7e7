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
