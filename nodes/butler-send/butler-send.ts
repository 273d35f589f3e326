// Sends a message to a person of the household (send_message through the one door, with the message's origin): the
// node's fields are defaults, msg.payload is the text, or an object {person, target, channel, via, message}.
// Someone outside the directory waits for a person's confirmation; the result passes on with a yellow status.
import { defineNode } from '../lib/node';
import { actionError, type NodeDef, runOneAction } from '../lib/red';

interface Config extends NodeDef {
  person: string;
  target: string;
  channel: string;
  via: '' | 'openclaw' | 'email' | 'ha_notify';
}

export = defineNode<Config>({
  type: 'butler-send',
  version: 1,
  migrations: {
    0: (c) => ({
      ...c,
      person: c.person ?? '',
      target: c.target ?? '',
      channel: c.channel ?? '',
      via: ['openclaw', 'email', 'ha_notify'].includes(String(c.via)) ? c.via : '',
    }),
  },
  async onInput(msg, { node, config, services, busy }) {
    const p = msg.payload && typeof msg.payload === 'object' && !Array.isArray(msg.payload) ? (msg.payload as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const message = typeof msg.payload === 'string' ? msg.payload : str(p.message);
    if (!message) throw new Error('no message: send the text as msg.payload, or msg.payload = {message, person}');
    const fromMsg = str(p.person) ?? str(p.target);
    const params: Record<string, string> = { message };
    const person = fromMsg ? str(p.person) : str(config.person);
    const target = fromMsg ? str(p.target) : str(config.target);
    if (person) params.person = person;
    if (target) params.target = target;
    if (!person && !target)
      throw new Error('no recipient: set a person (or a target) in the node, or send msg.payload = {person, message}');
    const channel = str(p.channel) ?? str(config.channel);
    if (channel && target) params.channel = channel;
    const via = str(p.via) ?? str(config.via);
    if (via) params.via = via;
    busy(`to ${person ?? target}…`);
    const r = await runOneAction(services, msg, node, config.name, 'send_message', params);
    if (r.status === 'error')
      return {
        status: { text: 'error', fill: 'red' },
        error: actionError('send_message', r),
      };
    const via_ = (r.output as { via?: unknown })?.via;
    return {
      status: {
        text: r.status === 'ok' ? `sent${typeof via_ === 'string' ? ` (${via_})` : ''}` : r.status,
        fill: r.status === 'ok' ? 'green' : 'yellow',
      },
      send: msg,
    };
  },
});
