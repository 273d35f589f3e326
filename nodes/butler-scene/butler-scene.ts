// Activates a scene (the node's scene id, or msg.payload) through the one door with the message's origin.
// msg.payload becomes the activation (plan_id, policy, ok, results); activations where an action did not end ok
// (error, denied, waiting for confirmation) leave by the second output; unknown scenes reach Catch nodes.
import { clock, errorText, migrate, originOf, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  scene: string;
}

export = (RED: NodeAPI) => {
  function ButlerScene(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, scene: c.scene ?? '' }) });
    node.status({});
    node.on('input', async (msg, send, done) => {
      try {
        const brain = servicesOf(RED).brain;
        if (!brain) throw new Error('the scene service is missing from the butler services (settings.butler.brain)');
        const p = msg.payload as { scene_id?: unknown } | string | null | undefined;
        const id =
          config.scene ||
          (typeof p === 'string' ? p.trim() : p && typeof p === 'object' && typeof p.scene_id === 'string' ? p.scene_id : '');
        if (!id) throw new Error('no scene: set one in the node, or send msg.payload = "<scene id>"');
        const event = msg.event as { event_id?: unknown } | undefined;
        node.status({ fill: 'blue', shape: 'ring', text: short(`${id}…`) });
        const a = await brain.scenes.activate(id, originOf(msg, node), {
          triggered_by_event_id: typeof event?.event_id === 'string' ? event.event_id : null,
        });
        msg.payload = a;
        msg.plan_id = a.plan_id;
        if (a.ok) {
          node.status({ fill: 'green', shape: 'dot', text: short(`${id} · ${clock()}`) });
          send([msg, null]);
        } else {
          const why = [...new Set(a.results.filter((r) => r.status !== 'ok').map((r) => r.status))].join(',');
          node.status({ fill: 'yellow', shape: 'dot', text: short(`${id}: ${a.failed} ${why} · ${clock()}`) });
          send([null, msg]);
        }
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-scene', ButlerScene);
};
