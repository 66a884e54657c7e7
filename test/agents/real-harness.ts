// What the real-binary tests share: installed CLIs, a throwaway project and home per run, a
// scripted model server, and the run itself through the backend's own argv, env and parser.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { startModelServer, type ModelServer, type ModelServerOptions, type Step } from '../fixtures/model-server/index.js';
import type { AgentBackend, AgentSettings, CommandInput } from '../../src/workers/agents/types.js';
import { runCli, type CliRun } from './run-cli.js';
import { ensureAgentClis, type AgentCli } from './setup.mjs';

/** Set AURA_SKIP_REAL_AGENTS=1 where the registry (and so the CLIs) cannot be reached. */
export const skipReal = process.env.AURA_SKIP_REAL_AGENTS === '1' ? 'AURA_SKIP_REAL_AGENTS=1' : false;

export const REAL_TIMEOUT_MS = 60_000;

export async function clis(): Promise<Record<AgentCli, string>> {
  return ensureAgentClis({ log: (m) => process.stderr.write(`${m}\n`) });
}

export interface RealRun extends CliRun {
  server: ModelServer;
  project: string;
  input: CommandInput;
  /** The environment the CLI got (after the backend's allowlist). */
  env: NodeJS.ProcessEnv;
}

export interface RealOpts {
  backend: AgentBackend;
  bin: string;
  script: Step[];
  settings?: Partial<AgentSettings>;
  prompt?: string;
  /** Extra worker environment (endpoint, key, CLI switches), added to the backend's allowlisted env.
   *  It may also write the CLI's config under `home` (codex's config.toml, gemini's settings.json). */
  env?: (server: ModelServer, dirs: { project: string; home: string }) => NodeJS.ProcessEnv;
  server?: ModelServerOptions;
  /** Kill the CLI's process group after this long (default REAL_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Signal the CLI's own pid once the model was first asked (how aura's runner passes on a stop). */
  signalWhenAsked?: NodeJS.Signals;
}

/**
 * One run of a real CLI in a fresh project directory with a fresh HOME (so no user config, no
 * transcripts or caches from another run), against its own scripted model server.
 */
export async function realRun(t: TestContext, o: RealOpts): Promise<RealRun> {
  const project = mkdtempSync(path.join(tmpdir(), 'aura-agent-project-'));
  const home = mkdtempSync(path.join(tmpdir(), 'aura-agent-home-'));
  // The CLIs keep scratch files under TMPDIR (claude: claude-<uid>/<cwd>/…): one per run, removed with it.
  const tmp = path.join(home, 'tmp');
  mkdirSync(tmp);
  const server = await startModelServer(o.script, o.server);
  t.after(async () => {
    await server.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const input: CommandInput = {
    prompt: o.prompt ?? 'Create out.txt in the project directory.',
    projectDir: project,
    attemptDir: project,
    settings: { maxTurns: 10, permissionMode: 'bypassPermissions', ...o.settings },
  };
  // A minimal parent, as the daemon would have: the allowlist decides what passes. An aura key in
  // it proves nothing leaks (the allowlist test checks the variable; here the run must still work).
  const parent: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: tmp,
    AURA_API_KEY: 'aura-key-must-not-leak',
    ...o.env?.(server, { project, home }),
  };
  const env = o.backend.env(parent, input);
  const asked = async () => {
    while (!server.requests.some((q) => q.step !== 'side' && q.api)) await new Promise((r) => setTimeout(r, 50));
  };
  const run = await runCli(o.backend, o.bin, o.backend.argv(input), {
    cwd: project,
    env,
    timeoutMs: o.timeoutMs ?? REAL_TIMEOUT_MS,
    ...(o.signalWhenAsked ? { signal: { sig: o.signalWhenAsked, after: asked() } } : {}),
  });
  t.diagnostic(`${o.backend.name}: ${run.outcome.kind} in ${run.ms} ms, ${server.requests.length} requests, events: ${run.events.map((e) => e.type).join(' ')}`);
  return { ...run, server, project, input, env };
}

/** The whole recorded traffic as one string, for "this never reached the model" checks. */
export function traffic(server: ModelServer): string {
  return JSON.stringify(server.requests);
}
