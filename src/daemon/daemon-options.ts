// What starting a daemon takes: the task file and project, the config, the run's flags, and where
// its words go (the log, warnings, the foreground console).
import type { Config } from '../config/schema.js';
import type { RotatingLog } from './log-file.js';

export interface DaemonOptions {
  taskFile: string; // absolute
  projectDir: string; // absolute
  config: Config;
  env: NodeJS.ProcessEnv;
  once: boolean;
  exitWhenDone: boolean;
  leaveWorkers: boolean;
  log: (line: string) => void;
  /** Warnings a person must see even with --quiet; defaults to log. */
  warn?: (line: string) => void;
  /** Per-cycle detail (--verbose); defaults to nothing. */
  debug?: (line: string) => void;
  /** The foreground console: the rotating log file and the live status line (optional in tests). */
  console?: { attachFile(f: RotatingLog): void; startStatus(render: () => string): void; close(): void; tell?(line: string): void };
  version: string;
}
