// `aura dashboard`: the link from the daemon's lock (with the token when readable), --json, --open
// through the desktop's opener without the token on any command line, and exit 4 without a dashboard.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { projectsForThisFile, runAura, startDaemon, testEnv, waitFor } from '../helpers/aura.js';
import { modeOf, serve, tokenFile } from './helpers.js';

const project = projectsForThisFile();

describe('aura dashboard', () => {
  test('no daemon, or a daemon without --http: exit 4 saying what to do', async () => {
    const p = project({ 'task.md': '# Plain\n\n- [ ] Long\n  - run: `sleep 30`\n' });
    const none = await runAura(['dashboard'], { cwd: p.dir });
    assert.equal(none.code, 4);
    assert.match(none.stderr, /no aura daemon is running/);
    assert.match(none.stderr, /--http/);
    const d = startDaemon(['task.md', '--interval', '3600'], { cwd: p.dir });
    try {
      await waitFor('the lock', () => p.exists('.aura/run/daemon.lock'));
      const r = await runAura(['dashboard'], { cwd: p.dir });
      assert.equal(r.code, 4);
      assert.match(r.stderr, new RegExp(`the aura daemon \\(PID ${d.child.pid}\\) serves no dashboard`));
      assert.match(r.stderr, /restart it with `aura start <task-file> --http`/);
    } finally {
      d.kill();
      await d.exited;
    }
  });

  test('prints the link with the token, --json, and --open hands a 0600 forwarding page to the opener', async () => {
    const p = project({ 'task.md': '# Linked\n' });
    const bin = p.file('fakebin');
    p.write('fakebin/xdg-open', `#!/bin/sh\nprintf '%s\\n' "$@" > "${p.file('opened.txt')}"\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    const s = await serve(p);
    try {
      const r = await runAura(['dashboard'], { cwd: p.dir });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `http://127.0.0.1:${s.port}/#token=${s.token}\n`);
      const j = await runAura(['dashboard', '--json', '--dir', p.dir], { cwd: '/' });
      assert.deepEqual(JSON.parse(j.stdout), {
        url: `http://127.0.0.1:${s.port}/`,
        link: `http://127.0.0.1:${s.port}/#token=${s.token}`,
        host: '127.0.0.1',
        port: s.port,
        pid: s.d.child.pid,
        tokenFile: tokenFile(p),
        token: s.token,
      });

      const env = testEnv({ PATH: `${bin}:${process.env.PATH}` });
      const o = await runAura(['dashboard', '--open'], { cwd: p.dir, env });
      assert.equal(o.code, 0, o.stderr);
      const args = (await waitFor('the opener ran', () => p.exists('opened.txt') && readFileSync(p.file('opened.txt'), 'utf8'))).trim();
      const page = p.file('.aura/run/http-open.html');
      assert.equal(args, page, 'the opener gets a file, not the link');
      assert.ok(!args.includes(s.token));
      assert.equal(modeOf(page), 0o600);
      assert.ok(readFileSync(page, 'utf8').includes(`http://127.0.0.1:${s.port}/#token=${s.token}`));

      const noOpener = await runAura(['dashboard', '--open'], { cwd: p.dir, env: testEnv({ PATH: '/nonexistent' }) });
      assert.equal(noOpener.code, 2);
      assert.match(noOpener.stderr, /cannot open a browser here: there is no xdg-open/);
    } finally {
      await s.stop();
    }
    assert.equal(existsSync(p.file('.aura/run/http-open.html')), false, 'the forwarding page goes with the token');
  });
});
