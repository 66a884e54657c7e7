// How the tests point the real codex at the scripted server, in one place: a model provider in
// $CODEX_HOME/config.toml (codex 0.169 ignores OPENAI_BASE_URL), and what its model says.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { toolUse, type RecordedRequest, type Reply } from '../fixtures/model-server/index.js';

/**
 * A model codex knows, so it sends the tools it would send to the real API (apply_patch as a
 * freeform `custom` tool); with an unknown name it falls back to metadata without apply_patch.
 */
export const CODEX_MODEL = 'gpt-5.5';
export const CODEX_KEY = 'sk-codex-test';

export interface CodexConfigOptions {
  /** codex's own retries of a failed stream (default 5); 0 makes a failure end the run at once. */
  streamRetries?: number;
}

/** config.toml for a provider on `url`; its key comes from OPENAI_API_KEY, which the allowlist passes. */
export function codexConfig(url: string, o: CodexConfigOptions = {}): string {
  return [
    'model_provider = "aura-test"',
    '[model_providers.aura-test]',
    'name = "aura test server"',
    `base_url = "${url}/v1"`,
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
    // The scripted server speaks HTTP only; codex would first try a WebSocket 5 times.
    'supports_websockets = false',
    ...(o.streamRetries !== undefined ? [`stream_max_retries = ${o.streamRetries}`, `request_max_retries = ${o.streamRetries}`] : []),
    '',
  ].join('\n');
}

/** Writes config.toml into `codexHome` and returns the environment that selects it. */
export function codexHome(codexHomeDir: string, url: string, o: CodexConfigOptions = {}): Record<string, string> {
  writeFileSync(path.join(codexHomeDir, 'config.toml'), codexConfig(url, o));
  return { CODEX_HOME: codexHomeDir, OPENAI_API_KEY: CODEX_KEY };
}

/** An apply_patch that adds one file, in codex's patch grammar. */
export function addFilePatch(file: string, content: string): string {
  const body = content.replace(/\n$/, '').split('\n').map((l) => `+${l}`);
  return ['*** Begin Patch', `*** Add File: ${file}`, ...body, '*** End Patch', ''].join('\n');
}

/** The model writes `file` (relative to codex's working root) with codex's own file tool. */
export function writeWithApplyPatch(file: string, content: string): Reply {
  return toolUse('apply_patch', addFilePatch(file, content));
}

/** The working root codex told the model (its environment_context). */
export function codexCwd(req: RecordedRequest): string | undefined {
  return /<cwd>([^<]+)<\/cwd>/.exec(JSON.stringify(req.body))?.[1];
}
