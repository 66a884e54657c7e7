// Reads templates/progress.md from the installed package (not the user's project): the layout ships
// with aura. Cached, because the daemon re-renders progress.md every cycle and the file never
// changes while it runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuraError } from '../util/errors.js';

// This module runs as src/progress/load-template.ts (tsx) or dist/progress/load-template.js (built):
// either way the package root is two levels up.
const PACKAGE_ROOT = new URL('../../', import.meta.url);

export const PROGRESS_TEMPLATE_PATH = fileURLToPath(new URL('templates/progress.md', PACKAGE_ROOT));

let cached: string | undefined;

export function loadProgressTemplate(): string {
  if (cached !== undefined) return cached;
  let text: string;
  try {
    text = readFileSync(PROGRESS_TEMPLATE_PATH, 'utf8');
  } catch (err) {
    // Not cached: a failed read should not stick for the daemon's whole life.
    throw new AuraError(
      'INTERNAL',
      `cannot read the progress template ${PROGRESS_TEMPLATE_PATH}: ${(err as Error).message}`,
      'the aura install looks incomplete; reinstall it',
    );
  }
  cached = text;
  return text;
}
