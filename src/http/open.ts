// The daemon's side of the dashboard: with AURA_HTTP_PORT set (`aura start --http`), bind the server,
// write the per-boot token 0600 next to the lock, put the address in the lock for `aura dashboard`
// and other tools, and say where it is. The address goes to the log; the link that carries the token
// only to the terminal (the log file may be readable by more people than the token file).
import path from 'node:path';
import { SETTING_KEYS, settingOf, type Config } from '../config/schema.js';
import type { LockHandle } from '../store/lock.js';
import type { DashboardHost } from './host.js';
import { secretValues } from './redact.js';
import { DashboardServer } from './server.js';
import { newToken, removeToken, tokenFileFor, writeToken } from './token.js';

export interface Dashboard {
  readonly url: string;
  readonly port: number;
  serve(host: DashboardHost): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface OpenOptions {
  config: Config;
  env: NodeJS.ProcessEnv;
  runDir: string;
  lock: LockHandle;
  log: (line: string) => void;
  /** Terminal only (not the log file). */
  tell?: (line: string) => void;
}

/** The dashboard, listening; null when AURA_HTTP_PORT is unset. */
export async function openDashboard(o: OpenOptions): Promise<Dashboard | null> {
  const port = o.config.AURA_HTTP_PORT;
  if (port === undefined) return null;
  const host = o.config.AURA_HTTP_HOST;
  const token = newToken();
  const tokenFile = tokenFileFor(o.runDir);
  const secrets = secretValues(
    o.env,
    SETTING_KEYS.filter((k) => settingOf(k).secret).map((k) => {
      const v = o.config[k];
      return typeof v === 'string' ? v : undefined;
    }),
  );
  const server = await DashboardServer.listen({
    host,
    port,
    token,
    secrets,
    tickMs: Math.min(10_000, Math.max(1000, o.config.AURA_WORKER_RESOURCE_POLL_SECONDS * 1000)),
    log: o.log,
  });
  try {
    await writeToken(tokenFile, token);
    await o.lock.update({ http: { host, port: server.port, url: server.url, tokenFile } });
  } catch (err) {
    await server.close();
    await removeToken(tokenFile, token);
    throw err;
  }
  const rel = path.relative(process.cwd(), tokenFile) || tokenFile;
  const anywhere = host === '0.0.0.0' || host === '::' ? ' (on every interface)' : '';
  o.log(`dashboard at ${server.url}${anywhere}; changes need the token in ${rel} (\`aura dashboard\` prints a link with it)`);
  o.tell?.(`dashboard: ${server.url}#token=${token}`);
  let closing: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    serve: (h) => server.serve(h),
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await removeToken(tokenFile, token);
      })()),
  };
}
