// The gemini backend through the whole daemon with the real Gemini CLI (pinned in test/agents/)
// against the scripted Gemini API server: the acceptance every backend passes.
import path from 'node:path';
import { toolUse } from '../fixtures/model-server/index.js';
import { GEMINI_KEY, GEMINI_MODEL, geminiHome, keyInvalid, quota429 } from '../agents/gemini-kit.js';
import { agentAcceptance } from './agent-acceptance.js';

agentAcceptance({
  worker: 'gemini',
  model: GEMINI_MODEL,
  keyVar: 'GEMINI_API_KEY',
  key: GEMINI_KEY,
  sentKey: (req) => req.headers['x-goog-api-key'],
  // settings.json goes into the worker's HOME (a fresh one per test): nothing of the machine's ~/.gemini.
  env: (server, home, o) => geminiHome(home, server.url, o.failFast ? { maxAttempts: 1 } : {}),
  writeOut: (dir, content) => toolUse('write_file', { file_path: path.join(dir, 'out.txt'), content }),
  fileTool: 'write_file',
  refusedKey: keyInvalid,
  rateLimited: quota429,
});
