// The Broadlink part: one client per configured blaster (health `broadlink:<name>`), the code library and the IR
// actions. A blaster that does not answer at start is retried in the background; the butler never waits for it.
import type { ActionRegistry } from '../../actions/registry';
import type { ActionDoor } from '../../actions/door';
import type { EventIngest } from '../../bus/ingest';
import type { MqttBridge } from '../../bus/mqtt';
import type { BroadlinkOption } from '../../config/schema';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import { registerIrActions } from './actions';
import { BroadlinkClient } from './client';
import { IrClimates } from './climate';
import { CodeLibrary } from './library';

export interface BroadlinkHost {
  registry: ActionRegistry;
  db: OpenedDb;
  ingest: EventIngest;
  log: Logger;
  /** For IR climates as Home Assistant entities (MQTT discovery); their commands come back through the door. */
  mqtt?: MqttBridge;
  door?: ActionDoor;
  mqttTrusted?: boolean;
}

export interface Blaster {
  name: string;
  client: BroadlinkClient;
  health: ComponentHealth;
  sensors: { temperature: number; humidity: number } | null;
}

export interface BroadlinkPartOptions {
  /** Per-attempt reply wait (ms) and retries of each request. */
  timeoutMs?: number;
  retries?: number;
  /** How often an unreachable blaster is retried and sensors are read (ms). */
  checkEveryMs?: number;
  learnPollMs?: number;
}

export class BroadlinkPart implements Part<BroadlinkHost> {
  readonly name = 'broadlink';
  readonly blasters = new Map<string, Blaster>();
  library: CodeLibrary | null = null;
  climates: IrClimates | null = null;
  private timer: NodeJS.Timeout | null = null;
  private log: Logger | null = null;
  private registry: ActionRegistry | null = null;

  constructor(
    private readonly devices: BroadlinkOption[],
    private readonly opts: BroadlinkPartOptions = {},
  ) {}

  start(host: BroadlinkHost): void {
    this.log = host.log;
    this.registry = host.registry;
    this.library = new CodeLibrary(host.db);
    const seen = new Set<string>();
    for (const d of this.devices) {
      if (seen.has(d.name)) throw new Error(`broadlink: the name "${d.name}" is used twice`);
      seen.add(d.name);
      const client = new BroadlinkClient({
        host: d.host,
        port: d.port ?? 80,
        mac: d.mac,
        family: d.type,
        deviceType: d.type === 'rmmini' ? 0x27c2 : d.type === 'rm4' ? 0x51da : undefined,
        timeoutMs: this.opts.timeoutMs ?? 1000,
        retries: this.opts.retries ?? 2,
        learnPollMs: this.opts.learnPollMs,
      });
      this.blasters.set(d.name, { name: d.name, client, health: { ok: false, detail: 'connecting' }, sensors: null });
    }
    registerIrActions({ registry: host.registry, library: this.library, blasters: this.blasters, ingest: host.ingest, log: host.log });
    this.climates = new IrClimates({ ...host, blasters: this.blasters });
    this.climates.start();
    for (const b of this.blasters.values()) void this.check(b);
    if (this.blasters.size > 0) {
      this.timer = setInterval(() => {
        for (const b of this.blasters.values()) void this.check(b);
      }, this.opts.checkEveryMs ?? 60_000);
      this.timer.unref();
    }
  }

  /** Connects when not yet authenticated; reads an RM4's sensors; health says exactly what failed. */
  private async check(b: Blaster): Promise<void> {
    try {
      if (!b.client.authenticated) await b.client.connect();
      const info = b.client.info;
      if (info.family === 'rm4') b.sensors = await b.client.sensors().catch(() => null);
      b.health = {
        ok: true,
        detail: `connected (${info.family === 'rm4' ? 'RM4' : 'RM mini 3'} ${info.mac}${b.sensors ? `, ${b.sensors.temperature} °C ${b.sensors.humidity} %` : ''})`,
      };
    } catch (err) {
      const was = b.health.ok;
      b.health = { ok: false, detail: `unreachable: ${(err as Error).message}` };
      if (was || b.health.detail !== 'connecting')
        this.log?.warn({ blaster: b.name, err: (err as Error).message }, 'broadlink blaster not answering');
    }
  }

  async stop(): Promise<void> {
    this.climates?.stop();
    // A stopped part offers no actions (and a restarted one can register them again).
    for (const a of this.registry?.list() ?? []) if (a.provider === 'broadlink') this.registry?.unregister(a.name);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.blasters.values()].map((b) => b.client.close()));
  }

  health(): Record<string, ComponentHealth> {
    const out: Record<string, ComponentHealth> = {};
    for (const b of this.blasters.values()) out[`broadlink:${b.name}`] = b.health;
    return out;
  }

  metrics(): MetricFamily[] {
    const samples = (k: 'requests' | 'timeouts' | 'retries') =>
      [...this.blasters.values()].map((b) => [{ blaster: b.name }, b.client.stats[k]] as [Record<string, string>, number]);
    return [
      ['butler_broadlink_requests_total', { type: 'counter', help: 'Requests sent to Broadlink blasters', samples: samples('requests') }],
      [
        'butler_broadlink_timeouts_total',
        { type: 'counter', help: 'Broadlink request attempts that got no reply', samples: samples('timeouts') },
      ],
      [
        'butler_broadlink_retries_total',
        { type: 'counter', help: 'Broadlink request attempts repeated after a timeout', samples: samples('retries') },
      ],
    ];
  }
}
