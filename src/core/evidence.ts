// The evidence gate. A worker's exit code is a claim; done needs proof on disk:
//   1. the worker exited cleanly (exit 0, not stopped by aura),
//   2. every `produces:` path exists, is non-empty and was written during this attempt,
//   3. `verify:` (run by aura, not the worker) exits 0.
// Pure: the caller gathers the facts (stat, the verify run) and passes them in.
import type { ArtifactCheck, Attempt, Evidence, PriorArtifact, TaskState, VerifyCheck } from '../store/schema.js';

/** What the filesystem said about a produces: path after the attempt. */
export interface ArtifactFact {
  path: string;
  /** null: the path does not exist. */
  stat: {
    size: number;
    mtimeMs: number;
    ino: number;
    isDirectory: boolean;
    entries?: number;
    /** sha256 of a file's content or a directory's manifest; null when too large to hash. */
    digest?: string | null;
    nlink?: number;
    /** When the inode behind the path was made; null where the filesystem does not keep it. */
    birthtimeMs?: number | null;
    /** The path itself is a symlink (the rest describes its target). */
    symlink?: boolean;
  } | null;
  /** Set when the path is not acceptable at all (outside the project, unreadable). */
  problem?: string;
}

/** Fresh or not, and why not in words a person can act on. */
export interface Freshness {
  fresh: boolean;
  why?: string;
}

/**
 * Fresh = written during this task's current round of attempts (since it started, or since task.md
 * last changed it), judged against the snapshot taken before the first of them:
 * - a path that existed then counts only if its content changed (a file's sha256, a directory's
 *   manifest of every entry); a new timestamp alone (`touch`) does not. Files too large to hash
 *   (AURA_ARTIFACT_HASH_MAX_MB) fall back to inode, size and mtime;
 * - a new path counts only if what is behind it is new too: its inode was born (birth time, else
 *   mtime) after the filesystem's own start fence. A symlink or hard link to an older file, or a copy
 *   that kept an old mtime, is not something this attempt wrote.
 */
export function freshness(fact: ArtifactFact, prior: PriorArtifact | undefined, fenceMs: number | null): Freshness {
  const st = fact.stat;
  if (!st) return { fresh: false };
  if (!prior || !prior.existed) {
    const born = st.birthtimeMs ?? st.mtimeMs;
    if (fenceMs !== null && born < fenceMs) {
      const what = st.symlink ? 'a symlink to something' : (st.nlink ?? 1) > 1 ? 'a hard link to a file' : st.isDirectory ? 'a directory' : 'a file';
      return { fresh: false, why: `not written during this attempt: ${what} that existed before it started` };
    }
    return { fresh: true };
  }
  if (prior.digest !== undefined && st.digest) {
    if (st.digest !== prior.digest) return { fresh: true };
    return { fresh: false, why: 'not written during this attempt: its content is the same as before it started (a new timestamp alone does not count)' };
  }
  const moved = st.mtimeMs !== prior.mtimeMs || st.ino !== prior.ino || st.size !== prior.size;
  return moved ? { fresh: true } : { fresh: false, why: 'not written during this attempt (unchanged since before it started)' };
}

export function isFresh(fact: ArtifactFact, prior: PriorArtifact | undefined, fenceMs: number | null = null): boolean {
  return freshness(fact, prior, fenceMs).fresh;
}

export function checkArtifact(fact: ArtifactFact, prior: PriorArtifact | undefined, needFresh: boolean, fenceMs: number | null = null): ArtifactCheck {
  const base = { path: fact.path, exists: !!fact.stat, size: fact.stat?.size ?? 0, fresh: false, ok: false };
  if (fact.problem) return { ...base, note: fact.problem };
  if (!fact.stat) return { ...base, note: 'missing' };
  const f = freshness(fact, prior, fenceMs);
  const empty = fact.stat.isDirectory ? (fact.stat.entries ?? 0) === 0 : fact.stat.size === 0;
  if (empty) return { ...base, fresh: f.fresh, note: fact.stat.isDirectory ? 'empty directory' : 'empty file' };
  if (needFresh && !f.fresh) return { ...base, fresh: false, note: f.why ?? 'not written during this attempt' };
  return { ...base, fresh: f.fresh, ok: true };
}

export interface GateInput {
  /** The attempt being judged; null for a group task (no worker of its own). */
  attempt: (Pick<Attempt, 'outcome' | 'exitCode' | 'signal' | 'priorArtifacts'> & Partial<Pick<Attempt, 'classification' | 'fenceMs' | 'stopReason'>>) | null;
  artifacts: ArtifactFact[];
  /** null when the task has no verify command, or when verify was not run (see verifySkipped). */
  verify: VerifyCheck | null;
  hasVerify: boolean;
  now: Date;
}

