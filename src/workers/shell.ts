// The shell worker's environment. (Its command runs as `/bin/sh -c <run>` under the runner; see
// registry.ts and runner.ts.)

/**
 * What shell workers inherit: the user's environment without aura's own settings (AURA_API_KEY and
 * the rest of AURA_*), which are for aura, not for the work.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith('AURA_') || v === undefined) continue;
    out[k] = v;
  }
  return out;
}
