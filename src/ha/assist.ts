// Assist: the butler as a Home Assistant conversation agent over Wyoming. Each transcript becomes a conversation
// through the command service (same door, same policy). Home Assistant on the Supervisor network (or loopback) is a
// trusted caller, but voice is never proof of who speaks: sensitive actions are confirmed in the conversation.
import { startWyomingServer, type WyomingServer } from './wyoming';
import type { Butler } from '../service';
import type { Origin } from '../types';

import pkg from '../../package.json';

const VERSION: string = pkg.version;

/** The Supervisor's internal network (hassio, 172.30.32.0/23) and loopback. */
export function isTrustedAssistPeer(address: string): boolean {
  if (address === '127.0.0.1' || address === '::1') return true;
  const m = /^172\.30\.(\d+)\.\d+$/.exec(address);
  return m !== null && (m[1] === '32' || m[1] === '33');
}

export async function startAssist(butler: Butler, host = '0.0.0.0'): Promise<WyomingServer> {
  return startWyomingServer({
    host,
    port: butler.options.wyoming_port,
    log: butler.log,
    info: { version: VERSION, description: 'Smart Butler: your home, understood (offline first, Claude when configured)' },
    handler: async (req) => {
      const trusted = isTrustedAssistPeer(req.peer);
      const origin: Origin = {
        source: 'assist',
        trusted,
        confirm_sensitive: true,
        user: typeof req.context.user_id === 'string' ? req.context.user_id : undefined,
      };
      const reply = await butler.commands.converse({
        text: req.text,
        origin,
        conversation_id: req.conversation_id,
        language: req.language,
      });
      return { handled: reply.handled, text: reply.reply, conversation_id: reply.conversation_id };
    },
  });
}
