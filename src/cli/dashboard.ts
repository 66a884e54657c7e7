// `aura dashboard`: where the running daemon's dashboard is (from its lock), as a link that carries
// the token when this user can read the token file; --open hands it to the desktop's browser.
//
// --open never puts the token on a command line (other users can read those in /proc for as long as
// the browser runs): it writes a 0600 page next to the token that forwards to the link, and opens
// that file instead, as Jupyter does.
import { spawn } from 'node:child_process';
import { readFile, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { OPEN_PAGE, tokenFileFor } from '../http/token.js';
import { layoutFor } from '../store/layout.js';
import { readLock } from '../store/lock-read.js';
import { AuraError, errnoCode } from '../util/errors.js';
import { findProject } from './project.js';

export interface DashboardOptions {
  dir?: string;
  open?: boolean;
  json?: boolean;
}

async function readToken(file: string): Promise<string | null> {
  try {
    const t = (await readFile(file, 'utf8')).trim();
    return t || null;
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM') return null;
    throw err;
  }
}

/** The forwarding page: the link only in a script and a meta refresh, never in the file's name. */
export function openPage(link: string): string {
  const j = JSON.stringify(link).replace(/</g, '\\u003c');
  const attr = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attr}"><title>aura dashboard</title><script>location.replace(${j})</script><p>Opening the aura dashboard…</p>\n`;
}

function opener(): string {
  return process.platform === 'darwin' ? 'open' : 'xdg-open';
}

async function openInBrowser(target: string): Promise<void> {
  const cmd = opener();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, [target], { detached: true, stdio: 'ignore' });
    child.once('error', (err) => {
      reject(
        errnoCode(err) === 'ENOENT'
          ? new AuraError('BAD_USAGE', `cannot open a browser here: there is no ${cmd}`, 'open the link printed above yourself')
          : err,
      );
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

export async function dashboardCommand(o: DashboardOptions): Promise<number> {
  const project = findProject(o.dir);
  const layout = layoutFor(project);
  const lock = await readLock(layout);
  if (!lock || !lock.alive) {
    throw new AuraError('NO_DAEMON', `no aura daemon is running in ${project}`, 'start one with `aura start <task-file> --http` (or pass --dir <project>)');
  }
  const http = lock.info.http;
  if (!http) {
    throw new AuraError('NO_DAEMON', `the aura daemon (PID ${lock.info.pid}) serves no dashboard`, 'restart it with `aura start <task-file> --http` (or set AURA_HTTP_PORT)');
  }
  // The token file is looked for where this project keeps it, not wherever the lock says.
  const tokenFile = tokenFileFor(layout.runDir);
  const token = await readToken(tokenFile);
  const link = token ? `${http.url}#token=${token}` : http.url;
  if (o.json) {
    process.stdout.write(JSON.stringify({ url: http.url, link, host: http.host, port: http.port, pid: lock.info.pid, tokenFile, token }) + '\n');
  } else {
    process.stdout.write(`${link}\n`);
    if (!token) process.stderr.write(`aura: note: cannot read ${tokenFile}: the page can show the run, but changes need the token\n`);
  }
  if (o.open) {
    let target = http.url;
    if (token) {
      target = path.join(layout.runDir, OPEN_PAGE);
      const tmp = `${target}.new-${process.pid}`;
      await writeFile(tmp, openPage(link), { mode: 0o600 });
      await rename(tmp, target);
    }
    await openInBrowser(target);
  }
  return 0;
}
