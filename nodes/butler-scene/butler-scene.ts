// Activates a scene (the node's scene id, or msg.payload) through the one door with the message's origin.
// msg.payload becomes the activation (plan_id, policy, ok, results); activations where an action did not end ok
// (error, denied, waiting for confirmation) leave by the second output; unknown scenes reach Catch nodes.
import { defineNode } from '../lib/node';
import { eventIdOf, originOf, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  scene: string;
}

export = defineNode<Config>({
  type: 'butler-scene',
  version: 1,
  migrations: { 0: (c) => ({ ...c, scene: c.scene ?? '' }) },
  async onInput(msg, { node, config, brain, busy }) {
    const { scenes } = brain('the scene service');
    const p = msg.payload as { scene_id?: unknown } | string | null | undefined;
    const id =
      config.scene || (typeof p === 'string' ? p.trim() : p && typeof p === 'object' && typeof p.scene_id === 'string' ? p.scene_id : '');
    if (!id) throw new Error('no scene: set one in the node, or send msg.payload = "<scene id>"');
    busy(`${id}…`);
    const a = await scenes.activate(id, originOf(msg, node), { triggered_by_event_id: eventIdOf(msg) });
    msg.payload = a;
    msg.plan_id = a.plan_id;
    if (a.ok) return { status: id, send: [msg, null] };
    const why = [...new Set(a.results.filter((r) => r.status !== 'ok').map((r) => r.status))].join(',');
    return { status: { text: `${id}: ${a.failed} ${why}`, fill: 'yellow' }, send: [null, msg] };
  },
});
