// The DaShan desk robot over MQTT (health `dashan`): status merged from partial updates, offline after 15 s of
// silence, logs kept (the last 200; warnings and errors become events), camera frames checked and kept in the
// snapshot store (a `dashan.image` event names the snapshot), the dashan_* actions, the robot's reactions to the
// planner, and the robot as a Home Assistant device through MQTT discovery whose commands come back through the door.
import type { MqttClient } from 'mqtt';
import type { ActionDoor } from '../../actions/door';
import type { ActionRegistry } from '../../actions/registry';
import type { Bus } from '../../bus/bus';
import type { EventIngest } from '../../bus/ingest';
import type { MqttBridge } from '../../bus/mqtt';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import type { Logger } from '../../log';
import type { SnapshotStore } from '../../snapshots/store';
import type { JsonObject } from '../../types';
import { registerDashanActions } from './actions';
import { PlannerReactions } from './reactions';
import { EXPRESSION_NAMES, expressionName, mergeStatus, type RobotCommand, type RobotStatus, SERVO_MAX, SERVO_MIN } from './protocol';

export interface DashanHost {
  registry: ActionRegistry;
  door: ActionDoor;
  mqtt: MqttBridge;
  ingest: EventIngest;
  log: Logger;
  /** Whether Home Assistant's commands are trusted (option mqtt_trusted). */
  mqttTrusted: boolean;
  /** The planner's activity, which the robot reacts to. */
  bus: Bus;
  /** Where camera frames are kept; without it they are counted and dropped. */
  snapshots?: Pick<SnapshotStore, 'save'>;
}

export interface DashanOptions {
  prefix: string;
  offlineAfterMs?: number;
  version?: string;
  /** Largest camera frame kept, decoded (default 2 MB); a message too long to hold one is refused before parsing. */
  imageMaxBytes?: number;
  /** Frames arriving sooner than this after the last kept one are skipped (default 2 s). */
  imageMinIntervalMs?: number;
}

export interface RobotLog {
  timestamp: number;
  type: string;
  level: string;
  message: string;
  context?: unknown;
}

const BASE = 'butler/dashan';

export class DashanPart implements Part<DashanHost> {
  readonly name = 'dashan';
  status: RobotStatus = {};
  lastSeen = 0;
  online = false;
  readonly logs: RobotLog[] = [];
  readonly counters = {
    status: 0,
    garbage: 0,
    logs: 0,
    commands: 0,
    images_saved: 0,
    images_refused: 0,
    images_skipped: 0,
    images_dropped: 0,
  };
  private host: DashanHost | null = null;
  private reactions: PlannerReactions | null = null;
  private imageBusy = false;
  private lastImageAt = 0;
  private lastRefusalLog = 0;
  private client: MqttClient | null = null;
  private offlineTimer: NodeJS.Timeout | null = null;
  private readonly onMessage = (topic: string, payload: Buffer) => this.handle(topic, payload);
  private readonly onConnect = () => this.subscribe();

  constructor(private readonly opts: DashanOptions) {}

  private get offlineAfterMs(): number {
    return this.opts.offlineAfterMs ?? 15_000;
  }

  private t(kind: 'command' | 'status' | 'log' | 'image'): string {
    return `${this.opts.prefix}/${kind}`;
  }

  start(host: DashanHost): void {
    this.host = host;
    this.client = host.mqtt.client;
    registerDashanActions({ registry: host.registry, robot: this });
    this.reactions = new PlannerReactions({ bus: host.bus, door: host.door, online: () => this.online, log: host.log });
    this.reactions.start();
    this.client.on('message', this.onMessage);
    this.client.on('connect', this.onConnect);
    if (this.client.connected) this.subscribe();
  }

  stop(): void {
    this.reactions?.stop();
    this.reactions = null;
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = null;
    const c = this.client;
    if (c) {
      c.off('message', this.onMessage);
      c.off('connect', this.onConnect);
      if (c.connected) {
        c.unsubscribe([this.t('status'), this.t('log'), this.t('image'), `${BASE}/+/set`]);
        c.publish(`${BASE}/online`, 'OFF', { qos: 1, retain: true });
      }
    }
    this.client = null;
  }

