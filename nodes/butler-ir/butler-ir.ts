// Sends or learns an infrared code through the one door (ir_send_command / ir_learn_command) with the message's
// origin. The node's fields are defaults; an object msg.payload ({device_id, command, repeat, duration, blaster}) wins.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  mode: 'send' | 'learn';
  device_id: string;
  command: string;
  repeat: number;
  duration: number;
  blaster: string;
}

export = defineNode<Config>({
  type: 'butler-ir',
  version: 1,
  migrations: {
    0: (c) => ({
      ...c,
      mode: c.mode === 'learn' ? 'learn' : 'send',
      device_id: c.device_id ?? '',
      command: c.command ?? '',
      repeat: Number(c.repeat) || 1,
      duration: Number(c.duration) || 30,
      blaster: c.blaster ?? '',
    }),
  },
  async onInput(msg, { node, config, services, busy }) {
    const p = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    const pick = (k: string, fallback: unknown) => (p[k] !== undefined ? p[k] : fallback);
    const device_id = String(pick('device_id', config.device_id) ?? '');
    const command = String(pick(config.mode === 'learn' ? 'command_name' : 'command', pick('command', config.command)) ?? '');
    if (!device_id || !command) throw new Error('set device_id and command in the node, or send them in msg.payload');
    const blaster = pick('blaster', config.blaster);
    const params: Record<string, string | number> =
      config.mode === 'learn'
        ? { device_id, command_name: command, duration: Number(pick('duration', config.duration)) }
        : { device_id, command, repeat: Number(pick('repeat', config.repeat)) };
    if (typeof blaster === 'string' && blaster) params.blaster = blaster;
    busy(config.mode === 'learn' ? 'press the button…' : 'sending');
    const action_type = config.mode === 'learn' ? 'ir_learn_command' : 'ir_send_command';
    const r = await runOneAction(services, msg, node, config.name, action_type, params);
    if (r.status === 'error') {
      // The action's own words, unquoted; anything else as JSON.
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError(action_type, r),
      };
    }
    const learnedNothing = config.mode === 'learn' && (r.output as { learned?: boolean })?.learned === false;
    return {
      status: { text: learnedNothing ? 'nothing received' : r.status, fill: r.status === 'ok' && !learnedNothing ? 'green' : 'yellow' },
      send: msg,
    };
  },
});
