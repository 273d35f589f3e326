// The Frigate part: on the butler's MQTT connection it listens to <prefix>/events (→ butler events frigate.object),
// <prefix>/reviews (→ frigate.review: the `after` object plus `change`), <prefix>/available (→ health) and the snapshot
// topics <prefix>/<camera>/<label>/snapshot, which carry raw JPEG and are filtered by topic before anything is parsed.
// Payloads of Frigate 0.14 to 0.16 are accepted; anything else on a JSON topic is counted and dropped, never thrown.
import type { MqttClient } from 'mqtt';
import type { ActionRegistry } from '../../actions/registry';
import type { EventIngest } from '../../bus/ingest';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import { UnavailableError } from '../../errors';
import type { Logger } from '../../log';
import { type SnapshotStore, snapshotUrl } from '../../snapshots/store';
import type { JsonObject } from '../../types';
import { FrigateClient, FrigateError, subLabel } from './client';

export interface FrigateHost {
  mqtt: MqttClient;
  ingest: EventIngest;
  registry: ActionRegistry;
  snapshots: SnapshotStore | null;
  log: Logger;
}

export interface FrigateOptions {
  url?: string;
  username?: string;
  password?: string;
  topicPrefix: string;
  /** Keep at most one snapshot-topic picture per camera and label this often (ms). */
  snapshotEveryMs?: number;
}

const MAX_JSON = 256 * 1024;

export class FrigatePart implements Part<FrigateHost> {
  readonly name = 'frigate';
  readonly client: FrigateClient | null;
  private host: FrigateHost | null = null;
  private available: string | null = null;
  private httpDetail: string | null = null;
  private readonly lastSnapshot = new Map<string, number>();
  readonly counters = { objects: 0, reviews: 0, snapshots: 0, rejected: 0 };
  private readonly onMessage = (topic: string, payload: Buffer) => this.message(topic, payload);

  constructor(private readonly opts: FrigateOptions) {
    this.client = opts.url ? new FrigateClient(opts.url, { username: opts.username, password: opts.password }) : null;
  }

  async start(host: FrigateHost): Promise<void> {
    this.host = host;
    const p = this.opts.topicPrefix;
    host.mqtt.on('message', this.onMessage);
    await host.mqtt.subscribeAsync([`${p}/events`, `${p}/reviews`, `${p}/available`, `${p}/+/+/snapshot`], { qos: 0 });
    this.registerActions(host);
    if (this.client) {
      try {
        const v = await this.client.version();
        this.httpDetail = null;
        host.log.info({ version: v.trim().slice(0, 40) }, 'Frigate reached');
      } catch (err) {
        this.httpDetail = (err as Error).message;
        host.log.warn({ err: this.httpDetail }, 'Frigate HTTP API not reachable');
      }
    }
  }

  async stop(): Promise<void> {
    if (!this.host) return;
    this.host.mqtt.off('message', this.onMessage);
    const p = this.opts.topicPrefix;
    if (this.host.mqtt.connected)
      await this.host.mqtt.unsubscribeAsync([`${p}/events`, `${p}/reviews`, `${p}/available`, `${p}/+/+/snapshot`]).catch(() => undefined);
    this.host = null;
  }

  health(): ComponentHealth {
    if (this.available === 'online') return { ok: this.httpDetail === null, detail: this.httpDetail ?? 'online' };
    if (this.available === null) return { ok: false, detail: `no word from Frigate yet on ${this.opts.topicPrefix}/available` };
    return { ok: false, detail: `Frigate says it is ${this.available}` };
  }

  metrics(): MetricFamily[] {
    return [
      [
        'butler_frigate_messages_total',
        {
          type: 'counter',
          help: 'Frigate MQTT messages by kind',
          samples: Object.entries(this.counters).map(([kind, n]) => [{ kind }, n]),
        },
      ],
    ];
  }

  private message(topic: string, payload: Buffer): void {
    const p = this.opts.topicPrefix;
    if (!topic.startsWith(`${p}/`)) return;
    const rest = topic.slice(p.length + 1);
    try {
      if (rest === 'available') {
        this.available = payload.toString('utf8').trim().slice(0, 32) || 'offline';
        return;
      }
      const snap = /^([^/]+)\/([^/]+)\/snapshot$/.exec(rest);
      if (snap) return void this.snapshot(snap[1], snap[2], payload);
      if (rest !== 'events' && rest !== 'reviews') return;
      const body = this.json(topic, payload);
      if (!body) return;
      if (rest === 'events') this.objectEvent(body);
      else this.reviewEvent(body);
    } catch (err) {
      this.reject(topic, (err as Error).message);
    }
  }

