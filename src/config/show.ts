// Showing configuration to people: the effective values (`aura config`) and the reference table
// for the README. Both walk SETTINGS, so a new setting shows up everywhere without extra work.
import { z } from 'zod';
import { displayValue } from './format.js';
import type { Origin } from './load.js';
import { type Config, GROUPS, type Group, SETTING_KEYS, type SettingKey, settingOf } from './schema.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

/** One setting in `aura config --json` (the output is a record keyed by setting name). */
export const JsonEntry = z.object({
  /** The effective value; secrets masked; null when unset. */
  value: Scalar,
  source: z.enum(['default', '~/.aura/config.env', '.env', 'environment', 'flag']),
  /** The file path for file sources, otherwise the same as source. */
  detail: z.string(),
  default: Scalar,
  description: z.string(),
});
export type JsonEntry = z.infer<typeof JsonEntry>;

/** `aura config --json`. */
export const ConfigJson = z.record(z.string(), JsonEntry);

function jsonValue(key: SettingKey, value: unknown): JsonEntry['value'] {
  if (value === undefined) return null;
  if (settingOf(key).secret) return displayValue(key, value);
  return value as JsonEntry['value'];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  // The last column is not padded, so lines carry no trailing blanks.
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n');
}

/** The effective configuration as an aligned text table, or as JSON keyed by setting. Never prints a whole secret. */
export function renderConfig(config: Config, sources: Record<SettingKey, Origin>, opts: { json: boolean }): string {
  if (opts.json) {
    const out: Record<string, JsonEntry> = {};
    for (const key of SETTING_KEYS) {
      const s = settingOf(key);
      out[key] = {
        value: jsonValue(key, config[key]),
        source: sources[key].source,
        detail: sources[key].detail,
        default: jsonValue(key, s.default),
        description: s.description,
      };
    }
    return JSON.stringify(out, null, 2);
  }
  const rows = [['KEY', 'VALUE', 'SOURCE']];
  for (const key of SETTING_KEYS) {
    const o = sources[key];
    const source = o.detail === o.source ? o.source : `${o.source} (${o.detail})`;
    rows.push([key, displayValue(key, config[key]), source]);
  }
  return table(rows);
}

function mdCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** Markdown reference of every setting, one table per group, for the README's config section. */
export function renderConfigReference(): string {
  const parts: string[] = [];
  for (const group of Object.keys(GROUPS) as Group[]) {
    const keys = SETTING_KEYS.filter((k) => settingOf(k).group === group);
    if (keys.length === 0) continue;
    parts.push(`### ${GROUPS[group]}`, '', '| Key | Default | Description |', '| --- | --- | --- |');
    for (const key of keys) {
      const s = settingOf(key);
      const name = `\`${key}\`${s.secret ? ' (secret)' : ''}`;
      const dflt = s.default === undefined ? '*(unset)*' : `\`${String(s.default)}\``;
      parts.push(`| ${name} | ${dflt} | ${mdCell(s.description)} |`);
    }
    parts.push('');
  }
  return parts.join('\n').trimEnd();
}

/** The text of .env.example: every setting, commented out, at its default; secrets as placeholders. */
export function renderEnvExample(): string {
  const lines = [
    "# aura settings. Copy to ~/.aura/config.env (chmod 600) or to a project's .env.",
    '# Every key is optional; the values below are the defaults. Placeholders only: never commit a real key.',
  ];
  let group: Group | '' = '';
  for (const key of SETTING_KEYS) {
    const s = settingOf(key);
    if (s.group !== group) {
      group = s.group;
      lines.push('', `# ${GROUPS[s.group]}`);
    }
    lines.push(`# ${s.description}`);
    const value = s.secret ? 'your-key-here' : s.default === undefined ? '' : String(s.default);
    lines.push(`# ${key}=${value}`);
  }
  return lines.join('\n') + '\n';
}