/** Clean = exited 0 on its own and, for an agent, its stream says it succeeded (a claim we then check). */
export function workerClean(attempt: GateInput['attempt']): boolean {
  if (attempt === null) return true;
  const streamOk = !attempt.classification || attempt.classification.kind === 'success';
  return attempt.outcome === 'exited' && attempt.exitCode === 0 && streamOk;
}

/** Whether it is worth running verify: no point when the cheaper checks already failed. */
export function shouldRunVerify(input: Omit<GateInput, 'verify'>): boolean {
  if (!input.hasVerify || !workerClean(input.attempt)) return false;
  const priors = input.attempt?.priorArtifacts ?? [];
  const fence = input.attempt?.fenceMs ?? null;
  return input.artifacts.every((f) => checkArtifact(f, priors.find((p) => p.path === f.path), input.attempt !== null, fence).ok);
}

function describeWorker(a: NonNullable<GateInput['attempt']>): string {
  if (a.classification && a.classification.kind !== 'success' && a.outcome === 'exited') {
    return `worker ended ${a.classification.kind.replace('_', ' ')}: ${a.classification.message}`;
  }
  if (a.outcome === 'exited') return a.signal ? `worker was killed by ${a.signal}` : `worker exited with code ${a.exitCode}`;
  if (a.outcome === 'timeout') return 'worker ran out of its time budget';
  if (a.outcome === 'killed') return 'worker was stopped';
  // A batch job can be lost while aura runs (its node failed): the stop reason says so.
  if (a.outcome === 'lost') return a.stopReason ? `worker was lost (${a.stopReason})` : 'worker was lost while aura was down';
  if (a.outcome === 'spawn_error') return 'worker could not be started';
  return `worker ended (${a.outcome ?? 'unknown'})`;
}

export function judge(input: GateInput): Evidence {
  const clean = workerClean(input.attempt);
  const priors = input.attempt?.priorArtifacts ?? [];
  const fence = input.attempt?.fenceMs ?? null;
  const artifacts = input.artifacts.map((f) => checkArtifact(f, priors.find((p) => p.path === f.path), input.attempt !== null, fence));
  const badArtifacts = artifacts.filter((a) => !a.ok);
  const verifyOk = !input.hasVerify || (input.verify?.ok ?? false);
  const passed = clean && badArtifacts.length === 0 && verifyOk;

  const parts: string[] = [];
  if (!clean && input.attempt) parts.push(describeWorker(input.attempt));
  for (const a of badArtifacts) parts.push(`${a.path}: ${a.note ?? 'not ok'}`);
  if (input.hasVerify) {
    if (!input.verify) parts.push('verify not run (earlier checks failed)');
    else if (!input.verify.ok) {
      parts.push(
        input.verify.timedOut
          ? `verify timed out after ${Math.round(input.verify.durationMs / 1000)}s`
          : `verify failed (${input.verify.signal ? `signal ${input.verify.signal}` : `exit ${input.verify.exitCode}`})`,
      );
    }
  }
  let summary: string;
  if (passed) {
    const bits: string[] = [];
    if (input.attempt) bits.push('exit 0');
    if (artifacts.length) bits.push(`${artifacts.length} artifact${artifacts.length > 1 ? 's' : ''} present and fresh`);
    if (input.hasVerify) bits.push('verify passed');
    if (!input.attempt && !input.hasVerify && artifacts.length === 0) bits.push('all subtasks done');
    summary = `verified: ${bits.join(', ')}`;
  } else {
    summary = `not done: ${parts.join('; ')}`;
  }
  return {
    checkedAt: input.now.toISOString(),
    passed,
    summary,
    workerClean: clean,
    artifacts,
    verify: input.verify,
  };
}

/**
 * What an attempt's artifacts are compared with: the snapshot and fence of the first attempt of the
 * task's current round (since it started, or since task.md last changed it), so a retry that writes
 * again what an earlier attempt of the same round wrote still counts, while anything from before the
 * round never does. Paths the first attempt did not snapshot use the attempt's own.
 */
export function roundBaseline(t: Pick<TaskState, 'attempts' | 'attemptBase'>, a: Attempt): Pick<Attempt, 'priorArtifacts' | 'fenceMs'> {
  const first = t.attempts.slice(t.attemptBase).find((x) => x.n <= a.n) ?? a;
  // Its own worktree (issue 14) starts from the branch's tip, not from what an earlier attempt left.
  if (first === a || a.worktree) return { priorArtifacts: a.priorArtifacts, fenceMs: a.fenceMs };
  const priors = a.priorArtifacts.map((p) => first.priorArtifacts.find((q) => q.path === p.path) ?? p);
  return { priorArtifacts: priors, fenceMs: first.fenceMs ?? a.fenceMs };
}
