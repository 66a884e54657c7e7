// Secrets: canary keys in the environment and in ~/.aura/config.env never reach a worker's
// environment (except the worker's own provider key), its command line, the verify or notify
// command, logs, progress.md, the journal, summaries, status or config output. config.env is 0600.
// Model requests go to a local endpoint that refuses the key (401) and records them: only the
// API key header may carry the planner's own key; no body or other header carries any canary.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { aura, auraRun, crashed, short, sleep, type Ctx, type FaultKind } from './common.js';
import { checkAfterFault } from './invariants.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/** A stand-in `claude` on PATH: dumps its environment and argv, writes the artifact, reports success. */
function fakeClaude(envOut: string, artifact: string): string {
  return `#!/bin/sh
if [ "$1" = "--version" ]; then echo "2.0.0 (Claude Code)"; exit 0; fi
env > ${envOut}
echo "$@" > ${envOut}.argv
echo made-by-agent > ${artifact}
echo '{"type":"system","subtype":"init","session_id":"s","model":"m","tools":[]}'
echo '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","total_cost_usd":0.001,"usage":{"input_tokens":5,"output_tokens":5}}'
`;
}

const canaries: FaultKind & { checks(ctx: Ctx, C: Record<'envKey' | 'cfgKey' | 'hook' | 'anthropic' | 'openai', string>, apiUrl: string, requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>): Promise<void> } = {
  name: 'secrets-canary',
  family: 'secrets',
  what: 'canary keys in the environment and ~/.aura/config.env: in no worker env (but its own provider key), argv, verify/notify env, log, progress.md, journal or output',
  timeoutMs: 120_000,
  async run(ctx) {
    const tag = () => randomBytes(6).toString('hex') + ctx.rand.int(0, 1e6).toString(36);
    const C = {
      envKey: `sk-ant-api03-CANARYENV${tag()}`,
      cfgKey: `sk-ant-api03-CANARYCFG${tag()}`,
      hook: `http://127.0.0.1:9/CANARYHOOK${tag()}`,
      anthropic: `sk-ant-CANARYANTHROPIC${tag()}`,
      openai: `sk-CANARYOPENAI${tag()}`,
    };
    const requests: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ headers: req.headers, body });
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await this.checks(ctx, C, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
  async checks(ctx: Ctx, C: Record<'envKey' | 'cfgKey' | 'hook' | 'anthropic' | 'openai', string>, apiUrl: string, requests: Array<{ headers: http.IncomingHttpHeaders; body: string }>) {
    const p = ctx.project();
    const env = ctx.env({ AURA_API_BASE_URL: apiUrl, AURA_API_KEY: C.envKey, ANTHROPIC_API_KEY: C.anthropic, OPENAI_API_KEY: C.openai, IS_SANDBOX: '1' });
    // ~/.aura/config.env through `aura setup`, which must create it 0600.
    const setup = await auraRun(['setup', '--non-interactive', '--no-test', '--api-key', C.cfgKey, '--set', `AURA_NOTIFY_WEBHOOK_URL=${C.hook}`], { cwd: p.dir, env, timeoutMs: 20_000 });
    if (setup.code !== 0) ctx.violate(`aura setup failed (${setup.code}):\n${short(setup)}`);
    const cfg = path.join(env.HOME!, '.aura', 'config.env');
    if (existsSync(cfg)) {
      const mode = statSync(cfg).mode & 0o777;
      if (mode !== 0o600) ctx.violate(`~/.aura/config.env has mode ${mode.toString(8)}, expected 600`);
      if ((statSync(path.dirname(cfg)).mode & 0o077) !== 0) ctx.violate('~/.aura is readable by others');
    }
    const bin = p.file('bin');
    p.write('bin/claude', fakeClaude(p.file('env-claude.txt'), p.file('agent.txt')));
    chmodSync(path.join(bin, 'claude'), 0o755);
    env.PATH = `${bin}:${env.PATH ?? ''}`;
    env.AURA_NOTIFY_COMMAND = `env > ${p.file('env-notify.txt')}`;
    env.AURA_NOTIFY_EVENTS = 'goal_done';
    p.write(
      'task.md',
      [
        '# Keep secrets',
        '',
        '- [ ] Shell work',
        '  - id: shell',
        `  - run: \`env > env-shell.txt; cat /proc/$$/cmdline > argv-shell.txt; sleep ${(ctx.rand.int(5, 15) / 10).toFixed(1)}; echo s > s.txt\``,
        '  - produces: `s.txt`',
        '  - verify: `env > env-verify.txt`',
        '- [ ] Agent work',
        '  - id: agent',
        '  - worker: claude',
        '  - produces: `agent.txt`',
        '',
      ].join('\n'),
    );
    const t0 = Date.now();
    const d = aura(['task.md', '--exit-when-done', '--verbose'], { cwd: p.dir, env, timeoutMs: 60_000 });
    // While workers run: nothing of ours in any marked process's environment or command line.
    const forbidden = [C.envKey, C.cfgKey, C.hook];
    for (let i = 0; i < 10; i++) {
      await sleep(100);
      for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
        try {
          const e = readFileSync(`/proc/${pid}/environ`, 'latin1');
          if (!e.includes(`AURA_PROJECT_DIR=${p.dir}`)) continue;
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
          for (const c of forbidden) if (e.includes(c) || cmd.includes(c)) ctx.violate(`worker process ${pid} (${cmd.replace(/\0/g, ' ').slice(0, 80)}) carries a canary secret`);
        } catch {
          // gone
        }
      }
    }
    const r = await d.exited;
    ctx.note(`the run took ${Date.now() - t0} ms`);
    if (r.code !== 0) ctx.violate(`the run with canaries exited ${r.code}:\n${short(r)}`);
    const trace = crashed(r.stdout + r.stderr);
    if (trace) ctx.violate(`stack trace: ${trace}`);
    checkAfterFault(ctx, p.dir, null, 'after the canary run', { clean: true });

    const expectIn = (file: string, must: string[], mustNot: string[]) => {
      if (!existsSync(p.file(file))) return ctx.violate(`${file} was not written (the worker did not run?)`);
      const t = p.read(file);
      for (const c of mustNot) if (t.includes(c)) ctx.violate(`${file} contains a canary it must not: ${c.slice(0, 24)}…`);
      for (const c of must) if (!t.includes(c)) ctx.violate(`${file} lacks the worker's own provider key`);
    };
    expectIn('env-shell.txt', [], forbidden);
    expectIn('argv-shell.txt', [], forbidden);
    expectIn('env-verify.txt', [], forbidden);
    expectIn('env-notify.txt', [], forbidden);
    expectIn('env-claude.txt', [C.anthropic], [...forbidden, C.openai]);
    expectIn('env-claude.txt.argv', [], [...forbidden, C.openai, C.anthropic]);

    // Nothing aura wrote or printed holds any canary (the provider keys included).
    const all = [...forbidden, C.anthropic, C.openai];
    for (const f of filesUnder(p.file('.aura'))) {
      const t = readFileSync(f, 'latin1');
      for (const c of all) if (t.includes(c)) ctx.violate(`${path.relative(p.dir, f)} contains a canary secret (${c.slice(0, 24)}…)`);
    }
    const outputs: Array<[string, string]> = [['daemon output', r.stdout + r.stderr]];
    for (const args of [['status', '--json'], ['config'], ['progress'], ['logs', 'agent', '--events'], ['logs', 'shell', '--stderr'], ['history'], ['summaries'], ['doctor']]) {
      const t1 = Date.now();
      const o = await auraRun(args, { cwd: p.dir, env, timeoutMs: 30_000 });
      ctx.note(`aura ${args.join(' ')}: exit ${o.code} in ${Date.now() - t1} ms`);
      outputs.push([`aura ${args.join(' ')}`, o.stdout + o.stderr]);
    }
    for (const [what, text] of outputs) for (const c of all) if (text.includes(c)) ctx.violate(`${what} shows a canary secret (${c.slice(0, 24)}…)`);
    for (const q of requests) {
      const { 'x-api-key': key, authorization, ...rest } = q.headers;
      const text = q.body + JSON.stringify(rest);
      for (const c of all) if (text.includes(c)) ctx.violate(`a model request carries a canary secret in its body or headers (${c.slice(0, 24)}…)`);
      for (const v of [key, authorization]) if (typeof v === 'string' && v.includes(C.cfgKey)) ctx.violate('a model request used the config.env key though the environment overrides it');
    }
    ctx.note(`${requests.length} model request(s) checked`);
  },
};

export const SECRET_FAULTS: FaultKind[] = [canaries];
