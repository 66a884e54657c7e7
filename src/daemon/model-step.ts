// The LLM planner's turn in a cycle: what changed since the model last saw the run (fed by every
// journal draft, the model's own excepted), the skip gate, and maybe the model.
import type { JournalDraft } from '../core/transitions.js';
import type { Decision, LlmPlanner } from './llm-planner.js';
import { describeChange } from './planner-bridge.js';

export class ModelStep {
  /** Changes since the LLM planner last asked the model, one line each. */
  private since: string[] = [];
  private inModel = false;

  constructor(
    readonly llm: LlmPlanner,
    private readonly debug: (line: string) => void,
  ) {}

  /** Every journal draft passes here: the skip gate counts what changed. */
  recorded(d: JournalDraft): void {
    // The model's own actions during its call are not news to it.
    if (this.inModel) return;
    const line = describeChange(d);
    if (line) this.since.push(line);
    // In safe mode this could grow for days; the model is shown the newest ones anyway.
    if (this.since.length > 400) this.since.splice(0, this.since.length - 200);
  }

  async ask(reasons: string[], startable: number, taskFileDiff: string | null): Promise<Decision> {
    this.inModel = true;
    let decision: Decision;
    try {
      decision = await this.llm.decide({ reasons, changes: this.since, taskFileDiff, startable });
    } finally {
      this.inModel = false;
    }
    if (decision.mode === 'model') this.since = [];
    this.debug(`planner: ${decision.mode} (${decision.why})`);
    return decision;
  }
}