  /** Sends one command to the robot; refused while it is offline (nobody would hear it). */
  send(cmd: RobotCommand): void {
    if (!this.client) throw new Error('the DaShan part is not running');
    if (!this.online)
      throw Object.assign(
        new Error(
          this.lastSeen
            ? `the DaShan robot is offline: no status on ${this.t('status')} for ${Math.round((Date.now() - this.lastSeen) / 1000)} s`
            : `the DaShan robot is offline: no status received on ${this.t('status')} yet`,
        ),
        { statusCode: 503 },
      );
    this.counters.commands++;
    this.client.publish(this.t('command'), JSON.stringify(cmd), { qos: 1 });
  }

  health(): ComponentHealth {
    if (this.online) {
      const s = this.status;
      return {
        ok: true,
        detail: `online (${s.state ?? '?'}, ${s.expression !== undefined ? (expressionName(s.expression) ?? s.expression) : '?'}${s.battery !== undefined ? `, battery ${s.battery} %` : ''})`,
      };
    }
    return {
      ok: false,
      detail: this.lastSeen
        ? `offline: no status for ${Math.round((Date.now() - this.lastSeen) / 1000)} s`
        : `offline: no status received on ${this.t('status')} yet`,
    };
  }

  metrics(): MetricFamily[] {
    return [
      [
        'butler_dashan_messages_total',
        {
          type: 'counter',
          help: 'Messages from the DaShan robot by kind',
          samples: Object.entries(this.counters).map(([k, v]) => [{ kind: k }, v] as [Record<string, string>, number]),
        },
      ],
      [
        'butler_dashan_reactions_total',
        {
          type: 'counter',
          help: "The DaShan robot's reactions to the planner: sent, skipped while offline, failed",
          samples: Object.entries(this.reactions?.counters ?? {}).map(([k, v]) => [{ outcome: k }, v] as [Record<string, string>, number]),
        },
      ],
      [
        'butler_dashan_online',
        { type: 'gauge', help: 'The DaShan robot sent status within the last 15 s', samples: [[null, this.online ? 1 : 0]] },
      ],
    ];
  }

  private subscribe(): void {
    const c = this.client;
    if (!c) return;
    c.subscribe([this.t('status'), this.t('log'), this.t('image'), `${BASE}/+/set`, 'homeassistant/status'], { qos: 0 }, (err) => {
      if (err) this.host?.log.warn({ err: err.message }, 'subscribing to the DaShan topics failed');
    });
    this.publishDiscovery();
  }

  private handle(topic: string, payload: Buffer) {
    try {
      if (topic === this.t('image')) return this.onImage(payload);
      if (topic === this.t('status')) return this.onStatus(payload);
      if (topic === this.t('log')) return this.onLog(payload);
      if (topic === 'homeassistant/status' && payload.toString() === 'online') return this.publishDiscovery();
      const m = /^butler\/dashan\/([a-z_]+)\/set$/.exec(topic);
      if (m) void this.onHaCommand(m[1], payload.toString('utf8').slice(0, 1000));
    } catch (err) {
      this.host?.log.warn({ topic, err: (err as Error).message }, 'DaShan message not understood');
    }
  }

  private parse(payload: Buffer): unknown {
    if (payload.length > 64 * 1024) throw new Error(`payload of ${payload.length} bytes is too large`);
    return JSON.parse(payload.toString('utf8'));
  }

  private onStatus(payload: Buffer): void {
    let merged: { status: RobotStatus; rejected: string[] };
    try {
      merged = mergeStatus(this.status, this.parse(payload));
    } catch (err) {
      this.counters.garbage++;
      this.host?.log.warn({ err: (err as Error).message }, `garbage on ${this.t('status')} ignored`);
      return;
    }
    if (merged.rejected.length) {
      this.counters.garbage++;
      this.host?.log.warn({ fields: merged.rejected }, `fields with the wrong shape on ${this.t('status')} ignored`);
    }
    this.counters.status++;
    this.status = merged.status;
    this.lastSeen = Date.now();
    if (!this.online) {
      this.online = true;
      this.host?.ingest.emit('dashan.online', 'dashan', {});
      this.client?.publish(`${BASE}/online`, 'ON', { qos: 1, retain: true });
    }
    if (this.offlineTimer) clearTimeout(this.offlineTimer);
    this.offlineTimer = setTimeout(() => this.goOffline(), this.offlineAfterMs);
    this.offlineTimer.unref();
    this.client?.publish(`${BASE}/state`, JSON.stringify(this.haState()), { qos: 0, retain: true });
  }

  private get imageMaxBytes(): number {
    return this.opts.imageMaxBytes ?? 2 * 1024 * 1024;
  }

