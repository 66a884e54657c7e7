// The dashboard page in a real browser (Chromium through playwright-core) against a real daemon:
// a run progressing live without a reload, a task's output following, the controls, a wrong or
// missing token refused, a foreign Host refused, and ten tabs all updating over one shared stream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { projectsForThisFile, waitFor, type Project } from '../helpers/aura.js';
import { browserMissing, launch, statusOf, waitText, type Browser, type PageGlobals } from './browser.js';
import { request, serve } from './helpers.js';

const project = projectsForThisFile();
/** state.json, read again when caught between the store's renames. */
const stateOf = (p: Project) => waitFor('state.json', () => p.state());
const missing = browserMissing();

const GATE = '- [ ] Gate\n  - id: gate\n  - run: `while [ ! -f go ]; do sleep 0.1; done; echo ok > gate.txt`\n  - produces: `gate.txt`\n';
const LONG = '- [ ] Long\n  - id: long\n  - needs: none\n  - run: `sleep 60`\n';

describe('dashboard page in Chromium', { skip: missing ?? false }, () => {
  let b: Browser;
  before(async () => {
    b = await launch();
  });
  after(async () => {
    await b?.close();
  });

  const open = async (url: string): Promise<Page> => {
    const page = await b.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/the server responded with a status of 40[13]/.test(m.text())) errors.push(m.text());
    });
    (page as Page & { errors: string[] }).errors = errors;
    await page.goto(url);
    return page;
  };
  const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;

  test('a run progresses live: running → done without a reload, the feed and the worker panel follow, a task’s output follows', async () => {
    const ticker = '- [ ] Ticker\n  - id: ticker\n  - needs: none\n  - run: `for i in $(seq 1 30); do echo line $i; sleep 0.3; done`\n';
    const p = project({ 'task.md': `# Live page\n\n${GATE}${ticker}` });
    const s = await serve(p, ['--set', 'AURA_WORKER_RESOURCE_POLL_SECONDS=1']);
    const page = await open(`${s.base}/#token=${s.token}`);
    try {
      await waitText(page, '#goal', /^Live page$/);
      await waitText(page, statusOf('gate'), /^running$/);
      assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
      await page.evaluate(() => ((globalThis as unknown as PageGlobals).sameLoad = true));
      await waitText(page, '[data-worker="gate"]', /CPU .*RSS/);
      await page.waitForSelector('[data-worker="gate"] svg.spark polyline', { timeout: 20_000 });

      await page.click('li[data-task="ticker"] a.title');
      await waitText(page, '#task-title', /Ticker \(ticker\)/);
      await waitText(page, '#task-log', /line 2\b/);
      await waitText(page, '#task-log', /line 12\b/);
      await waitText(page, '#task-follow', /attempt 1, following/);

      p.write('go', '');
      await waitText(page, statusOf('gate'), /^done$/);
      await waitText(page, '#feed', /verifying → done/);
      await waitText(page, statusOf('ticker'), /^done$/, 30_000);
      await waitText(page, '#task-log', /line 30\b/);
      await waitText(page, '#overall', /^done$/);
      assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).sameLoad), true, 'the same page load all along');
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.close();
      await s.stop();
    }
  });

  test('the controls: pause, resume, kill (asks twice), retry and refresh act and are acknowledged', async () => {
    const p = project({ 'task.md': `# Controls\n\n${LONG}` });
    const s = await serve(p);
    const page = await open(`${s.base}/#token=${s.token}`);
    try {
      await waitText(page, statusOf('long'), /^running$/);
      await page.click('#pause');
      await waitText(page, '#ack', /paused: nothing new starts/);
      await waitText(page, '#pause-note', /Paused: paused by aura pause \(from the dashboard\)/);
      await waitFor('paused in the state', () => p.state().pause?.kind === 'user');
      await page.click('#resume');
      await waitText(page, '#ack', /^resumed$/);
      await waitFor('resumed in the state', () => p.state().pause === null);

      const kill = `li[data-task="long"] button[data-act="kill"]`;
      await page.click(kill);
      await waitText(page, kill, /Really kill\?/);
      assert.equal((await stateOf(p)).tasks.long?.status, 'running', 'one press only arms it');
      await page.click(kill);
      await waitText(page, '#ack', /stopping long; it will not be retried until aura retry long/);
      await waitText(page, statusOf('long'), /^failed$/);
      assert.ok(p.journal().some((e) => e.task === 'long' && /killed by the user \(from the dashboard\)/.test(e.msg)));

      await page.click('li[data-task="long"] button[data-act="retry"]');
      await waitText(page, '#ack', /long is pending again/);
      await waitText(page, statusOf('long'), /^running$/);
      // The page shows the daemon's memory, which is ahead of state.json (saved after the journal).
      await waitFor('a second attempt in state.json', () => p.state().tasks.long?.attempts.length === 2);

      await page.click('#refresh');
      await waitText(page, '#ack', /^woke: cycle \d+ started$/);
      assert.deepEqual(errorsOf(page), []);
    } finally {
      await page.close();
      await s.stop();
    }
  });

  test('a missing or wrong token is refused: the page asks for it and nothing changes until it is right', async () => {
    const p = project({ 'task.md': `# Tokens\n\n${LONG}` });
    const s = await serve(p);
    const page = await open(`${s.base}/`);
    try {
      await waitText(page, statusOf('long'), /^running$/);
      assert.equal(await page.isVisible('#token-bar'), true, 'without a token the page asks for one');
      await page.click('#pause');
      await waitText(page, '#ack', /needs the dashboard token/);
      await page.fill('#token-input', 'not-the-token');
      await page.click('#token-form button');
      await page.click('#pause');
      await waitText(page, '#ack', /the token is not this daemon's/);
      assert.equal(await page.isVisible('#token-bar'), true);
      await page.click(`li[data-task="long"] button[data-act="kill"]`);
      await page.click(`li[data-task="long"] button[data-act="kill"]`);
      await waitText(page, '#ack', /needs the dashboard token|the token is not this daemon's/);
      const st = await stateOf(p);
      assert.equal(st.pause, null, 'not paused');
      assert.equal(st.tasks.long?.status, 'running', 'not killed');
      assert.ok(!p.journal().some((e) => /from the dashboard/.test(e.msg)), 'nothing reached the daemon');

      await page.fill('#token-input', s.token);
      await page.click('#token-form button');
      await page.click('#pause');
      await waitText(page, '#ack', /paused: nothing new starts/);
      assert.equal(await page.isVisible('#token-bar'), false);
      assert.equal((await page.content()).includes(s.token), false, 'the token is not in the page');
    } finally {
      await page.close();
      await s.stop();
    }
  });

  test('a page reached under a foreign name (DNS rebinding) is refused, API and all', async () => {
    const p = project({ 'task.md': '# Rebinding\n' });
    const s = await serve(p);
    const page = await b.context.newPage();
    try {
      const res = await page.goto(`http://evil.test:${s.port}/`);
      assert.equal(res?.status(), 403);
      const body = JSON.parse((await page.textContent('body')) ?? '{}');
      assert.equal(body.error.code, 'bad_host');
      const api = await page.goto(`http://evil.test:${s.port}/api/v1/state`);
      assert.equal(api?.status(), 403);
      // The same browser at the real address is served.
      assert.equal((await page.goto(`${s.base}/api/v1/state`))?.status(), 200);
    } finally {
      await page.close();
      await s.stop();
    }
  });

  test('ten tabs at once all update, over one shared event stream; closing the leading tab hands the stream on', async () => {
    const p = project({ 'task.md': `# Ten tabs\n\n${GATE}` });
    const s = await serve(p);
    const pages: Page[] = [];
    try {
      for (let i = 0; i < 10; i++) pages.push(await open(`${s.base}/#token=${s.token}`));
      for (const page of pages) await waitText(page, statusOf('gate'), /^running$/);
      const streams = async () => (await request(s.port, 'GET', '/api/v1/state')).json.streams as number;
      const leaders = async () => (await Promise.all(pages.map((page) => page.getAttribute('#conn', 'data-role')))).filter((r) => r === 'leader').length;
      assert.equal(await streams(), 1, 'ten tabs, one stream');
      assert.equal(await leaders(), 1, 'one tab leads');

      p.write('go', '');
      for (const page of pages) await waitText(page, statusOf('gate'), /^done$/);
      for (const page of pages) await waitText(page, '#feed', /verifying → done/);

      // Hand-over: close the tab that leads, then act again.
      const roles = await Promise.all(pages.map((page) => page.getAttribute('#conn', 'data-role')));
      const leader = pages[roles.indexOf('leader')]!;
      await leader.close();
      pages.splice(pages.indexOf(leader), 1);
      const r = await request(s.port, 'POST', '/api/v1/pause', { Authorization: `Bearer ${s.token}` });
      assert.equal(r.status, 200);
      for (const page of pages) await waitText(page, '#pause-note', /Paused/);
      let n = 0;
      for (let t0 = Date.now(); (n = await streams()) !== 1 && Date.now() - t0 < 10_000; ) await new Promise((res) => setTimeout(res, 100));
      assert.equal(n, 1, 'still one stream after the hand-over');
      assert.equal(await leaders(), 1, 'another tab leads');
      for (const page of pages) assert.deepEqual(errorsOf(page), []);
    } finally {
      for (const page of pages) await page.close();
      await s.stop();
    }
  });
});
