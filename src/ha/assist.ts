// Assist: the butler as a Home Assistant conversation agent over Wyoming. Each transcript becomes a turn of the one
// conversation pipeline (same door, same policy). Home Assistant on the Supervisor network (or loopback) is a trusted
// caller, but voice is never proof of who speaks: sensitive actions are confirmed in the conversation.
import type { Part } from '../parts/part';
import type { Logger } from '../log';
import { portTakenError } from '../parts/ports';
import type { Origin } from '../types';
import { startWyomingServer, type WyomingServer } from './wyoming';

import pkg from '../../package.json';

const VERSION: string = pkg.version;

/** The Supervisor's internal network (hassio, 172.30.32.0/23) and loopback. */
export function isTrustedAssistPeer(address: string): boolean {
  if (address === '127.0.0.1' || address === '::1') return true;
  const m = /^172\.30\.(\d+)\.\d+$/.exec(address);
  return m !== null && (m[1] === '32' || m[1] === '33');
}

/** A transcript as a conversation turn, and the part of the answer Assist speaks. */
export interface AssistTurn {
  text: string;
  origin: Origin;
  conversation_id: string | null;
  language: string;
}

export interface AssistHost {
  converse: (turn: AssistTurn) => Promise<{ reply: string; handled: boolean; conversation_id: string }>;
  log: Logger;
}

export interface AssistOptions {
  port: number;
  host?: string;
  /** Tells Home Assistant where the server is (the Supervisor's discovery), once it listens. */
  announce?: (port: number) => Promise<void>;
}

/** The Wyoming server as a part (a port someone chose being taken stops the start, like an invalid option). */
export class AssistPart implements Part<AssistHost> {
  readonly name = 'wyoming';
  private server: WyomingServer | null = null;

  constructor(private readonly opts: AssistOptions) {}

  /** The port it listens on; 0 when it is not running. */
  get port(): number {
    return this.server?.port ?? 0;
  }

  async start(host: AssistHost): Promise<void> {
    try {
      this.server = await startWyomingServer({
        host: this.opts.host ?? '0.0.0.0',
        port: this.opts.port,
        log: host.log,
        info: { version: VERSION, description: 'Smart Butler: your home, understood (offline first, Claude when configured)' },
        handler: async (req) => {
          const trusted = isTrustedAssistPeer(req.peer);
          const origin: Origin = {
            source: 'assist',
            trusted,
            confirm_sensitive: true,
            user: typeof req.context.user_id === 'string' ? req.context.user_id : undefined,
          };
          const reply = await host.converse({ text: req.text, origin, conversation_id: req.conversation_id, language: req.language });
          return { handled: reply.handled, text: reply.reply, conversation_id: reply.conversation_id };
        },
      });
    } catch (err) {
      throw portTakenError(err, this.opts.port, 'the Wyoming (Assist) server', 'BUTLER_WYOMING_PORT');
    }
    void this.opts.announce?.(this.server.port);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
