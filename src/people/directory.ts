// The household directory (option `people`): who the butler may message without asking, and how to reach them.

export interface PersonEntry {
  name: string;
  aliases?: string[];
  openclaw?: { channel: string; target: string; account?: string };
  email?: string;
  /** A Home Assistant notify service for this person (notify.mobile_app_anns_phone). */
  ha_notify?: string;
}

export type Via = 'openclaw' | 'email' | 'ha_notify';
export const VIAS: Via[] = ['openclaw', 'email', 'ha_notify'];

const norm = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKC')
    .trim()
    .replace(/^(my|our|the)\s+/, '')
    .replace(/[\s.,!?'"“”‘’]+/g, ' ')
    .trim();

export class PeopleDirectory {
  private readonly byName = new Map<string, PersonEntry>();

  constructor(readonly people: PersonEntry[]) {
    for (const p of people) for (const n of [p.name, ...(p.aliases ?? [])]) this.byName.set(norm(n), p);
  }

  find(name: string): PersonEntry | null {
    return this.byName.get(norm(name)) ?? null;
  }

  names(): string[] {
    return this.people.map((p) => p.name);
  }

  /** Whether an address (an OpenClaw chat, an email address) belongs to someone in the directory. */
  owner(address: { channel?: string; target?: string; email?: string }): PersonEntry | null {
    for (const p of this.people) {
      if (
        address.target &&
        p.openclaw &&
        p.openclaw.target === address.target &&
        (!address.channel || address.channel === p.openclaw.channel)
      )
        return p;
      if (address.email && p.email && p.email.toLowerCase() === address.email.toLowerCase()) return p;
    }
    return null;
  }

  /** The ways to reach a person, in the order the butler tries them. */
  static vias(p: PersonEntry): Via[] {
    return VIAS.filter((v) => (v === 'openclaw' ? Boolean(p.openclaw) : v === 'email' ? Boolean(p.email) : Boolean(p.ha_notify)));
  }
}

/** At most `limit` messages per recipient in any `windowMs`. */
export class RateLimiter {
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Takes one slot for `key`; returns the ms to wait when none is free (nothing taken), else 0. */
  take(key: string, now = Date.now()): number {
    const list = (this.sent.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length >= this.limit) {
      this.sent.set(key, list);
      return this.windowMs - (now - list[0]);
    }
    list.push(now);
    this.sent.set(key, list);
    return 0;
  }
}
