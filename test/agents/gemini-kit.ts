// How the tests point the real gemini at the scripted server, in one place: GOOGLE_GEMINI_BASE_URL
// plus the API key selected in ~/.gemini/settings.json (without it, gemini 0.61 exits 41 "Invalid
// auth method selected." whenever a base URL is set), and what its model says.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiError, type ApiError, type RecordedRequest } from '../fixtures/model-server/index.js';

/** A fixed model: with none, gemini routes each prompt through a classifier request first. */
export const GEMINI_MODEL = 'gemini-2.5-flash';
export const GEMINI_KEY = 'gk-gemini-test';

export interface GeminiSettings {
  /** gemini's own attempts per request (general.maxAttempts, default 10); 1 makes a 429 end the run at once. */
  maxAttempts?: number;
  /** model.maxSessionTurns: gemini's only turn limit (there is no flag). */
  maxSessionTurns?: number;
  /** Leave out security.auth.selectedType, as a user who never ran gemini interactively would. */
  noAuthSelected?: boolean;
}

/** Writes ~/.gemini/settings.json under `home` and returns the environment that points gemini at `url`. */
export function geminiHome(home: string, url: string, o: GeminiSettings = {}): Record<string, string> {
  const settings = {
    ...(o.noAuthSelected ? {} : { security: { auth: { selectedType: 'gemini-api-key' } } }),
    ...(o.maxAttempts !== undefined ? { general: { maxAttempts: o.maxAttempts } } : {}),
    ...(o.maxSessionTurns !== undefined ? { model: { maxSessionTurns: o.maxSessionTurns } } : {}),
  };
  mkdirSync(path.join(home, '.gemini'), { recursive: true });
  writeFileSync(path.join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  return { GEMINI_API_KEY: GEMINI_KEY, GOOGLE_GEMINI_BASE_URL: url };
}

/** What Google answers for a key it does not accept: 400, not 401. */
export function keyInvalid(): ApiError {
  const message = 'API key not valid. Please pass a valid API key.';
  return apiError(400, 'INVALID_ARGUMENT', {
    message,
    details: [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    ],
  });
}

/** A per-minute quota 429 the way Google sends it: the wait in the words and in RetryInfo. */
export function quota429(seconds: number): ApiError {
  return apiError(429, 'RESOURCE_EXHAUSTED', {
    message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${seconds}s.`,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', quotaValue: '10' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` },
    ],
  });
}

/** The workspace gemini told the model (its session context), where its file tools may write. */
export function geminiWorkspace(req: RecordedRequest): string | undefined {
  return /Workspace Directories:\*\*\\n *- ([^\\"]+)/.exec(JSON.stringify(req.body))?.[1];
}
