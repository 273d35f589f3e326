// Asks the policy what would happen to an action, without running it: output 1 allowed, 2 denied, 3 needs confirmation.
// A plan goes to the strictest verdict of its actions (deny > confirm > allow).
import type { PolicyDecision } from '../../src/actions/policy';
import { defineNode } from '../lib/node';
import { actionsOf, originOf, type NodeDef, type NodeMessage } from '../lib/red';

interface Config extends NodeDef {
  action_type: string;
  params: string;
}

export = defineNode<Config>({
  type: 'butler-policy',
  version: 1,
  migrations: { 0: (c) => ({ ...c, action_type: c.action_type ?? '', params: c.params ?? '' }) },
  onInput(msg, { node, config, services }) {
    const actions = actionsOf(msg, config);
    const origin = originOf(msg, node);
    const decisions: (PolicyDecision & { action_type: string })[] = actions.map((a) => {
      const params = services.registry.validate(a.action_type, a.params);
      return { action_type: a.action_type, ...services.policy.evaluate(a.action_type, params, origin) };
    });
    const verdict = decisions.some((d) => d.verdict === 'deny')
      ? 'deny'
      : decisions.some((d) => d.verdict === 'confirm')
        ? 'confirm'
        : 'allow';
    msg.policy = { verdict, decisions };
    const outputs: (NodeMessage | null)[] = [null, null, null];
    outputs[verdict === 'allow' ? 0 : verdict === 'deny' ? 1 : 2] = msg;
    return { status: { text: verdict, fill: verdict === 'allow' ? 'green' : verdict === 'deny' ? 'red' : 'yellow' }, send: outputs };
  },
});
