// What every phase of a cycle works with: the run book, the settings, the clock, the ports, and the
// few lines of news progress.md shows. Built once by the Cycle; phases are functions of it.
import type { Clock } from '../core/clock.js';
import type { RetryPolicy } from '../core/outcome.js';
import type { Config } from '../config/schema.js';
import type { Layout } from '../store/layout.js';
import type { HashLimits } from './artifacts.js';
import type { NotifierPort, PoolPort, WatchdogPort } from './ports.js';
import type { RunBook } from './run-book.js';
import type { GitPort } from '../git/lock.js';
import type { RunnerStandby } from '../workers/standby.js';

export interface CycleCtx {
  book: RunBook;
  config: Config;
  env: NodeJS.ProcessEnv;
  layout: Layout;
  taskFile: string;
  clock: Clock;
  uid: number;
  log: (line: string) => void;
  debug: (line: string) => void;
  /** Said even with --quiet. */
  warn: (line: string) => void;
  wake: (reason: string) => void;
  pool: PoolPort;
  watchdog: WatchdogPort;
  notifier: NotifierPort;
  notes: Notes;
  /** Tasks the person killed: their attempt's end fails the task instead of retrying it. */
  killed: Set<string>;
  /** The project's git (issue 14): one lock for worktree adds, commits and merges. */
  git: GitPort;
  /** A runner started ahead of the next local worker (issue 13); null when off or in tests with fakes. */
  standby: Pick<RunnerStandby, 'prime' | 'take' | 'release' | 'close'> | null;
}

export function hashLimits(c: Config): HashLimits {
  return { maxFileBytes: c.AURA_ARTIFACT_HASH_MAX_MB * 1024 * 1024 };
}

export function retryPolicy(c: Config): RetryPolicy {
  return {
    maxAttempts: c.AURA_MAX_ATTEMPTS,
    backoffBaseSeconds: c.AURA_RETRY_BACKOFF_SECONDS,
    backoffMaxSeconds: c.AURA_RETRY_BACKOFF_MAX_SECONDS,
    maxStalls: c.AURA_MAX_STALLS,
  };
}

export function eventBase(x: CycleCtx): { project: string; at: string } {
  return { project: x.layout.project, at: x.clock.now().toISOString() };
}

/** progress.md's note: the newest lines, by topic (a newer note on a topic replaces the older). */
export class Notes {
  private byTopic = new Map<string, string>();

  add(msg: string, topic = msg): void {
    this.byTopic.delete(topic);
    this.byTopic.set(topic, msg);
    while (this.byTopic.size > 8) this.byTopic.delete(this.byTopic.keys().next().value as string);
  }

  has(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  clear(topic: string): void {
    this.byTopic.delete(topic);
  }

  /** The newest three, one line. */
  text(): string {
    return [...this.byTopic.values()].slice(-3).join(' · ');
  }
}
