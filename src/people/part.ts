// send_message: "tell Mum the door is open" reaches Mum the way the directory says (OpenClaw chat, email, Home
// Assistant notify). Anyone outside the directory is sensitive (a trusted person confirms; a message can never
// approve it), and every recipient has a rate limit so a loop or a chatty rule cannot flood anyone.
import type { ActionRegistry } from '../actions/registry';
import type { ComponentHealth, Part } from '../parts/part';
import type { Logger } from '../log';
import type { JsonObject } from '../types';
import { type PersonEntry, PeopleDirectory, RateLimiter, VIAS, type Via } from './directory';

/** How a message leaves, one function per channel; a missing one means the channel is not configured. */
export interface MessageChannels {
  openclaw?: (to: { channel?: string; target: string; account?: string }, message: string, idempotencyKey: string) => Promise<JsonObject>;
  email?: (to: string, subject: string, body: string) => Promise<JsonObject>;
  ha_notify?: (service: string, message: string) => Promise<JsonObject>;
}

export interface PeopleHost {
  registry: ActionRegistry;
  log: Logger;
}

export interface PeopleOptions {
  people: PersonEntry[];
  channels: MessageChannels;
  /** Messages per recipient per minute (default 6). */
  ratePerMinute?: number;
}

interface Recipient {
  person: PersonEntry | null;
  via: Via;
  address: { channel?: string; target: string; account?: string };
}

export class PeoplePart implements Part<PeopleHost> {
  readonly name = 'people';
  readonly directory: PeopleDirectory;
  private readonly limiter: RateLimiter;

  constructor(private readonly opts: PeopleOptions) {
    this.directory = new PeopleDirectory(opts.people);
    this.limiter = new RateLimiter(opts.ratePerMinute ?? 6, 60_000);
  }

  /** For the OpenClaw actions: a chat of someone in the directory is not a stranger. */
  isKnownRecipient = (channel: string | undefined, target: string): boolean => Boolean(this.directory.owner({ channel, target }));

  start(host: PeopleHost): void {
    const dir = this.directory;
    host.registry.register({
      name: 'send_message',
      description:
        'Send a message to a person of the household by name (their chat, email or phone notification), or to another address (needs confirmation).',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['message'],
        properties: {
          person: {
            type: 'string',
            minLength: 1,
            maxLength: 64,
            description: `Name or alias from the directory${dir.names().length ? `: ${dir.names().join(', ')}` : ''}`,
          },
          to: { type: 'string', minLength: 1, maxLength: 64, description: 'Same as person' },
          target: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            description: 'An address outside the directory: a chat id (with via openclaw) or an email address',
          },
          channel: { type: 'string', minLength: 1, maxLength: 64, description: 'OpenClaw channel for a target (telegram, whatsapp ...)' },
          message: { type: 'string', minLength: 1, maxLength: 4000 },
          via: { type: 'string', enum: VIAS },
        },
      },
      risk: 'sensitive',
      // Someone in the directory is safe to message; anyone else waits for a trusted person.
      riskFor: (p) => {
        if (typeof p.target !== 'string') return 'safe'; // a name: the handler finds the person or refuses
        return dir.owner({ channel: p.channel as string | undefined, target: p.target, email: p.target }) ? 'safe' : 'sensitive';
      },
      provider: 'people',
      timeoutMs: 20_000,
      handler: (p, ctx) => this.send(p, `butler:${ctx.plan_id}:${ctx.index}`),
    });
  }

  stop(): void {}

  health(): ComponentHealth {
    const n = this.opts.people.length;
    return { ok: true, detail: n ? `${n} ${n === 1 ? 'person' : 'people'} in the directory` : 'no one in the directory (option people)' };
  }

  private resolve(p: JsonObject): Recipient[] {
    const name = (p.person ?? p.to) as string | undefined;
    const via = p.via as Via | undefined;
    if (name !== undefined && p.target !== undefined) throw new Error('give either person or target, not both');
    if (name !== undefined) {
      const person = this.directory.find(name);
      if (!person) {
        const known = this.directory.names();
        throw new Error(
          `no one called "${name}" in the household directory; ${known.length ? `known people: ${known.join(', ')}` : 'the directory (option people) is empty'}`,
        );
      }
      const ways = PeopleDirectory.vias(person).filter((v) => (via ? v === via : true));
      if (ways.length === 0)
        throw new Error(
          via ? `${person.name} has no ${via} address in the directory` : `${person.name} has no way to be reached in the directory`,
        );
      return ways.map((v) => ({
        person,
        via: v,
        address:
          v === 'openclaw'
            ? { channel: person.openclaw!.channel, target: person.openclaw!.target, account: person.openclaw!.account }
            : { target: v === 'email' ? person.email! : person.ha_notify! },
      }));
    }
    if (typeof p.target !== 'string') throw new Error('say who: person (a name from the directory) or target (an address)');
    const target = p.target;
    const chosen: Via = via ?? (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(target) ? 'email' : /^notify\./.test(target) ? 'ha_notify' : 'openclaw');
    const person = this.directory.owner({ channel: p.channel as string | undefined, target, email: target });
    return [{ person, via: chosen, address: { channel: p.channel as string | undefined, target } }];
  }

  private async send(p: JsonObject, idempotencyKey: string): Promise<JsonObject> {
    const message = String(p.message);
    const recipients = this.resolve(p);
    const who = recipients[0].person?.name ?? recipients[0].address.target;
    const wait = this.limiter.take(`${recipients[0].person?.name ?? recipients[0].address.target}`.toLowerCase());
    if (wait > 0)
      throw new Error(`not sent: ${who} already got the most messages allowed in a minute; try again in ${Math.ceil(wait / 1000)} s`);
    const failures: string[] = [];
    for (const r of recipients) {
      const channel = this.opts.channels[r.via];
      if (!channel) {
        failures.push(`${r.via}: not configured`);
        continue;
      }
      try {
        let out: JsonObject;
        if (r.via === 'openclaw') out = await this.opts.channels.openclaw!(r.address, message, idempotencyKey);
        else if (r.via === 'email') out = await this.opts.channels.email!(r.address.target, 'A message from your butler', message);
        else out = await this.opts.channels.ha_notify!(r.address.target, message);
        return { ...out, to: who, via: r.via, ...(failures.length ? { tried: failures } : {}) };
      } catch (err) {
        failures.push(`${r.via}: ${(err as Error).message}`);
      }
    }
    throw new Error(`could not reach ${who}: ${failures.join('; ')}`);
  }
}
