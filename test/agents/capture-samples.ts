// Refreshes the codex-*/gemini-* samples in test/agents/samples/ from the pinned real binaries run
// against the scripted server, through the backends' own argv and env:
//   node --import tsx test/agents/capture-samples.ts
// Each sample is the CLI's stdout verbatim; the exit code is printed (samples.test.ts states it).
// The older codex-msg/cmd/fail samples are the interface research's captures (the built-in
// provider's WebSocket attempts, then HTTPS) and are kept for that noise.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codex } from '../../src/workers/agents/codex.js';
import { gemini } from '../../src/workers/agents/gemini.js';
import type { AgentBackend } from '../../src/workers/agents/types.js';
import { apiError, startModelServer, text, toolUse, type Step } from '../fixtures/model-server/index.js';
import { CODEX_MODEL, codexHome, writeWithApplyPatch, type CodexConfigOptions } from './codex-kit.js';
import { GEMINI_MODEL, geminiHome, keyInvalid, quota429, type GeminiSettings } from './gemini-kit.js';
import { runCli } from './run-cli.js';
import { ensureAgentClis } from './setup.mjs';

const SAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'samples');

interface Capture {
  file: string;
  backend: AgentBackend;
  script: Step[] | ((project: string) => Step[]);
  codex?: CodexConfigOptions & { url?: string };
  gemini?: GeminiSettings;
}

const limit = (s: number) => `Rate limit reached for ${CODEX_MODEL} in organization org-test on tokens per min (TPM): Limit 30000, Used 30000, Requested 900. Please try again in ${s}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;

const captures: Capture[] = [
  { file: 'codex-patch.jsonl', backend: codex, script: [writeWithApplyPatch('out.txt', 'made by the model\n'), text('done!')] },
  { file: 'codex-auth.jsonl', backend: codex, script: Array.from({ length: 6 }, () => apiError(401, 'invalid_request_error', { code: 'invalid_api_key', message: 'Incorrect API key provided: sk-bad.' })) },
  { file: 'codex-429.jsonl', backend: codex, codex: { streamRetries: 0 }, script: [apiError(429, 'requests', { code: 'rate_limit_exceeded', retryAfter: 20, message: limit(20) })] },
  { file: 'codex-ratelimit-stream.jsonl', backend: codex, codex: { streamRetries: 0 }, script: [{ ...text(''), streamError: { code: 'rate_limit_exceeded', message: limit(20) } }] },
  { file: 'codex-quota.jsonl', backend: codex, codex: { streamRetries: 0 }, script: [apiError(429, 'insufficient_quota', { code: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' })] },
  { file: 'codex-unreachable.jsonl', backend: codex, codex: { streamRetries: 0, url: 'http://127.0.0.1:9' }, script: [] },
  {
    file: 'gemini-write.jsonl',
    backend: gemini,
    script: (project) => [toolUse('write_file', { file_path: path.join(project, 'out.txt'), content: 'made by the model\n' }), text('done!')],
  },
  { file: 'gemini-auth.jsonl', backend: gemini, script: [keyInvalid()] },
  { file: 'gemini-429.jsonl', backend: gemini, gemini: { maxAttempts: 1 }, script: [quota429(20)] },
  {
    file: 'gemini-maxturns.jsonl',
    backend: gemini,
    gemini: { maxSessionTurns: 1 },
    script: [toolUse('run_shell_command', { command: 'echo hello-from-gemini', description: 'echo' }), text('never reached')],
  },
];

const bins = await ensureAgentClis({ log: (m) => console.log(m) });
for (const c of captures) {
  const project = mkdtempSync(path.join(tmpdir(), 'aura-capture-project-'));
  const home = mkdtempSync(path.join(tmpdir(), 'aura-capture-home-'));
  mkdirSync(path.join(home, 'tmp'));
  const server = await startModelServer(typeof c.script === 'function' ? c.script(project) : c.script);
  try {
    const cli =
      c.backend === codex
        ? codexHome(home, c.codex?.url ?? server.url, c.codex)
        : geminiHome(home, server.url, c.gemini);
    const input = { prompt: 'Create out.txt in the project directory.', projectDir: project, attemptDir: project, settings: { maxTurns: 10, permissionMode: 'bypassPermissions', model: c.backend === codex ? CODEX_MODEL : GEMINI_MODEL } };
    const env = c.backend.env({ PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', TMPDIR: path.join(home, 'tmp'), ...cli }, input);
    const run = await runCli(c.backend, c.backend === codex ? bins.codex : bins.gemini, c.backend.argv(input), { cwd: project, env, timeoutMs: 60_000 });
    writeFileSync(path.join(SAMPLES, c.file), run.stdout);
    console.log(`${c.file}: exit ${run.exit.code}, ${run.outcome.kind}: ${run.outcome.message.slice(0, 160)}`);
  } finally {
    await server.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
