import { readFileSync } from 'node:fs';

let v: string | undefined;
/** The package version, read once from package.json two levels above this module (src/ or dist/). */
export function packageVersion(): string {
  v ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return v;
}
