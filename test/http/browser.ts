// A real Chromium for the page tests: Debian's chromium driven by playwright-core. The machine's
// network is closed, so everything that would reach out at start-up is switched off (without those
// flags Chromium hangs on refused connections). evil.test resolves to 127.0.0.1, as a rebinding
// attacker's name would.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** What in-page functions use, typed without the DOM library. */
export interface PageGlobals {
  document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> };
  [k: string]: unknown;
}

export const CHROMIUM = process.env.AURA_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Why the page tests cannot run here, or null. In CI a missing browser is a failure, not a skip. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;
  if (process.env.CI) throw new Error(`the page tests must run in CI: ${why}`);
  return why;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aura-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Background tabs must keep running their timers and streams like the front one.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      '--host-resolver-rules=MAP evil.test 127.0.0.1',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** Waits until `selector`'s text matches `re` (no reload, no fixed sleep). */
export async function waitText(page: Page, selector: string, re: RegExp, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForFunction(
      ([sel, src, flags]) => {
        // Runs in the page (the tests are compiled without the DOM types).
        const e = (globalThis as unknown as PageGlobals).document.querySelector(sel!);
        return !!e && new RegExp(src!, flags).test(e.textContent ?? '');
      },
      [selector, re.source, re.flags],
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (err) {
    const now = await page.$eval(selector, (e) => e.textContent).catch(() => '(absent)');
    throw new Error(`waiting for ${selector} to match ${re}: it says ${JSON.stringify(now)} (${String(err).split('\n')[0]})`);
  }
}

/** The status a task shows in the page's tree. */
export const statusOf = (id: string) => `li[data-task="${id}"] > .row .status`;
