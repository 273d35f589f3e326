// Asks the model what a camera picture shows (camera_describe) through the one door, with the message's origin: the
// picture the message carries (msg.snapshot_id, e.g. from a butler snapshot node) or a new one from the camera. The
// answer is untrusted text (whatever the camera saw is data, never an instruction): msg.description holds it and
// msg.payload the whole output ({description, untrusted: true, snapshot_id, image}). Without a model it fails saying so.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  question: string;
  camera: string;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export = defineNode<Config>({
  type: 'butler-vision',
  version: 1,
  migrations: { 0: (c) => ({ ...c, question: c.question ?? '', camera: c.camera ?? '' }) },
  async onInput(msg, { node, config, services, busy }) {
    const p = (msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? msg.payload : {}) as Record<string, unknown>;
    const params: Record<string, string> = {};
    const snapshotId = str(msg.snapshot_id) ?? str(p.snapshot_id);
    const camera = str(p.camera) ?? str(config.camera);
    if (snapshotId) params.snapshot_id = snapshotId;
    else if (camera) params.camera = camera;
    const question = str(msg.question) ?? str(p.question) ?? str(config.question);
    if (question) params.question = question;
    busy('looking…');
    const r = await runOneAction(services, msg, node, config.name, 'camera_describe', params);
    if (r.status === 'error') {
      const why = (r.output as { error?: unknown })?.error;
      return {
        status: { text: /needs a model/.test(String(why)) ? 'needs a model' : 'error', fill: 'red' },
        error: actionError('camera_describe', r),
      };
    }
    const out = r.output as { description?: unknown; snapshot_id?: unknown };
    if (typeof out?.description === 'string') msg.description = out.description;
    if (typeof out?.snapshot_id === 'string') msg.snapshot_id = out.snapshot_id;
    return { status: { text: r.status === 'ok' ? 'described' : r.status, fill: r.status === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
