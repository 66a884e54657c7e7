// The page: three static files shipped in src/http/page/, read on first request and kept (they never
// change while the daemon runs). Nothing in them is per-boot: the token never appears in a page.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { AssetName } from './router.js';

// This module runs as src/http/assets.ts (tsx) or dist/http/assets.js (built): either way the
// package root is two levels up, and the page lives in the source tree (shipped with the package).
export const PAGE_DIR = fileURLToPath(new URL('../../src/http/page/', import.meta.url));

function typeOf(name: AssetName): string {
  if (name.endsWith('.html')) return 'text/html; charset=utf-8';
  if (name.endsWith('.css')) return 'text/css; charset=utf-8';
  return 'text/javascript; charset=utf-8';
}

/** Only the page's own files: no inline script or style, no other origin, no framing. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export class Assets {
  private readonly cache = new Map<AssetName, Buffer>();

  async get(name: AssetName): Promise<{ body: Buffer; type: string }> {
    let body = this.cache.get(name);
    if (!body) {
      body = await readFile(`${PAGE_DIR}${name}`);
      this.cache.set(name, body);
    }
    return { body, type: typeOf(name) };
  }
}
