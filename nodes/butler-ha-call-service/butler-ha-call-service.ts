// Calls a Home Assistant service, through the one door (ha_call_service: validated, policy-checked, audited).
// msg.payload {domain, service, data, target} overrides the node's settings field by field.
import { clock, migrate, originOf, parseJsonObject, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';
import type { JsonObject } from '../../src/types';

interface Config extends NodeDef {
  domain: string;
  service: string;
  entity_id: string;
  data: string;
}

export = (RED: NodeAPI) => {
  function ButlerHaCallService(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, data: c.data ?? '', entity_id: c.entity_id ?? '' }) });
    node.status({});
    node.on('input', async (msg, send, done) => {
      try {
        const services = servicesOf(RED);
        const p =
          msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
        const domain = typeof p.domain === 'string' ? p.domain : config.domain;
        const service = typeof p.service === 'string' ? p.service : config.service;
        if (!domain || !service) throw new Error('no service: set domain and service in the node, or send msg.payload = {domain, service}');
        const data = { ...parseJsonObject(config.data, "the node's data"), ...parseJsonObject(p.data, 'msg.payload.data') };
        const target: JsonObject = { ...parseJsonObject(p.target, 'msg.payload.target') };
        if (target.entity_id === undefined && config.entity_id) {
          const ids = config.entity_id
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          target.entity_id = ids.length === 1 ? ids[0] : ids;
        }
        const params: JsonObject = { domain, service, data };
        if (Object.keys(target).length > 0) params.target = target;
        const event = msg.event as { event_id?: unknown } | undefined;
        const outcome = await services.door.execute({
          actions: [{ action_type: 'ha_call_service', params }],
          origin: originOf(msg, node),
          reason: `flow node ${config.name || node.id}: ${domain}.${service}`,
          triggered_by_event_id: typeof event?.event_id === 'string' ? event.event_id : null,
        });
        const r = outcome.results[0];
        msg.payload = outcome;
        msg.plan_id = outcome.plan_id;
        if (r.status === 'error') {
          node.status({ fill: 'red', shape: 'dot', text: short(`error · ${clock()}`) });
          done(new Error(`${domain}.${service} failed: ${JSON.stringify((r.output as { error?: unknown })?.error ?? r.output)}`));
          return;
        }
        node.status({
          fill: r.status === 'ok' ? 'green' : 'yellow',
          shape: 'dot',
          text: short(`${domain}.${service} ${r.status} · ${clock()}`),
        });
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short((err as Error).message) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-ha-call-service', ButlerHaCallService);
};
