// Drives a camera through the one door with the message's origin: turn to a preset, stop, take a snapshot or describe
// what it sees. The node's fields are the defaults; msg.payload {camera, preset, question} overrides them.
// msg.payload becomes the action's output ({snapshot_id} for a snapshot); failures reach Catch nodes; denied or
// waiting-for-confirmation results pass on with a yellow status.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  command: 'goto' | 'stop' | 'snapshot' | 'describe';
  camera: string;
  preset: string;
}

const ACTION = { goto: 'ptz_goto_preset', stop: 'ptz_stop', snapshot: 'snapshot', describe: 'camera_describe' } as const;

export = defineNode<Config>({
  type: 'butler-camera',
  version: 1,
  migrations: { 0: (c) => ({ ...c, command: c.command ?? 'snapshot', camera: c.camera ?? '', preset: c.preset ?? '' }) },
  async onInput(msg, { node, config, services, busy }) {
    const p = (msg.payload && typeof msg.payload === 'object' ? msg.payload : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const action = ACTION[config.command] ?? 'snapshot';
    const params: Record<string, unknown> = {};
    const camera = str(p.camera) ?? str(config.camera);
    if (camera) params.camera = camera;
    if (action === 'ptz_goto_preset') {
      const preset = str(p.preset) ?? (typeof msg.payload === 'string' ? str(msg.payload) : undefined) ?? str(config.preset);
      if (!preset) throw new Error('no preset: set one in the node, or send msg.payload = {preset: "<name>"}');
      params.preset = preset;
    }
    if (action === 'camera_describe') {
      if (str(p.question)) params.question = str(p.question);
      if (str(p.snapshot_id)) {
        params.snapshot_id = str(p.snapshot_id);
        delete params.camera;
      }
    }
    busy(`${action}…`);
    const r = await runOneAction(services, msg, node, config.name, action, params as never);
    if (r.status === 'error') {
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError(action, r),
      };
    }
    return { status: { text: `${config.command}: ${r.status}`, fill: r.status === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
