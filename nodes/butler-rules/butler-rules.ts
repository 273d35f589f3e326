// The rule engine from a flow. Modes:
//  trigger: runs a rule now (its id from the node, msg.rule_id or msg.payload) and waits for the run → msg.payload = the run;
//  save:    adds or updates the rules in msg.payload (YAML or JSON text, or an object/list) → msg.payload = the saved rules;
//  match:   for a butler event (msg.event), which rules it triggers; the engine runs them itself, so nothing runs twice.
// Invalid rules leave by the second output with msg.errors (every problem, by field); other failures reach Catch nodes.
import type { RuleEngine } from '../../src/brain/rules/engine';
import { RuleValidationError } from '../../src/brain/rules/schema';
import { rulesForEvent } from '../../src/flows/rules';
import type { JsonObject } from '../../src/types';
import { defineNode, type InputResult, type NodeContext } from '../lib/node';
import type { NodeDef, NodeMessage } from '../lib/red';

interface Config extends NodeDef {
  mode: 'trigger' | 'save' | 'match';
  rule: string;
  /** trigger: run even when the rule's conditions do not hold. */
  skip_conditions: boolean;
  /** trigger: seconds to wait for the run to finish before passing on its state so far. */
  wait: string | number;
}

function ruleIdOf(msg: NodeMessage, config: Config): string {
  if (config.rule) return config.rule;
  if (typeof msg.rule_id === 'string' && msg.rule_id) return msg.rule_id;
  if (typeof msg.payload === 'string' && msg.payload.trim()) return msg.payload.trim();
  const p = msg.payload as { rule_id?: unknown; id?: unknown } | null;
  if (p && typeof p === 'object' && typeof p.rule_id === 'string') return p.rule_id;
  throw new Error('no rule id: set one in the node, or send msg.rule_id (or msg.payload = "<rule id>")');
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function save(msg: NodeMessage, rules: RuleEngine): InputResult {
  if (msg.payload === undefined || msg.payload === null || msg.payload === '')
    throw new Error('msg.payload must be the rules: YAML or JSON text, a rule, a list of rules or {rules: [...]}');
  try {
    const saved = rules.import(msg.payload);
    msg.payload = { saved: saved.map((r) => r.id), rules: saved };
    return { status: `saved ${saved.length}`, send: [msg, null] };
  } catch (err) {
    if (!(err instanceof RuleValidationError)) throw err;
    msg.errors = err.details;
    msg.payload = { error: err.message, errors: err.details };
    return { status: { text: `${err.details.length} error(s)`, fill: 'yellow', shape: 'ring' }, send: [null, msg] };
  }
}

function match(msg: NodeMessage, rules: RuleEngine): InputResult {
  const e = (msg.event ?? msg.payload) as { type?: unknown; source?: unknown; payload?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string')
    throw new Error('msg.event must be a butler event ({type, source, payload}): wire this node after butler event in');
  const matched = rulesForEvent(rules.list(), {
    type: e.type,
    source: typeof e.source === 'string' ? e.source : undefined,
    payload: e.payload && typeof e.payload === 'object' ? (e.payload as JsonObject) : {},
  });
  msg.rules = matched;
  return {
    status: { text: `${e.type}: ${matched.length} rule(s)`, fill: matched.length ? 'green' : 'grey', clock: false },
    send: matched.length ? [msg, null] : [null, msg],
  };
}

async function trigger(msg: NodeMessage, rules: RuleEngine, ctx: NodeContext<Config>): Promise<InputResult> {
  const { config } = ctx;
  const id = ruleIdOf(msg, config);
  const fired = rules.trigger(id, { skipConditions: config.skip_conditions });
  let run = rules.get(id)?.last_run ?? null;
  if (fired && run) {
    const started = run;
    const deadline = Date.now() + Math.max(0, Number(config.wait) || 0) * 1000;
    while (!ctx.closed && Date.now() < deadline) {
      const now = rules.get(id)?.last_run ?? null;
      if (now !== started || now.status !== 'running') {
        run = now;
        break;
      }
      await sleep(50);
    }
  }
  msg.payload = { rule_id: id, fired, run: fired ? run : null };
  msg.plan_ids = fired && run ? run.plan_ids : [];
  const st = !fired ? 'not run (conditions, cooldown or mode)' : (run?.status ?? 'queued');
  return {
    status: { text: `${id}: ${st}`, fill: !fired ? 'grey' : st === 'ok' ? 'green' : st === 'running' ? 'blue' : 'yellow' },
    send: [msg, null],
  };
}

export = defineNode<Config>({
  type: 'butler-rules',
  version: 1,
  migrations: {
    0: (c) => ({ ...c, mode: c.mode ?? 'trigger', rule: c.rule ?? '', skip_conditions: c.skip_conditions ?? false, wait: c.wait ?? 30 }),
  },
  onInput(msg, ctx) {
    const { rules } = ctx.brain('the rule engine');
    if (ctx.config.mode === 'save') return save(msg, rules);
    if (ctx.config.mode === 'match') return match(msg, rules);
    return trigger(msg, rules, ctx);
  },
});
