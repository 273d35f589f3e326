// Drives the DaShan desk robot through the one door: expression, servo, animation, speak or state (dashan_<what>).
// msg.payload is the value (a string: expression name, animation, text, state) or the params object.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  what: 'expression' | 'servo' | 'animation' | 'speak' | 'state';
  value: string;
}

const KEY: Record<Config['what'], string> = { expression: 'expression', servo: '', animation: 'animation', speak: 'text', state: 'state' };

export = defineNode<Config>({
  type: 'butler-dashan',
  version: 1,
  migrations: {
    0: (c) => ({ ...c, what: typeof c.what === 'string' && c.what in KEY ? c.what : 'expression', value: c.value ?? '' }),
  },
  async onInput(msg, { node, config, services, busy }) {
    let params: Record<string, string | number>;
    const p = msg.payload;
    if (p && typeof p === 'object' && !Array.isArray(p)) params = p as Record<string, string | number>;
    else if (config.what === 'servo') {
      const [h, v] = String(config.value || p || '')
        .split(/[ ,]+/)
        .map(Number);
      if (!Number.isFinite(h) || !Number.isFinite(v)) throw new Error('servo: send {horizontal, vertical} or set "90,90" in the node');
      params = { horizontal: h, vertical: v };
    } else {
      const value = config.value || (typeof p === 'string' ? p : '');
      if (!value) throw new Error(`${config.what}: set a value in the node or send it as msg.payload`);
      params = { [KEY[config.what]]: value };
    }
    busy(config.what);
    const action_type = `dashan_${config.what}`;
    const r = await runOneAction(services, msg, node, config.name, action_type, params);
    if (r.status === 'error') {
      // The action's own words, unquoted; anything else as JSON.
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError(action_type, r),
      };
    }
    return { status: { text: r.status, fill: r.status === 'ok' ? 'green' : 'yellow' }, send: msg };
  },
});
