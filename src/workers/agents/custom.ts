// A user-supplied tool as a worker: argv from a template (settings.template), output read as plain
// text, outcome from the exit status alone (a tool without a protocol cannot say more). As with
// every worker, success is only a claim that the evidence gate checks.
import { expandTemplate, splitTemplate } from './argv-template.js';
import { pickEnv, type EnvAllow } from './env.js';
import { exitWords, killed, stderrLine } from './outcome.js';
import { createParser, PLAIN_TEXT } from './stream.js';
import type { AgentBackend, CommandInput, ExitInfo, Outcome, StreamSummary } from './types.js';

export function customArgv(input: CommandInput): string[] {
  const template = input.settings.template;
  if (!template) throw new Error('the custom worker needs a command template (e.g. `mytool --prompt {prompt} --dir {project}`)');
  const parsed = splitTemplate(template);
  if (!parsed.ok) throw new Error(parsed.error);
  return expandTemplate(parsed.words, {
    prompt: input.prompt,
    project: input.projectDir,
    attempt: input.attemptDir,
    model: input.settings.model ?? '',
    max_turns: String(input.settings.maxTurns),
  });
}

export function customClassify(s: StreamSummary, exit: ExitInfo, stopReason: string | null): Outcome {
  if (stopReason) return killed(stopReason);
  if (exit.code === 0) return { kind: 'success', message: `the tool exited 0${s.lastText ? `: ${s.lastText.slice(0, 300)}` : ''}` };
  if (exit.signal) return { kind: 'crashed', message: `the tool was ended by ${exitWords(exit)}` };
  const why = stderrLine(exit) || s.lastText?.slice(-300);
  return { kind: 'failed', message: `the tool ended with ${exitWords(exit)}${why ? `: ${why}` : ''}` };
}

/** `envAllow`: the tool's own variables (its API key …); by default only the base allowlist passes. */
export function customBackend(envAllow: EnvAllow = {}): AgentBackend {
  return {
    name: 'custom',
    bin: '', // the template's first word; resolved by the caller
    install: 'install the tool named in your custom worker command',
    argv: customArgv,
    env: (parent) => pickEnv(parent, envAllow),
    parser: () => createParser(PLAIN_TEXT),
    preflight: () => null,
    classify: customClassify,
  };
}

export const custom: AgentBackend = customBackend();
