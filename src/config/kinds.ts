// Value kinds for settings. Each builder returns the zod type that parses the raw string AND the
// "accepted values" sentence shown to users, from the same arguments, so the two cannot drift apart.
// Every type takes a string (settings arrive from env files, the environment and flags) and trims it,
// because trailing blanks in env files are invisible and should not make a value invalid.
import { isIP } from 'node:net';
import { z } from 'zod';

export interface Kind<T extends z.ZodType> {
  /** Parses one raw (non-empty) string into the typed value. */
  type: T;
  /** Completes "expected …": what a valid value looks like, in the user's words. */
  accepts: string;
}

// Plain decimals only: z.coerce.number() would also take '', '0x10', 'Infinity' and '1e3', none of
// which anyone means in a config file and some of which (''→0) silently change behaviour.
const INTEGER_RE = /^[+-]?\d+$/;
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function unitText(unit: string | undefined): string {
  return unit ? ` of ${unit}` : '';
}

/** A whole number in [min, max]. */
export function wholeNumber(min: number, max: number, unit?: string) {
  return {
    type: z
      .string()
      .trim()
      .regex(INTEGER_RE)
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
    accepts: `a whole number${unitText(unit)} between ${min} and ${max}`,
  } satisfies Kind<z.ZodType>;
}

export interface DecimalRange {
  /** Inclusive lower bound. */
  min?: number;
  /** Exclusive lower bound (for "must be > 0"). */
  above?: number;
  /** Inclusive upper bound. */
  max?: number;
  /** Appended to the accepted-values text, e.g. "(0 disables this limit)". */
  note?: string;
}

/** A decimal number within the given bounds. */
export function decimal(range: DecimalRange, unit?: string) {
  let n = z.number();
  const parts: string[] = [];
  if (range.above !== undefined) {
    n = n.gt(range.above);
    parts.push(`greater than ${range.above}`);
  }
  if (range.min !== undefined) {
    n = n.min(range.min);
    parts.push(range.min === 0 ? 'zero or more' : `at least ${range.min}`);
  }
  if (range.max !== undefined) {
    n = n.max(range.max);
    parts.push(`at most ${range.max}`);
  }
  const bounds = parts.length > 0 ? ` ${parts.join(' and ')}` : '';
  return {
    type: z.string().trim().regex(DECIMAL_RE).transform(Number).pipe(n),
    accepts: `a number${unitText(unit)}${bounds}${range.note ? ` ${range.note}` : ''}`,
  } satisfies Kind<z.ZodType>;
}

/** A percentage in [0, 100]; 0 conventionally disables a limit. */
export function percent() {
  const k = decimal({ min: 0, max: 100 });
  return { type: k.type, accepts: 'a percentage from 0 to 100 (0 disables this limit)' } satisfies Kind<z.ZodType>;
}

// The spellings our Python ancestor accepted; kept so existing config.env files keep working.
const TRUE_WORDS = ['true', '1', 'yes', 'on'] as const;
const FALSE_WORDS = ['false', '0', 'no', 'off'] as const;

/** A boolean written as true/false, 1/0, yes/no or on/off, any case. */
export function boolean() {
  return {
    type: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum([...TRUE_WORDS, ...FALSE_WORDS]))
      .transform((w) => (TRUE_WORDS as readonly string[]).includes(w)),
    accepts: 'true or false (also 1/0, yes/no, on/off)',
  } satisfies Kind<z.ZodType>;
}

/** One of a fixed list of words; input is matched case-insensitively and comes out as listed. */
export function oneOf<const V extends readonly [string, ...string[]]>(values: V) {
  const byLower = new Map(values.map((v) => [v.toLowerCase(), v]));
  return {
    type: z
      .string()
      .trim()
      .transform((s) => byLower.get(s.toLowerCase()) ?? s)
      .pipe(z.enum(values)),
    accepts: `one of ${values.join(', ')}`,
  } satisfies Kind<z.ZodType>;
}

/** An http(s) URL. */
export function httpUrl() {
  return {
    type: z.string().trim().pipe(z.url({ protocol: /^https?$/ })),
    accepts: 'an http:// or https:// URL',
  } satisfies Kind<z.ZodType>;
}

/** A single word: no blanks inside (model names, API keys, where a blank is always a paste error). */
export function word(what: string) {
  return {
    type: z.string().trim().regex(/^\S+$/),
    accepts: `${what} without spaces`,
  } satisfies Kind<z.ZodType>;
}

/** A comma-separated list of non-empty items without blanks, e.g. "0,1" or "GPU-1a2b,GPU-3c4d". */
export function commaList(what: string) {
  return {
    type: z.string().trim().regex(/^[^\s,]+(,[^\s,]+)*$/),
    accepts: `a comma-separated list of ${what} without spaces, e.g. 0,1`,
  } satisfies Kind<z.ZodType>;
}

/** Free text on one line (a command template). */
export function line(what: string) {
  return {
    type: z.string().trim().min(1).max(4000).regex(/^[^\n\r]+$/),
    accepts: `${what} on one line, at most 4000 characters`,
  } satisfies Kind<z.ZodType>;
}

/** A comma-separated list of words from a fixed set, e.g. "goal_done,task_failed". */
export function listOf<const V extends readonly [string, ...string[]]>(values: V) {
  const allowed = new Set<string>(values);
  return {
    type: z
      .string()
      .trim()
      .transform((s) => s.split(',').map((w) => w.trim().toLowerCase()).filter(Boolean))
      .refine((ws) => ws.every((w) => allowed.has(w)), { message: 'unknown word' }),
    accepts: `a comma-separated list of: ${values.join(', ')}`,
  } satisfies Kind<z.ZodType>;
}

const HOST_NAME_RE = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to listen on: an IPv4 or IPv6 address (no brackets) or a host name. */
export function listenAddress() {
  return {
    type: z
      .string()
      .trim()
      .refine((s) => isIP(s) !== 0 || HOST_NAME_RE.test(s)),
    accepts: 'an IP address (such as 127.0.0.1, 0.0.0.0 or ::1) or a host name',
  } satisfies Kind<z.ZodType>;
}
