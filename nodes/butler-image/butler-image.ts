// Generates pictures (image_generate through the one door): msg.payload is the prompt, or {prompt, size, n}; the
// node's fields are the defaults. msg.payload becomes {images:[{snapshot_id, url, width, height}]}: pictures kept in
// the snapshot store, ready for openclaw_send_media {snapshot_id}.
import { defineNode } from '../lib/node';
import { actionError, ConfigError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  size: string;
  n: number;
}

const SIZE = /^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$/;

export = defineNode<Config>({
  type: 'butler-image',
  version: 1,
  migrations: { 0: (c) => ({ ...c, size: c.size ?? '', n: Number(c.n) || 1 }) },
  validate(config) {
    if (config.size && !SIZE.test(config.size)) throw new ConfigError('size', `"${config.size}" is not WIDTHxHEIGHT (e.g. 1024x1024)`);
    if (!Number.isInteger(config.n) || config.n < 1 || config.n > 4) throw new ConfigError('n', 'must be 1 to 4');
  },
  async onInput(msg, { node, config, services, busy }) {
    const p = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    const prompt = typeof msg.payload === 'string' ? msg.payload.trim() : typeof p.prompt === 'string' ? p.prompt.trim() : '';
    if (!prompt) throw new Error('no prompt: send it as msg.payload (a string) or msg.payload = {prompt, size, n}');
    const params: Record<string, string | number> = { prompt, n: p.n !== undefined ? Number(p.n) : config.n };
    const size = typeof p.size === 'string' ? p.size : config.size;
    if (size) params.size = size;
    busy('drawing…');
    const r = await runOneAction(services, msg, node, config.name, 'image_generate', params);
    if (r.status === 'error')
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError('image_generate', r),
      };
    const n = (r.output as { images?: unknown[] })?.images?.length;
    return {
      status: { text: r.status === 'ok' ? `${n ?? 0} pictures` : r.status, fill: r.status === 'ok' ? 'green' : 'yellow' },
      send: msg,
    };
  },
});
