// `{{name}}` substitution for templates/progress.md. Strict on purpose: a placeholder the caller
// does not supply (a typo such as {{task}}) throws, so a broken template fails a test instead of
// shipping a page with a literal "{{task}}" or a silently missing section.

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export class TemplateError extends Error {
  readonly unknown: string[];
  constructor(unknown: string[]) {
    super(`unknown template placeholder${unknown.length === 1 ? '' : 's'}: ${unknown.map((n) => `{{${n}}}`).join(', ')}`);
    this.name = 'TemplateError';
    this.unknown = unknown;
  }
}

/**
 * Replaces each `{{name}}` (surrounding spaces allowed) with values[name], in one pass, so text
 * inside a value that looks like a placeholder is left alone. Throws TemplateError listing every
 * placeholder with no value.
 */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  const unknown: string[] = [];
  const out = template.replace(PLACEHOLDER, (whole, raw: string) => {
    const name = raw.trim();
    if (Object.hasOwn(values, name)) return values[name] ?? '';
    if (!unknown.includes(name)) unknown.push(name);
    return whole;
  });
  if (unknown.length > 0) throw new TemplateError(unknown);
  return out;
}

/** The placeholder names a template uses, in order of first appearance. */
export function placeholders(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = (m[1] ?? '').trim();
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
