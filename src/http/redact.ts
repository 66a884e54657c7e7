// Secrets never leave in a response: the values of aura's secret settings, the dashboard token, and
// environment variables whose names say they hold a secret are replaced wherever they appear (a
// worker that echoes its environment into its log included). Pure.

const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|AUTH|COOKIE|SESSION|PRIVATE)(_|$)/i;
/** Shorter values would blank out ordinary words and numbers. */
const MIN_SECRET = 8;

export const REDACTED = '[redacted]';

/** The values to hide: `extra` (settings marked secret, the token) and secret-named variables of `env`. */
export function secretValues(env: NodeJS.ProcessEnv, extra: ReadonlyArray<string | undefined>): string[] {
  const out = new Set<string>();
  for (const v of extra) if (v && v.length >= MIN_SECRET) out.add(v);
  for (const [k, v] of Object.entries(env)) if (v && v.length >= MIN_SECRET && SECRET_NAME.test(k)) out.add(v);
  // Longest first, so a secret that contains another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** A function that replaces every secret in a text, in its raw and its JSON-escaped spelling. */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const f of list) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  };
}
