// Worker environments are built from an allowlist: the user's shell may hold keys for other
// services, and aura's own AURA_* settings (its API key above all) must never reach a worker.

/** What every worker gets: enough to find binaries, a home, a locale and the GPUs it was given. */
export const BASE_NAMES = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TERM',
  'LANG',
  'LANGUAGE',
  'TZ',
  'CUDA_VISIBLE_DEVICES',
] as const;
export const BASE_PREFIXES = ['LC_'] as const;

export interface EnvAllow {
  /** Exact names the CLI reads. */
  names?: readonly string[];
  /** Prefixes of the CLI's own variables (provider keys, endpoints, switches). */
  prefixes?: readonly string[];
}

export function allowed(name: string, allow: EnvAllow): boolean {
  if (name.startsWith('AURA_')) return false; // before anything else: no prefix may let these through
  if ((BASE_NAMES as readonly string[]).includes(name)) return true;
  if (BASE_PREFIXES.some((p) => name.startsWith(p))) return true;
  if (allow.names?.includes(name)) return true;
  return allow.prefixes?.some((p) => name.startsWith(p)) ?? false;
}

/** The allowlisted part of `parent`, plus `forced` (always set) and `defaults` (set when the user did not). */
export function pickEnv(
  parent: NodeJS.ProcessEnv,
  allow: EnvAllow,
  defaults: Record<string, string> = {},
  forced: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined && allowed(k, allow)) out[k] = v;
  for (const [k, v] of Object.entries(defaults)) if (out[k] === undefined || out[k] === '') out[k] = v;
  Object.assign(out, forced);
  return out;
}
