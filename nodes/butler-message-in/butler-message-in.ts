// Messages people write to the butler (OpenClaw chats, email) enter the flows here, filtered by channel and sender.
// The text is from outside: the message carries an untrusted origin, so whatever a flow does with it through the
// door is checked as the sender's request, never as the flow author's.
import { globList } from '../../src/flows/match';
import { defineNode } from '../lib/node';
import { clock, LISTENING, short, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  channels: string;
  senders: string;
}

export = defineNode<Config>({
  type: 'butler-message-in',
  version: 1,
  migrations: { 0: (c) => ({ ...c, channels: c.channels ?? '', senders: c.senders ?? '' }) },
  start({ config, listen, status, send }) {
    const channelOk = globList(config.channels);
    const senderOk = globList(config.senders);
    let count = 0;
    listen('event', (event) => {
      if (event.type !== 'message.received') return;
      const p = event.payload;
      const channel = typeof p.channel === 'string' ? p.channel : '';
      const from = typeof p.from === 'string' ? p.from : '';
      if (!channelOk(channel) || !senderOk(from)) return;
      count++;
      status({ fill: 'green', shape: 'dot', text: short(`${channel} · ${from} · ${clock()} (${count})`) });
      send({
        topic: channel,
        payload: typeof p.text === 'string' ? p.text : '',
        message: p,
        event,
        origin: { source: event.source, trusted: false, user: from || undefined, untrusted_input: true },
      });
    });
    status(LISTENING);
  },
});
