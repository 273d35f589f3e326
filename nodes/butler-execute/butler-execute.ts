// Runs an action or a plan through the one door (validation, policy, tool runner, audit). msg.payload becomes the outcome.
// Actions that fail are reported with node.error (so Catch nodes see them); denied or pending ones pass on with the outcome.
import { actionsOf, clock, migrate, originOf, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  action_type: string;
  params: string;
  reason: string;
}

export = (RED: NodeAPI) => {
  function ButlerExecute(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, {
      0: (c) => ({ ...c, action_type: c.action_type ?? '', params: c.params ?? '', reason: c.reason ?? '' }),
    });
    node.status({});
    node.on('input', async (msg, send, done) => {
      try {
        const services = servicesOf(RED);
        const actions = actionsOf(msg, config);
        const origin = originOf(msg, node);
        const event = msg.event as { event_id?: unknown } | undefined;
        const conversation = msg.conversation as { conversation_id?: unknown } | undefined;
        node.status({ fill: 'blue', shape: 'ring', text: 'running' });
        const outcome = await services.door.execute({
          actions,
          origin,
          reason: config.reason || `flow node ${config.name || node.id}`,
          triggered_by_event_id: typeof event?.event_id === 'string' ? event.event_id : null,
          conversation_id: typeof conversation?.conversation_id === 'string' ? conversation.conversation_id : null,
        });
        msg.payload = outcome;
        msg.plan_id = outcome.plan_id;
        const failed = outcome.results.filter((r) => r.status === 'error');
        if (failed.length > 0) {
          const why = failed
            .map((r) => `${r.action_type}: ${JSON.stringify((r.output as { error?: unknown })?.error ?? r.output)}`)
            .join('; ');
          node.status({ fill: 'red', shape: 'dot', text: short(`error · ${clock()}`) });
          done(new Error(`${failed.length} of ${outcome.results.length} action(s) failed: ${why}`));
          return;
        }
        const statuses = [...new Set(outcome.results.map((r) => r.status))].join(',');
        node.status({ fill: statuses === 'ok' ? 'green' : 'yellow', shape: 'dot', text: short(`${statuses} · ${clock()}`) });
        send(msg);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short((err as Error).message) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-execute', ButlerExecute);
};
