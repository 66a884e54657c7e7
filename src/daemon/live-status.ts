// Reading a running worker's status.json (written by its runner at most once a second).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { UsageRecord } from '../store/schema.js';
import { errnoCode } from '../util/errors.js';
import type { RunnerStatus } from '../workers/runner.js';

export async function readRunnerStatus(attemptDirAbs: string): Promise<RunnerStatus | null> {
  try {
    return JSON.parse(await readFile(path.join(attemptDirAbs, 'status.json'), 'utf8')) as RunnerStatus;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT' || err instanceof SyntaxError) return null;
    throw err;
  }
}

export function liveUsage(s: RunnerStatus | null): UsageRecord | null {
  const u = s?.summary?.usage;
  return u && typeof u.inputTokens === 'number' ? u : null;
}
