// OpenCode (`opencode run`) as an unattended worker. Facts (1.18.33): without `--auto` every
// permission request is rejected; the process exits when the session goes idle, with exit 1 if a
// session error occurred; there is no final result line.
import { pickEnv } from './env.js';
import { opencodeParser } from './opencode-stream.js';
import { httpOutcome, exitWords, killed, startupFailure, stderrLine } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

/** Modes under which the agent may act without asking (opencode's --auto); others keep its defaults. */
const AUTO_MODES = new Set(['bypassPermissions', 'acceptEdits', 'auto', 'yolo']);

export function opencodeArgv(input: CommandInput): string[] {
  const s = input.settings;
  return [
    'run',
    '--format',
    'json',
    ...(s.model ? ['-m', s.model] : []),
    ...(AUTO_MODES.has(s.permissionMode) ? ['--auto'] : []),
    // `--` so a brief that starts with "-" stays the message.
    '--',
    input.prompt,
  ];
}

export function opencodeEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return pickEnv(
    parent,
    { prefixes: ['OPENCODE_', 'ANTHROPIC_', 'OPENAI_', 'XDG_'] },
    {},
    // A worker must never update itself mid-run.
    { OPENCODE_DISABLE_AUTOUPDATE: '1' },
  );
}

export function opencodeClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const last = s.errors.at(-1);
  if (last !== undefined) {
    if (s.lastStatus !== undefined) return httpOutcome('opencode', s.lastStatus, last, s, "the provider's key (ANTHROPIC_API_KEY, OPENAI_API_KEY … or its apiKey in opencode's config)");
    return { kind: 'failed', message: `opencode reported an error (${exitWords(exit)}): ${last}` };
  }
  if (exit.code === 0) return { kind: 'success', message: `opencode says it finished${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
  const startup = startupFailure('opencode', s, exit);
  if (startup) return startup;
  if (exit.signal) return { kind: 'crashed', message: `opencode ended by ${exitWords(exit)} without finishing` };
  const why = stderrLine(exit);
  return { kind: 'failed', message: `opencode ended with ${exitWords(exit)}${why ? `: ${why}` : ''}` };
}

export const opencode: AgentBackend = {
  name: 'opencode',
  bin: 'opencode',
  install: 'npm install -g opencode-ai',
  argv: opencodeArgv,
  env: (parent) => opencodeEnv(parent),
  parser: () => opencodeParser(),
  preflight: () => null,
  classify: opencodeClassify,
};
