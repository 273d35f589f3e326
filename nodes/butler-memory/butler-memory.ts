// The butler's memory through the one door: remember (msg.payload = the fact, msg.subject = who/what it is about)
// or recall (msg.payload = the query, msg.limit) with memory_remember / memory_recall. msg.payload becomes the
// action's output; for recall msg.reply is the sentence to say. Failures reach Catch nodes.
import type { JsonObject } from '../../src/types';
import { defineNode } from '../lib/node';
import { originOf, textPayload, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  mode: 'remember' | 'recall';
  subject: string;
  limit: string | number;
}

export = defineNode<Config>({
  type: 'butler-memory',
  version: 1,
  migrations: { 0: (c) => ({ ...c, mode: c.mode ?? 'remember', subject: c.subject ?? '', limit: c.limit ?? '' }) },
  async onInput(msg, { node, config, services }) {
    const recall = config.mode === 'recall';
    const text = textPayload(msg, recall ? 'the query' : 'the fact to remember');
    let params: JsonObject;
    if (recall) {
      const limit = msg.limit ?? (config.limit === '' ? undefined : Number(config.limit));
      params = { query: text, ...(limit !== undefined ? { limit: limit as number } : {}) };
    } else {
      const subject = typeof msg.subject === 'string' && msg.subject ? msg.subject : config.subject;
      params = { text, ...(subject ? { subject } : {}) };
    }
    const action_type = recall ? 'memory_recall' : 'memory_remember';
    const outcome = await services.door.execute({
      actions: [{ action_type, params }],
      origin: originOf(msg, node),
      reason: `flow node ${config.name || node.id}`,
    });
    const r = outcome.results[0];
    if (r?.status !== 'ok') {
      const o = r?.output as { error?: unknown; reason?: unknown } | null | undefined;
      throw new Error(
        `${action_type} ${r?.status ?? 'did not run'}: ${String(o?.error ?? o?.reason ?? JSON.stringify(r?.output ?? null))}`,
      );
    }
    msg.payload = r.output;
    msg.plan_id = outcome.plan_id;
    const out = r.output as { reply?: unknown; count?: unknown; duplicate?: unknown } | null;
    if (recall && typeof out?.reply === 'string') msg.reply = out.reply;
    return { status: recall ? `${String(out?.count ?? 0)} found` : out?.duplicate ? 'known' : 'remembered', send: msg };
  },
});
