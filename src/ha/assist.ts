// Assist: the butler as a Home Assistant conversation agent over Wyoming. Each transcript becomes a turn of the one
// conversation pipeline (same door, same policy). Only Home Assistant's own address (and loopback) is a trusted
// caller: other add-ons on the Supervisor network and anyone on the LAN are untrusted voices. Even then voice is never
// proof of who speaks: sensitive actions are confirmed in the conversation. `handled` is answered only once what the
// turn recorded has been committed.
import { lookup } from 'node:dns/promises';
import { isChinese, notSaved } from '../conversation/replies';
import type { Part } from '../parts/part';
import type { Logger } from '../log';
import { portTakenError } from '../parts/ports';
import type { Origin } from '../types';
import { startWyomingServer, type WyomingServer } from './wyoming';

import pkg from '../../package.json';

const VERSION: string = pkg.version;

/** Home Assistant Core's address on the Supervisor's network (the `homeassistant` host). */
export const SUPERVISOR_HA_ADDRESS = '172.30.32.1';
export const LOOPBACK = ['127.0.0.1', '::1'];

/** Trusted only when the peer is one of the given addresses (Home Assistant's own; loopback by default). */
export function isTrustedAssistPeer(address: string, trusted: readonly string[] = LOOPBACK): boolean {
  return trusted.includes(address.replace(/^::ffff:/, ''));
}

/**
 * Home Assistant's own addresses: in the add-on the `homeassistant` host on the Supervisor's network (never the whole
 * network: other add-ons live there too); elsewhere the host of the configured Home Assistant URL. Loopback always.
 */
export async function homeAssistantPeers(opts: { addon: boolean; haUrl?: string }): Promise<string[]> {
  const out = new Set(LOOPBACK);
  const resolveAll = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);
  if (opts.addon) {
    out.add(SUPERVISOR_HA_ADDRESS);
    for (const a of await resolveAll('homeassistant').catch(() => [])) out.add(a);
  }
  if (opts.haUrl) {
    const host = (() => {
      try {
        return new URL(opts.haUrl).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return '';
      }
    })();
    if (host) for (const a of await resolveAll(host).catch(() => [])) out.add(a);
  }
  return [...out];
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
  /** Resolves once everything recorded so far is committed (the audit trail's batch). */
  committed?: () => Promise<void>;
  log: Logger;
}

export interface AssistOptions {
  port: number;
  host?: string;
  /** Tells Home Assistant where the server is (the Supervisor's discovery), once it listens. */
  announce?: (port: number) => Promise<void>;
  /** Addresses whose transcripts are trusted (Home Assistant's own); loopback when not given. */
  trustedPeers?: () => readonly string[];
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
          const trusted = isTrustedAssistPeer(req.peer, this.opts.trustedPeers?.() ?? LOOPBACK);
          const origin: Origin = {
            source: 'assist',
            trusted,
            confirm_sensitive: true,
            user: typeof req.context.user_id === 'string' ? req.context.user_id : undefined,
          };
          const reply = await host.converse({ text: req.text, origin, conversation_id: req.conversation_id, language: req.language });
          try {
            await host.committed?.();
          } catch (err) {
            // Not `handled`: what the turn did could not be recorded. Say why, and what the turn itself said.
            const why = err instanceof Error ? err.message : String(err);
            const text = notSaved(why, reply.reply, isChinese(req.language ?? ''));
            return { handled: false, text, conversation_id: reply.conversation_id };
          }
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
