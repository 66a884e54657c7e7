// The evidence gate. A worker's exit code is a claim; done needs proof on disk:
//   1. the worker exited cleanly (exit 0, not stopped by aura),
//   2. every `produces:` path exists, is non-empty and was written during this attempt,
//   3. `verify:` (run by aura, not the worker) exits 0.
// Pure: the caller gathers the facts (stat, the verify run) and passes them in.
import type { ArtifactCheck, Attempt, Evidence, PriorArtifact, VerifyCheck } from '../store/schema.js';

/** What stat() said about a produces: path after the attempt. */
export interface ArtifactFact {
  path: string;
  /** null: the path does not exist. */
  stat: { size: number; mtimeMs: number; ino: number; isDirectory: boolean; entries?: number } | null;
  /** Set when the path is not acceptable at all (outside the project, unreadable). */
  problem?: string;
}

/**
 * Fresh = written during this attempt: it did not exist before the attempt, or its mtime or inode
 * changed since. Comparing with the snapshot taken at spawn (rather than with the clock) is immune to
 * coarse filesystem timestamps and clock skew.
 */
export function isFresh(fact: ArtifactFact, prior: PriorArtifact | undefined): boolean {
  if (!fact.stat) return false;
  if (!prior || !prior.existed) return true;
  return fact.stat.mtimeMs !== prior.mtimeMs || fact.stat.ino !== prior.ino || fact.stat.size !== prior.size;
}

export function checkArtifact(fact: ArtifactFact, prior: PriorArtifact | undefined, needFresh: boolean): ArtifactCheck {
  const base = { path: fact.path, exists: !!fact.stat, size: fact.stat?.size ?? 0, fresh: false, ok: false };
  if (fact.problem) return { ...base, note: fact.problem };
  if (!fact.stat) return { ...base, note: 'missing' };
  const fresh = isFresh(fact, prior);
  const empty = fact.stat.isDirectory ? (fact.stat.entries ?? 0) === 0 : fact.stat.size === 0;
  if (empty) return { ...base, fresh, note: fact.stat.isDirectory ? 'empty directory' : 'empty file' };
  if (needFresh && !fresh) return { ...base, fresh, note: 'not written during this attempt (unchanged since before it started)' };
  return { ...base, fresh, ok: true };
}

export interface GateInput {
  /** The attempt being judged; null for a group task (no worker of its own). */
  attempt: (Pick<Attempt, 'outcome' | 'exitCode' | 'signal' | 'priorArtifacts'> & Partial<Pick<Attempt, 'classification'>>) | null;
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
  return input.artifacts.every((f) => checkArtifact(f, priors.find((p) => p.path === f.path), input.attempt !== null).ok);
}

function describeWorker(a: NonNullable<GateInput['attempt']>): string {
  if (a.classification && a.classification.kind !== 'success' && a.outcome === 'exited') {
    return `worker ended ${a.classification.kind.replace('_', ' ')}: ${a.classification.message}`;
  }
  if (a.outcome === 'exited') return a.signal ? `worker was killed by ${a.signal}` : `worker exited with code ${a.exitCode}`;
  if (a.outcome === 'timeout') return 'worker ran out of its time budget';
  if (a.outcome === 'killed') return 'worker was stopped';
  if (a.outcome === 'lost') return 'worker was lost while aura was down';
  if (a.outcome === 'spawn_error') return 'worker could not be started';
  return `worker ended (${a.outcome ?? 'unknown'})`;
}

export function judge(input: GateInput): Evidence {
  const clean = workerClean(input.attempt);
  const priors = input.attempt?.priorArtifacts ?? [];
  const artifacts = input.artifacts.map((f) => checkArtifact(f, priors.find((p) => p.path === f.path), input.attempt !== null));
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
