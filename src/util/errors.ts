// Errors carry a stable code; the CLI maps codes to exit codes in one place (exitCodeFor).
import { statSync } from 'node:fs';
import path from 'node:path';

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

const READ_SYSCALLS = new Set(['open', 'scandir', 'stat', 'lstat', 'access', 'connect', 'read', 'realpath']);

/** The owner of a path or of its nearest existing parent, or null when even that cannot be seen. */
function ownerOf(p: string): number | null {
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      return statSync(cur).uid;
    } catch {
      if (path.dirname(cur) === cur) return null;
    }
  }
}

/** An AuraError('STATE') explaining a storage failure (read-only, full, no permission); null for anything else. */
export function storageError(err: unknown): AuraError | null {
  const code = errnoCode(err);
  if (code === undefined || !Object.hasOwn(STORAGE_PROBLEMS, code)) return null;
  const e = err as NodeJS.ErrnoException;
  const target = e.path ?? (e as { address?: string }).address;
  const what = target ? `${e.syscall ?? 'access'} ${target}` : (e.syscall ?? 'a file operation');
  const denied = code === 'EACCES' || code === 'EPERM';
  // Reading, or reaching the daemon, is refused when .aura (private to its owner) is someone else's.
  const reading = denied && READ_SYSCALLS.has(e.syscall ?? '');
  const owner = denied && target ? ownerOf(target) : null;
  const someoneElse = owner !== null && owner !== process.getuid?.();
  return new AuraError(
    'STATE',
    `cannot ${what}: ${STORAGE_PROBLEMS[code]} (${code})${someoneElse ? `; it belongs to UID ${owner}, not to you (UID ${process.getuid?.()})` : ''}`,
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'free some space, then start aura again: what was already saved is kept'
      : reading || someoneElse
        ? "this project's .aura is private to the user who runs its daemon: run aura as that user"
        : 'make the directory writable for this user, then start aura again: what was already saved is kept',
  );
}