  /**
   * A camera frame `{timestamp, image (base64 JPEG), face_detected, face_location?}`: checked (size before parsing,
   * base64, then a real JPEG in the store) and kept; a `dashan.image` event names the snapshot. One frame at a time,
   * at most one per `imageMinIntervalMs`; the others are counted as skipped.
   */
  private onImage(payload: Buffer) {
    const store = this.host?.snapshots;
    if (!store) {
      this.counters.images_dropped++;
      return;
    }
    if (this.imageBusy || Date.now() - this.lastImageAt < (this.opts.imageMinIntervalMs ?? 2000)) {
      this.counters.images_skipped++;
      return;
    }
    const max = this.imageMaxBytes;
    const maxPayload = Math.ceil(max / 3) * 4 + 4096;
    if (payload.length > maxPayload)
      return this.refuseImage(`${payload.length} bytes is over the ${maxPayload}-byte limit for a ${max}-byte picture`);
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(payload.toString('utf8'));
    } catch {
      return this.refuseImage('not JSON (expected {timestamp, image, face_detected})');
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame) || typeof frame.image !== 'string')
      return this.refuseImage('expected a JSON object with "image" as a base64 string');
    const b64 = frame.image;
    if (b64.length === 0 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      return this.refuseImage('"image" is not base64 (no data: prefix, no line breaks)');
    const image = Buffer.from(b64, 'base64');
    if (image.length > max) return this.refuseImage(`the picture is ${image.length} bytes, over the ${max}-byte limit`);
    const face = faceLocation(frame.face_location);
    this.imageBusy = true;
    store
      .save(image, { source: 'dashan', camera: 'dashan' })
      .then((meta) => {
        this.counters.images_saved++;
        this.lastImageAt = Date.now();
        this.host?.ingest.emit('dashan.image', 'dashan', {
          snapshot_id: meta.id,
          width: meta.width,
          height: meta.height,
          bytes: meta.bytes,
          face_detected: frame.face_detected === true,
          ...(face ? { face_location: face } : {}),
        });
      })
      .catch((err: unknown) => this.refuseImage((err as Error).message))
      .finally(() => {
        this.imageBusy = false;
      });
  }

  /** Counts a refused frame; says why in the log at most once a minute (a broken camera sends many). */
  private refuseImage(why: string): void {
    this.counters.images_refused++;
    if (Date.now() - this.lastRefusalLog < 60_000) return;
    this.lastRefusalLog = Date.now();
    this.host?.log.warn({ why, refused: this.counters.images_refused }, `camera frame on ${this.t('image')} refused`);
  }

  private goOffline(): void {
    if (!this.online) return;
    this.online = false;
    this.host?.ingest.emit('dashan.offline', 'dashan', { last_seen: this.lastSeen / 1000 });
    this.client?.publish(`${BASE}/online`, 'OFF', { qos: 1, retain: true });
  }

  private onLog(payload: Buffer): void {
    let v: unknown;
    try {
      v = this.parse(payload);
    } catch {
      this.counters.garbage++;
      return;
    }
    if (!v || typeof v !== 'object' || typeof (v as RobotLog).message !== 'string') {
      this.counters.garbage++;
      return;
    }
    const l = v as RobotLog;
    const entry: RobotLog = {
      timestamp: typeof l.timestamp === 'number' ? l.timestamp : Date.now() / 1000,
      type: String(l.type ?? ''),
      level: String(l.level ?? 'info').toLowerCase(),
      message: l.message.slice(0, 2000),
      ...(l.context !== undefined ? { context: l.context } : {}),
    };
    this.counters.logs++;
    this.logs.push(entry);
    if (this.logs.length > 200) this.logs.shift();
    if (entry.level === 'warning' || entry.level === 'error' || entry.level === 'critical')
      this.host?.ingest.emit(
        'dashan.log',
        'dashan',
        { level: entry.level, type: entry.type, message: entry.message },
        entry.level === 'warning' ? 1 : 2,
      );
  }

  private haState(): JsonObject {
    const s = this.status;
    return {
      state: s.state ?? null,
      expression: s.expression !== undefined ? expressionName(s.expression) : null,
      servo_h: s.servo?.horizontal ?? null,
      servo_v: s.servo?.vertical ?? null,
      battery: s.battery ?? null,
      proximity: s.proximity === undefined ? null : s.proximity ? 'ON' : 'OFF',
    };
  }

  /** A command from Home Assistant's entities, as a door request (untrusted unless mqtt_trusted). */
  private async onHaCommand(entity: string, value: string): Promise<void> {
    const h = this.host;
    if (!h) return;
    let action: { action_type: string; params: JsonObject } | null = null;
    if (entity === 'expression') action = { action_type: 'dashan_expression', params: { expression: value } };
    else if (entity === 'servo_h' || entity === 'servo_v') {
      const n = Number(value);
      const cur = this.status.servo ?? { horizontal: 90, vertical: 90 };
      if (Number.isFinite(n))
        action = {
          action_type: 'dashan_servo',
          params: entity === 'servo_h' ? { horizontal: n, vertical: cur.vertical } : { horizontal: cur.horizontal, vertical: n },
        };
    } else if (entity === 'speak') action = { action_type: 'dashan_speak', params: { text: value } };
    if (!action) {
      h.log.warn({ entity, value: value.slice(0, 50) }, 'DaShan command from Home Assistant not understood');
      return;
    }
    await h.door.execute({
      actions: [action],
      origin: { source: 'ha', trusted: h.mqttTrusted },
      reason: `Home Assistant: DaShan ${entity}`,
    });
  }

  private publishDiscovery(): void {
    const c = this.client;
    if (!c?.connected) return;
    const st = `${BASE}/state`;
    const cmp = (p: string, id: string, name: string, extra: JsonObject): JsonObject => ({
      p,
      name,
      uniq_id: `dashan_${id}`,
      default_entity_id: `${p}.dashan_${id}`,
      ...extra,
    });
    const config = {
      dev: { ids: ['dashan_robot'], name: 'DaShan desk robot', mf: 'DaShan', mdl: 'Desk robot', via_device: 'smart_butler' },
      o: { name: 'Smart Butler', sw: this.opts.version ?? '0', url: 'https://github.com/smart-butler/smart-butler' },
      avty_t: 'butler/status',
      qos: 1,
      cmps: {
        expression: cmp('select', 'expression', 'Expression', {
          cmd_t: `${BASE}/expression/set`,
          stat_t: st,
          val_tpl: '{{ value_json.expression }}',
          options: EXPRESSION_NAMES as unknown as string[],
        }),
        servo_h: cmp('number', 'servo_h', 'Head horizontal', {
          cmd_t: `${BASE}/servo_h/set`,
          stat_t: st,
          val_tpl: '{{ value_json.servo_h }}',
          min: SERVO_MIN,
          max: SERVO_MAX,
          unit_of_meas: '°',
        }),
        servo_v: cmp('number', 'servo_v', 'Head vertical', {
          cmd_t: `${BASE}/servo_v/set`,
          stat_t: st,
          val_tpl: '{{ value_json.servo_v }}',
          min: SERVO_MIN,
          max: SERVO_MAX,
          unit_of_meas: '°',
        }),
        speak: cmp('text', 'speak', 'Say', { cmd_t: `${BASE}/speak/set`, max: 255 }),
        state: cmp('sensor', 'state', 'State', { stat_t: st, val_tpl: '{{ value_json.state }}' }),
        battery: cmp('sensor', 'battery', 'Battery', {
          stat_t: st,
          val_tpl: '{{ value_json.battery }}',
          dev_cla: 'battery',
          unit_of_meas: '%',
          stat_cla: 'measurement',
        }),
        proximity: cmp('binary_sensor', 'proximity', 'Someone near', {
          stat_t: st,
          val_tpl: '{{ value_json.proximity }}',
          dev_cla: 'occupancy',
        }),
        online: cmp('binary_sensor', 'online', 'Online', {
          stat_t: `${BASE}/online`,
          pl_on: 'ON',
          pl_off: 'OFF',
          dev_cla: 'connectivity',
          ent_cat: 'diagnostic',
        }),
      },
    };
    c.publish('homeassistant/device/dashan_robot/config', JSON.stringify(config), { qos: 1, retain: true });
    c.publish(`${BASE}/online`, this.online ? 'ON' : 'OFF', { qos: 1, retain: true });
  }
}

/** The face's place in a frame, kept only when it is a few numbers (an array, or an object of numbers). */
function faceLocation(v: unknown): JsonObject | number[] | null {
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (Array.isArray(v)) return v.length > 0 && v.length <= 8 && v.every(num) ? v : null;
  if (v && typeof v === 'object') {
    const e = Object.entries(v);
    return e.length > 0 && e.length <= 8 && e.every(([k, x]) => k.length <= 32 && num(x)) ? (v as JsonObject) : null;
  }
  return null;
}
