// Assembling the effective configuration from its five sources and validating it in one pass, so
// the user sees every bad setting at once instead of fixing them one restart at a time.
import path from 'node:path';
import { AuraError } from '../util/errors.js';
import { readEnvFile } from './envfile.js';
import { displayRaw } from './format.js';
import { type Config, isSettingKey, NON_SETTING_ENV_KEYS, parseSetting, SETTING_KEYS, type SettingKey, settingOf } from './schema.js';
import { closest } from './suggest.js';

/** Where a value came from, lowest precedence first. */
export type Source = 'default' | '~/.aura/config.env' | '.env' | 'environment' | 'flag';

export interface Origin {
  source: Source;
  /** The file's actual path for file sources; otherwise the same as `source`. */
  detail: string;
}

export interface LoadOptions {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** Command-line overrides keyed by env name, e.g. { AURA_CYCLE_INTERVAL: '60' }. */
  flags: Partial<Record<string, string>>;
}

export interface LoadedConfig {
  config: Config;
  sources: Record<SettingKey, Origin>;
  warnings: string[];
}

interface Layer {
  origin: Origin;
  values: Partial<Record<string, string>>;
  /** File mode bits, for file layers. */
  mode?: number;
}

const DEFAULT_ORIGIN: Origin = { source: 'default', detail: 'default' };

/** How an origin is named in messages: files by their real path, since "which .env?" is the question. */
export function describeOrigin(o: Origin): string {
  return o.detail;
}

export function homeConfigPath(homeDir: string): string {
  return path.join(homeDir, '.aura', 'config.env');
}

export function projectEnvPath(projectDir: string): string {
  return path.join(projectDir, '.env');
}

// Case-insensitive so a lower-case `aura_cycle_interval=5` gets a warning instead of silence.
const OURS = /^AURA_/i;

function fileLayer(file: string, source: Source, warnings: string[]): Layer | undefined {
  const f = readEnvFile(file);
  if (f === undefined) return undefined;
  warnings.push(...f.warnings);
  return { origin: { source, detail: f.path }, values: f.values, mode: f.mode };
}

/** The sources, lowest precedence first; missing files are left out. */
function readLayers(opts: LoadOptions, warnings: string[]): Layer[] {
  const layers: Layer[] = [];
  const home = fileLayer(homeConfigPath(opts.homeDir), '~/.aura/config.env', warnings);
  if (home) layers.push(home);
  const project = fileLayer(projectEnvPath(opts.projectDir), '.env', warnings);
  if (project) layers.push(project);
  // Only AURA_* from the environment: everything else there belongs to other programs.
  const env = Object.fromEntries(Object.entries(opts.env).filter(([k]) => OURS.test(k)));
  layers.push({ origin: { source: 'environment', detail: 'environment' }, values: env });
  layers.push({ origin: { source: 'flag', detail: 'flag' }, values: opts.flags });
  return layers;
}

function unknownKeyWarning(key: string, origin: Origin): string {
  const guess = closest(key, SETTING_KEYS);
  return `unknown setting ${key} (from ${describeOrigin(origin)})${guess ? `; did you mean ${guess}?` : ''}`;
}

function permissionWarning(layer: Layer): string | undefined {
  if (layer.mode === undefined || process.platform === 'win32') return undefined;
  const holdsSecret = Object.entries(layer.values).some(([k, v]) => isSettingKey(k) && settingOf(k).secret && v?.trim());
  if (!holdsSecret || (layer.mode & 0o044) === 0) return undefined;
  const file = layer.origin.detail;
  return `${file} holds a secret and can be read by other users (mode ${layer.mode.toString(8).padStart(3, '0')}); run: chmod 600 ${file}`;
}

/**
 * Loads the configuration. Precedence, lowest first: defaults, ~/.aura/config.env, <project>/.env,
 * the environment (AURA_* only), flags. An empty value counts as unset in every source, matching
 * the Python ancestor (and `AURA_X= aura …` is the usual way to "unset" in a shell).
 * Throws one AuraError('BAD_CONFIG') listing every invalid effective value.
 */
export function loadConfig(opts: LoadOptions): LoadedConfig {
  const warnings: string[] = [];
  const layers = readLayers(opts, warnings);

  // Every non-empty value each key was given, lowest precedence first.
  const given = new Map<SettingKey, { raw: string; origin: Origin }[]>();
  for (const layer of layers) {
    for (const [key, raw] of Object.entries(layer.values)) {
      if (raw === undefined || raw.trim() === '') continue;
      if (isSettingKey(key)) {
        const list = given.get(key) ?? [];
        list.push({ raw, origin: layer.origin });
        given.set(key, list);
      } else if (layer.origin.source === 'flag' || (OURS.test(key) && !NON_SETTING_ENV_KEYS.has(key))) {
        warnings.push(unknownKeyWarning(key, layer.origin));
      }
    }
    const perm = permissionWarning(layer);
    if (perm) warnings.push(perm);
  }

  const config: Record<string, unknown> = {};
  const sources = {} as Record<SettingKey, Origin>;
  const errors: string[] = [];
  for (const key of SETTING_KEYS) {
    const candidates = given.get(key) ?? [];
    const effective = candidates.at(-1);
    if (effective === undefined) {
      config[key] = settingOf(key).default;
      sources[key] = DEFAULT_ORIGIN;
      continue;
    }
    const r = parseSetting(key, effective.raw);
    const where = `${key}=${displayRaw(key, effective.raw)} (from ${describeOrigin(effective.origin)})`;
    if (r.ok) config[key] = r.value;
    else errors.push(`${where}: ${r.message}`);
    sources[key] = effective.origin;
    // A bad value that is overridden does no harm today but will the day the override goes away.
    for (const shadowed of candidates.slice(0, -1)) {
      const s = parseSetting(key, shadowed.raw);
      if (!s.ok) {
        warnings.push(
          `${key}=${displayRaw(key, shadowed.raw)} (from ${describeOrigin(shadowed.origin)}) is invalid, ${s.message}; ` +
            `ignored because ${describeOrigin(effective.origin)} overrides it`,
        );
      }
    }
  }

  // Settings that are each valid but do not make sense together.
  if (config.AURA_PLANNER === 'llm' && config.AURA_API_KEY === undefined) {
    errors.push(`AURA_PLANNER=llm (from ${describeOrigin(sources.AURA_PLANNER)}): the LLM planner needs AURA_API_KEY; set the key, or use AURA_PLANNER=auto or rules`);
  }

  if (errors.length > 0) {
    const heading = errors.length === 1 ? 'invalid setting:' : `${errors.length} invalid settings:`;
    throw new AuraError(
      'BAD_CONFIG',
      [heading, ...errors.map((e) => `  ${e}`)].join('\n'),
      'fix these values, or remove them to use the defaults',
    );
  }
  return { config: config as Config, sources, warnings };
}
