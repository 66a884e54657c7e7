// Which doctor checks matter for running the configured worker, for `aura init` to end with: the
// machine and config basics, the worker itself, its login, the spend cap, and the LLM API only when
// the planner will call it. Pure.
import type { Config } from '../config/schema.js';
import { plannerSpends } from '../core/spend.js';
import { AGENT_CLIS } from './agents.js';

export function checksForWorker(config: Pick<Config, 'AURA_LAYER2_BACKEND' | 'AURA_PLANNER' | 'AURA_API_KEY'> | null): string[] {
  if (config === null) return ['node', 'config', 'disk'];
  const b = config.AURA_LAYER2_BACKEND;
  return [
    'node',
    'config',
    ...((AGENT_CLIS as readonly string[]).includes(b) ? [`agent.${b}`] : []),
    'worker',
    ...(b === 'claude' ? ['auth.claude'] : []),
    'spend',
    ...(plannerSpends(config) ? ['api'] : []),
    'disk',
  ];
}
