// Runs an action or a plan through the one door (validation, policy, tool runner, audit). msg.payload becomes the outcome.
// Actions that fail are reported with node.error (so Catch nodes see them); denied or pending ones pass on with the outcome.
import { defineNode } from '../lib/node';
import { actionsOf, eventIdOf, originOf, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  action_type: string;
  params: string;
  reason: string;
}

export = defineNode<Config>({
  type: 'butler-execute',
  version: 1,
  migrations: {
    0: (c) => ({ ...c, action_type: c.action_type ?? '', params: c.params ?? '', reason: c.reason ?? '' }),
  },
  async onInput(msg, { node, config, services, busy }) {
    const actions = actionsOf(msg, config);
    const origin = originOf(msg, node);
    const conversation = msg.conversation as { conversation_id?: unknown } | undefined;
    busy('running');
    const outcome = await services.door.execute({
      actions,
      origin,
      reason: config.reason || `flow node ${config.name || node.id}`,
      triggered_by_event_id: eventIdOf(msg),
      conversation_id: typeof conversation?.conversation_id === 'string' ? conversation.conversation_id : null,
    });
    msg.payload = outcome;
    msg.plan_id = outcome.plan_id;
    const failed = outcome.results.filter((r) => r.status === 'error');
    if (failed.length > 0) {
      const why = failed.map((r) => `${r.action_type}: ${JSON.stringify((r.output as { error?: unknown })?.error ?? r.output)}`).join('; ');
      return {
        status: { text: 'error', fill: 'red' },
        error: new Error(`${failed.length} of ${outcome.results.length} action(s) failed: ${why}`),
      };
    }
    const statuses = [...new Set(outcome.results.map((r) => r.status))].join(',');
    return { status: { text: statuses, fill: statuses === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
