// Calls a Home Assistant service, through the one door (ha_call_service: validated, policy-checked, audited).
// msg.payload {domain, service, data, target} overrides the node's settings field by field.
import type { JsonObject } from '../../src/types';
import { defineNode } from '../lib/node';
import { eventIdOf, originOf, parseJsonObject, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  domain: string;
  service: string;
  entity_id: string;
  data: string;
}

export = defineNode<Config>({
  type: 'butler-ha-call-service',
  version: 1,
  migrations: { 0: (c) => ({ ...c, data: c.data ?? '', entity_id: c.entity_id ?? '' }) },
  async onInput(msg, { node, config, services }) {
    const p = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
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
    const outcome = await services.door.execute({
      actions: [{ action_type: 'ha_call_service', params }],
      origin: originOf(msg, node),
      reason: `flow node ${config.name || node.id}: ${domain}.${service}`,
      triggered_by_event_id: eventIdOf(msg),
    });
    const r = outcome.results[0];
    msg.payload = outcome;
    msg.plan_id = outcome.plan_id;
    if (r.status === 'error') {
      return {
        status: { text: 'error', fill: 'red' },
        error: new Error(`${domain}.${service} failed: ${JSON.stringify((r.output as { error?: unknown })?.error ?? r.output)}`),
      };
    }
    return { status: { text: `${domain}.${service} ${r.status}`, fill: r.status === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