  private json(topic: string, payload: Buffer): JsonObject | null {
    if (payload.length > MAX_JSON) return this.reject(topic, `${payload.length} bytes is over the ${MAX_JSON}-byte limit`);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.reject(topic, 'not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return this.reject(topic, 'not a JSON object');
    return body as JsonObject;
  }

  private reject(topic: string, why: string): null {
    this.counters.rejected++;
    this.host?.log.warn({ topic, why }, 'Frigate message dropped');
    return null;
  }

  private objectEvent(body: JsonObject): void {
    const type = body.type;
    const after = body.after as JsonObject | undefined;
    if (!['new', 'update', 'end'].includes(String(type)) || !after || typeof after !== 'object')
      return void this.reject('events', 'expected {type: new|update|end, after: {...}}');
    if (typeof after.id !== 'string' || typeof after.camera !== 'string' || typeof after.label !== 'string')
      return void this.reject('events', 'after needs string id, camera and label');
    const zones = (v: unknown) => (Array.isArray(v) ? v.filter((z): z is string => typeof z === 'string') : []);
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
    const payload: JsonObject = {
      type: String(type),
      id: after.id,
      camera: after.camera,
      label: after.label,
      sub_label: subLabel(after.sub_label),
      score: num(after.score),
      top_score: num(after.top_score),
      current_zones: zones(after.current_zones),
      entered_zones: zones(after.entered_zones),
      has_snapshot: Boolean(after.has_snapshot),
      has_clip: Boolean(after.has_clip),
      stationary: Boolean(after.stationary),
      false_positive: Boolean(after.false_positive),
      start_time: num(after.start_time),
      end_time: num(after.end_time),
    };
    // 0.15+: active; 0.16: speed estimates and recognised licence plates.
    if (typeof after.active === 'boolean') payload.active = after.active;
    if (num(after.current_estimated_speed) !== null) payload.speed = num(after.current_estimated_speed);
    const plate = subLabel(after.recognized_license_plate);
    if (plate) payload.license_plate = plate;
    this.counters.objects++;
    this.host!.ingest.emit('frigate.object', 'frigate', payload);
  }

  private reviewEvent(body: JsonObject): void {
    const type = String(body.type);
    const after = body.after as JsonObject | undefined;
    if (!['new', 'update', 'end', 'genai'].includes(type) || !after || typeof after !== 'object')
      return void this.reject('reviews', 'expected {type: new|update|end, after: {...}}');
    if (typeof after.id !== 'string' || typeof after.camera !== 'string')
      return void this.reject('reviews', 'after needs string id and camera');
    this.counters.reviews++;
    this.host!.ingest.emit('frigate.review', 'frigate', { ...after, change: type });
  }

  private snapshot(camera: string, label: string, payload: Buffer): void {
    const store = this.host?.snapshots;
    if (!store || payload.length === 0) return;
    const key = `${camera}/${label}`;
    const now = Date.now();
    if (now - (this.lastSnapshot.get(key) ?? 0) < (this.opts.snapshotEveryMs ?? 10_000)) return;
    this.lastSnapshot.set(key, now);
    store.save(payload, { source: 'frigate', camera }).then(
      () => this.counters.snapshots++,
      (err: Error) => this.reject(`${camera}/${label}/snapshot`, err.message),
    );
  }

  private registerActions(host: FrigateHost): void {
    const client = () => {
      if (!this.client) throw new UnavailableError('Frigate is not configured (option frigate_url)');
      return this.client;
    };
    host.registry.register({
      name: 'frigate_snapshot',
      provider: 'frigate',
      privacy: true,
      risk: 'safe',
      description: "Keep a Frigate picture: an event's snapshot (event_id) or a camera's latest frame (camera); answers a snapshot_id.",
      params: {
        type: 'object',
        additionalProperties: false,
        properties: {
          event_id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,80}$' },
          camera: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
        },
        oneOf: [{ required: ['event_id'] }, { required: ['camera'] }],
      },
      handler: async (p) => {
        const store = host.snapshots;
        if (!store) throw new UnavailableError('the snapshot store is not running');
        const c = client();
        try {
          const image = p.event_id ? await c.eventSnapshot(p.event_id as string) : await c.latestFrame(p.camera as string);
          const meta = await store.save(image, { source: 'frigate', camera: (p.camera as string) ?? `event:${p.event_id}` });
          return { snapshot_id: meta.id, bytes: meta.bytes, width: meta.width, height: meta.height, url: snapshotUrl(meta.id) };
        } catch (err) {
          if (err instanceof FrigateError && err.status === 404)
            throw new UnavailableError(
              p.event_id ? `Frigate has no snapshot for event ${p.event_id}` : `Frigate has no camera ${p.camera}`,
            );
          throw err;
        }
      },
    });
    host.registry.register({
      name: 'frigate_events',
      provider: 'frigate',
      privacy: true,
      risk: 'safe',
      description: 'List recent Frigate detections (optionally for one camera or label).',
      params: {
        type: 'object',
        additionalProperties: false,
        properties: {
          camera: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          label: { type: 'string', pattern: '^[A-Za-z0-9_ -]{1,64}$' },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
        },
      },
      handler: async (p) => {
        const events = await client().events({
          cameras: p.camera ? [p.camera as string] : undefined,
          labels: p.label ? [p.label as string] : undefined,
          limit: p.limit as number,
        });
        return { count: events.length, events: events as unknown as JsonObject[] };
      },
    });
  }
}
