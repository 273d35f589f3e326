// The butler's memory through the one door: remember (msg.payload = the fact, msg.subject = who/what it is about)
// or recall (msg.payload = the query, msg.limit) with memory_remember / memory_recall. msg.payload becomes the
// action's output; for recall msg.reply is the sentence to say. Failures reach Catch nodes.
import type { JsonObject } from '../../src/types';
import { clock, errorText, migrate, originOf, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  mode: 'remember' | 'recall';
  subject: string;
  limit: string | number;
}

export = (RED: NodeAPI) => {
  function ButlerMemory(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, {
      0: (c) => ({ ...c, mode: c.mode ?? 'remember', subject: c.subject ?? '', limit: c.limit ?? '' }),
    });
    node.status({});
    node.on('input', async (msg, send, done) => {
      try {
        const services = servicesOf(RED);
        const recall = config.mode === 'recall';
        if (typeof msg.payload !== 'string')
          throw new Error(
            `msg.payload must be ${recall ? 'the query' : 'the fact to remember'} (a string), got ${msg.payload === null ? 'null' : typeof msg.payload}`,
          );
        let params: JsonObject;
        if (recall) {
          const limit = msg.limit ?? (config.limit === '' ? undefined : Number(config.limit));
          params = { query: msg.payload, ...(limit !== undefined ? { limit: limit as number } : {}) };
        } else {
          const subject = typeof msg.subject === 'string' && msg.subject ? msg.subject : config.subject;
          params = { text: msg.payload, ...(subject ? { subject } : {}) };
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
        node.status({
          fill: 'green',
          shape: 'dot',
          text: short(recall ? `${String(out?.count ?? 0)} found · ${clock()}` : `${out?.duplicate ? 'known' : 'remembered'} · ${clock()}`),
        });
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-memory', ButlerMemory);
};
