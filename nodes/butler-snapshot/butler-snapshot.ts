// Keeps a picture in the butler's snapshot store through the one door, with the message's origin: a new snapshot from
// an ONVIF camera (`snapshot`), or Frigate's picture (`frigate_snapshot`: the event's own snapshot when the message
// comes from a Frigate object event, else the camera's latest frame), or a Home Assistant camera entity
// (`ha_camera_snapshot`, through camera_proxy). msg.payload becomes the action's output
// ({snapshot_id, url, …}) and msg.snapshot_id the picture's id, so later nodes (vision, notify) can refer to it.
import { defineNode } from '../lib/node';
import { actionError, ConfigError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  source: 'camera' | 'frigate' | 'ha';
  camera: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export = defineNode<Config>({
  type: 'butler-snapshot',
  version: 1,
  migrations: { 0: (c) => ({ ...c, source: c.source === 'frigate' || c.source === 'ha' ? c.source : 'camera', camera: c.camera ?? '' }) },
  validate(c) {
    if (!['camera', 'frigate', 'ha'].includes(c.source))
      throw new ConfigError('source', `must be camera, frigate or ha, got "${c.source}"`);
  },
  async onInput(msg, { node, config, services, busy }) {
    const p = (msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? msg.payload : {}) as Record<string, unknown>;
    // msg.camera (from a butler frigate node) names a Frigate camera, not an ONVIF one.
    const camera = str(p.camera) ?? (config.source === 'frigate' ? str(msg.camera) : undefined) ?? str(config.camera);
    let action: string;
    const params: Record<string, string> = {};
    if (config.source === 'frigate') {
      action = 'frigate_snapshot';
      const eventId = msg.topic === 'frigate.object' && p.has_snapshot === true ? str(p.id) : undefined;
      if (eventId) params.event_id = eventId;
      else if (camera) params.camera = camera;
      else throw new Error('no Frigate camera: set one in the node, or send msg.payload.camera (a Frigate event carries it)');
    } else if (config.source === 'ha') {
      action = 'ha_camera_snapshot';
      const entity = str(p.entity_id) ?? camera;
      if (!entity) throw new Error('no Home Assistant camera: set its entity_id (camera.…) in the node, or send msg.payload.entity_id');
      params.entity_id = entity;
    } else {
      action = 'snapshot';
      if (camera) params.camera = camera;
    }
    busy('taking a picture…');
    const r = await runOneAction(services, msg, node, config.name, action, params);
    if (r.status === 'error') {
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError(action, r),
      };
    }
    const id = (r.output as { snapshot_id?: unknown })?.snapshot_id;
    if (typeof id === 'string') msg.snapshot_id = id;
    return { status: { text: r.status === 'ok' ? `${id}` : r.status, fill: r.status === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
