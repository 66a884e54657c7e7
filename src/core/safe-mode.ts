// Safe mode: when the model's API keeps failing, the rules planner supervises (workers go on, the
// watchdog guards) and aura tries the model again on its own now and then. Pure.
import type { PlannerState, UsageRecord } from '../store/schema.js';
import { sumUsage } from './budget.js';

export type CallFailure = { kind: 'auth' | 'transient' | 'request'; message: string };

export interface SafeModePolicy {
  /** Consecutive failures that switch to safe mode (a refused key switches at once). */
  failuresForSafeMode: number;
  /** Seconds between tries of the model while in safe mode. */
  probeSeconds: number;
}

export function freshPlanner(): PlannerState {
  return {
    mode: 'model',
    failures: 0,
    reason: null,
    since: null,
    nextProbeAt: null,
    calls: 0,
    modelCycles: 0,
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0 },
    hintAt: null,
    declines: 0,
    declinedUntil: null,
    pendingReview: null,
    lastReviewCycle: 0,
  };
}

/** Whether the model may be asked now: always in model mode; in safe mode only when a probe is due. */
export function modelAvailable(p: PlannerState, now: Date): boolean {
  return p.mode === 'model' || !p.nextProbeAt || new Date(p.nextProbeAt) <= now;
}

export type SafeModeChange = 'entered' | 'left' | null;

export function afterSuccess(p: PlannerState): { planner: PlannerState; change: SafeModeChange } {
  const change: SafeModeChange = p.mode === 'safe' ? 'left' : null;
  return { planner: { ...p, mode: 'model', failures: 0, reason: null, since: null, nextProbeAt: null }, change };
}

export function afterFailure(p: PlannerState, f: CallFailure, now: Date, policy: SafeModePolicy): { planner: PlannerState; change: SafeModeChange } {
  const failures = p.failures + 1;
  const enter = f.kind === 'auth' || failures >= policy.failuresForSafeMode;
  const nextProbeAt = new Date(now.getTime() + policy.probeSeconds * 1000).toISOString();
  if (p.mode === 'safe') return { planner: { ...p, failures, reason: f.message, nextProbeAt }, change: null };
  if (!enter) return { planner: { ...p, failures }, change: null };
  return { planner: { ...p, mode: 'safe', failures, reason: f.message, since: now.toISOString(), nextProbeAt }, change: 'entered' };
}

/** The planner's record after calls that made `requests` requests and used `u`. */
export function chargePlanner(p: PlannerState, requests: number, u: UsageRecord): PlannerState {
  return { ...p, calls: p.calls + requests, usage: sumUsage(p.usage, u) };
}
