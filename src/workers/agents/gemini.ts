// Gemini CLI (`gemini -p`) as an unattended worker. Facts (0.61.0): an untrusted workspace is fatal
// headless (exit 55) unless --skip-trust or GEMINI_CLI_TRUST_WORKSPACE=true; exit codes are
// FatalError subclasses (41 auth, 53 turn limit …); stream-json ends with a `result` line.
import { pickEnv } from './env.js';
import { geminiParser } from './gemini-stream.js';
import { exitWords, httpOutcome, killed, noResult, startupFailure, stderrLine } from './outcome.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

const APPROVAL: Record<string, string> = {
  bypassPermissions: 'yolo',
  yolo: 'yolo',
  acceptEdits: 'auto_edit',
  auto_edit: 'auto_edit',
  plan: 'plan',
};

export function geminiArgv(input: CommandInput): string[] {
  const s = input.settings;
  const approval = APPROVAL[s.permissionMode];
  // `-p` takes a value; yargs would read a prompt starting with "-" as a flag, `--prompt=` cannot be misread.
  const prompt = input.prompt.startsWith('-') ? [`--prompt=${input.prompt}`] : ['-p', input.prompt];
  return [
    ...prompt,
    '-o',
    'stream-json',
    ...(approval ? ['--approval-mode', approval] : []),
    ...(s.model ? ['-m', s.model] : []),
    '--skip-trust',
  ];
}

export function geminiEnv(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return pickEnv(parent, { prefixes: ['GEMINI_', 'GOOGLE_'] }, {}, { GEMINI_CLI_TRUST_WORKSPACE: 'true' });
}

/** gemini's FatalError exit codes that are not max_turns/auth: all configuration problems. */
const EXIT_WORDS: Record<number, string> = {
  42: 'bad input',
  44: 'sandbox error',
  52: 'configuration error',
  54: 'a tool failed fatally',
  55: 'untrusted workspace',
  130: 'cancelled',
};

export function geminiClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  const detail = s.result?.message ?? s.errors.at(-1) ?? stderrLine(exit);
  if (exit.code === 53) return { kind: 'max_turns', message: `gemini reached its turn limit${detail ? `: ${detail}` : ''}` };
  if (exit.code === 41) return { kind: 'api_error', message: `gemini could not authenticate (exit 41)${detail ? `: ${detail}` : ''}` };
  const r = s.result;
  if (r?.ok && exit.code === 0) return { kind: 'success', message: `gemini says it finished${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
  const known = exit.code !== null ? EXIT_WORDS[exit.code] : undefined;
  if (known) return { kind: 'failed', message: `gemini: ${known} (exit ${exit.code})${detail ? `: ${detail}` : ''}` };
  if (r && !r.ok) {
    const status = r.apiErrorStatus ?? s.lastStatus;
    if (status !== undefined) return httpOutcome('gemini', status, detail ?? r.subtype, s);
    return { kind: 'failed', message: `gemini failed (${r.subtype})${detail ? `: ${detail}` : ''}` };
  }
  if (r?.ok) return { kind: 'failed', message: `gemini reported success but ended with ${exitWords(exit)}` };
  return startupFailure('gemini', s, exit) ?? noResult('gemini', s, exit);
}

export const gemini: AgentBackend = {
  name: 'gemini',
  bin: 'gemini',
  install: 'npm install -g @google/gemini-cli',
  argv: geminiArgv,
  env: (parent) => geminiEnv(parent),
  parser: () => geminiParser(),
  preflight: () => null,
  classify: geminiClassify,
};
