// Asks the policy what would happen to an action, without running it: output 1 allowed, 2 denied, 3 needs confirmation.
// A plan goes to the strictest verdict of its actions (deny > confirm > allow).
import { actionsOf, clock, migrate, originOf, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';
import type { PolicyDecision } from '../../src/actions/policy';

interface Config extends NodeDef {
  action_type: string;
  params: string;
}

export = (RED: NodeAPI) => {
  function ButlerPolicy(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, action_type: c.action_type ?? '', params: c.params ?? '' }) });
    node.status({});
    node.on('input', (msg, send, done) => {
      try {
        const services = servicesOf(RED);
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
        const out = verdict === 'allow' ? 0 : verdict === 'deny' ? 1 : 2;
        node.status({
          fill: verdict === 'allow' ? 'green' : verdict === 'deny' ? 'red' : 'yellow',
          shape: 'dot',
          text: short(`${verdict} · ${clock()}`),
        });
        const outputs: (typeof msg | null)[] = [null, null, null];
        outputs[out] = msg;
        send(outputs);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short((err as Error).message) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-policy', ButlerPolicy);
};
