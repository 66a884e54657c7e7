// Telling a person when aura needs them, without ever getting in the daemon's way: notify() only
// queues (it never throws, never waits), each transport delivers on its own in the background, and
// every failure becomes one log line naming the transport and the reason. Notifications are a
// courtesy; losing one must never cost a task.
import { spawn as nodeSpawn } from 'node:child_process';
import { findOnPath } from '../watchdog/which.js';
import { workerEnv } from '../workers/shell.js';
import { findDesktopNotifier, type DesktopNotifier } from './desktop.js';
import type { AttentionEvent } from './events.js';
import { eventPayload, messageFor, webhookPayload } from './message.js';
import { DeliveryQueue } from './queue.js';
import { runProcess, type SpawnLike } from './run.js';
import { selectTransports, transportEnabled, type NotifyConfig, type TransportName } from './settings.js';
import { postJson, type FetchLike } from './webhook.js';

export interface NotifyTimeouts {
  webhookMs: number;
  commandMs: number;
  desktopMs: number;
  /** How long close() waits for deliveries still under way. */
  closeMs: number;
}

export const DEFAULT_TIMEOUTS: NotifyTimeouts = { webhookMs: 5000, commandMs: 10000, desktopMs: 10000, closeMs: 2000 };

/** Most deliveries waiting per transport (besides the one in flight). */
export const MAX_PENDING = 20;

export interface NotifierDeps {
  log: (line: string) => void;
  fetch?: FetchLike;
  spawn?: SpawnLike;
  /** Milliseconds, for how long a failed delivery took. */
  clock?: () => number;
  /** The environment the command inherits (without AURA_*); default process.env. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  findOnPath?: (name: string) => string | null;
  timeouts?: Partial<NotifyTimeouts>;
  maxPending?: number;
}

interface Delivery {
  event: AttentionEvent;
  text: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export class Notifier {
  private readonly log: (line: string) => void;
  private readonly fetchFn: FetchLike;
  private readonly spawnFn: SpawnLike;
  private readonly clock: () => number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeouts: NotifyTimeouts;
  private readonly desktop: DesktopNotifier | null = null;
  private readonly queues = new Map<TransportName, DeliveryQueue<Delivery>>();
  // Aborted when close() gives up: stops fetches and kills commands still running.
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    private readonly config: NotifyConfig,
    deps: NotifierDeps,
  ) {
    this.log = deps.log;
    this.fetchFn = deps.fetch ?? globalThis.fetch;
    this.spawnFn = deps.spawn ?? nodeSpawn;
    this.clock = deps.clock ?? Date.now;
    this.env = deps.env ?? process.env;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...deps.timeouts };
    const maxPending = deps.maxPending ?? MAX_PENDING;

    if (transportEnabled(config, 'desktop')) {
      const found = findDesktopNotifier(deps.platform ?? process.platform, deps.findOnPath ?? ((n) => findOnPath(n)));
      if ('notifier' in found) this.desktop = found.notifier;
      // Said once here, not on every event: a missing notifier is a fact about the machine.
      else this.log(`notify desktop: ${found.off}; desktop notifications are off`);
    }
    for (const t of ['webhook', 'desktop', 'command'] as const) {
      if (!this.active(t)) continue;
      this.queues.set(
        t,
        new DeliveryQueue<Delivery>(maxPending, {
          deliver: (d) => this.deliver(t, d),
          failed: (d, err) => this.log(`notify ${t}: ${d.event.kind} not delivered: ${err instanceof Error ? err.message : String(err)}`),
          dropped: (d) =>
            this.log(`notify ${t}: more than ${maxPending} notifications waiting; dropped the oldest (${d.event.kind} at ${d.event.at})`),
        }),
      );
    }
  }

  /** Queues the event for every transport that wants it and returns at once. Never throws. */
  notify(event: AttentionEvent): void {
    if (this.closed) {
      this.log(`notify: ${event.kind} not sent: notifications are closed`);
      return;
    }
    let text: string;
    try {
      text = messageFor(event);
    } catch (err) {
      // Only a malformed event (a caller bug) gets here; the daemon must go on regardless.
      this.log(`notify: ${String(event?.kind)} not sent: cannot describe it: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    for (const t of selectTransports(this.config, event.kind)) this.queues.get(t)?.push({ event, text });
  }

  /** Waits up to closeMs for deliveries under way, then abandons the rest (killing commands). */
  async close(): Promise<void> {
    this.closed = true;
    const queues = [...this.queues.values()];
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([
      Promise.all(queues.map((q) => q.idle())).then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), this.timeouts.closeMs);
      }),
    ]);
    clearTimeout(timer);
    if (!gaveUp) return;
    const left = queues.reduce((n, q) => n + q.size, 0);
    const dropped = queues.reduce((n, q) => n + q.clear(), 0);
    this.log(
      `notify: ${left} notification(s) unfinished after ${seconds(this.timeouts.closeMs)} at shutdown; giving up on them` +
        (dropped > 0 ? ` (${dropped} never started)` : ''),
    );
    this.abort.abort();
    // Let the aborted deliveries log their own line before the daemon's log closes.
    await Promise.all(queues.map((q) => q.idle()));
  }

  private active(t: TransportName): boolean {
    return t === 'desktop' ? this.desktop !== null : transportEnabled(this.config, t);
  }

  private async deliver(t: TransportName, d: Delivery): Promise<void> {
    const started = this.clock();
    try {
      await this.send(t, d);
    } catch (err) {
      // Re-thrown with the time it took: "no answer" after 5 s reads differently from one after 5 ms.
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`${reason} (after ${seconds(this.clock() - started)})`);
    }
  }

  private send(t: TransportName, d: Delivery): Promise<void> {
    const signal = this.abort.signal;
    switch (t) {
      case 'webhook':
        return postJson(this.fetchFn, this.config.webhookUrl ?? '', webhookPayload(d.event), {
          timeoutMs: this.timeouts.webhookMs,
          signal,
        });
      case 'command':
        return runProcess(this.spawnFn, '/bin/sh', ['-c', this.config.command ?? ''], {
          // aura's own settings (AURA_API_KEY above all) are not the command's business.
          env: { ...workerEnv(this.env), AURA_EVENT: d.event.kind, AURA_EVENT_TEXT: d.text },
          input: `${JSON.stringify(eventPayload(d.event))}\n`,
          timeoutMs: this.timeouts.commandMs,
          signal,
        });
      case 'desktop': {
        const n = this.desktop;
        if (!n) return Promise.reject(new Error('no desktop notifier'));
        return runProcess(this.spawnFn, n.file, n.args('aura', d.text), {
          env: workerEnv(this.env),
          timeoutMs: this.timeouts.desktopMs,
          signal,
        });
      }
    }
  }
}
