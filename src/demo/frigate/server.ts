// A simulated Frigate NVR: the HTTP API (version, stats, config, events, reviews, event snapshots, latest frames, JWT
// login on the authenticated port's rules) and the MQTT messages Frigate publishes (events, reviews, availability,
// raw-JPEG snapshot topics) in the payload shapes of 0.14 and 0.16.
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import type SharpModule from 'sharp';

export type FrigateVersion = '0.14' | '0.16';

export interface SimFrigateOptions {
  mqttUrl: string;
  /** Credentials for the broker (the butler's embedded broker may need the ones the butler uses). */
  mqttUsername?: string;
  mqttPassword?: string;
  topicPrefix?: string;
  /** When set, the API needs a JWT from POST /api/login (as on port 8971). */
  user?: { name: string; password: string };
  version?: FrigateVersion;
}

export interface SimFrigate {
  url: string;
  mqtt: MqttClient;
  /** Publishes a tracked object's lifecycle message; answers the event id. */
  object(o: {
    camera: string;
    label: string;
    type?: 'new' | 'update' | 'end';
    id?: string;
    zones?: string[];
    version?: FrigateVersion;
  }): string;
  review(r: {
    camera: string;
    severity: 'alert' | 'detection';
    type?: 'new' | 'update' | 'end';
    objects?: string[];
    zones?: string[];
  }): string;
  available(state: 'online' | 'offline' | 'stopped'): Promise<void>;
  /** Raw JPEG on <prefix>/<camera>/<label>/snapshot (retained), as Frigate sends it. */
  snapshot(camera: string, label: string): Promise<void>;
  /** Any payload on any topic under the prefix (bad input). */
  raw(subtopic: string, payload: Buffer | string): Promise<void>;
  stop(): Promise<void>;
}

interface StoredEvent {
  id: string;
  camera: string;
  label: string;
  start_time: number;
  end_time: number | null;
  zones: string[];
}

export async function startSimFrigate(opts: SimFrigateOptions): Promise<SimFrigate> {
  const prefix = opts.topicPrefix ?? 'frigate';
  const secret = randomBytes(16);
  const events: StoredEvent[] = [];
  const reviews: Record<string, unknown>[] = [];
  // Loaded here, not at import: the demo is imported by the composition root even when no simulator runs.
  const sharp = require('sharp') as typeof SharpModule;
  const jpeg = await sharp({ create: { width: 1280, height: 720, channels: 3, background: { r: 90, g: 120, b: 60 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
  const cameras = ['front_door', 'driveway'];

  const jwt = (user: string) => {
    const b = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b({ alg: 'HS256', typ: 'JWT' })}.${b({ sub: user, role: 'admin', exp: Math.floor(Date.now() / 1000) + 86400 })}`;
    return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  };
  const validJwt = (t: string) => {
    const [h, p, s] = t.split('.');
    return Boolean(h && p && s) && createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url') === s;
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (req.method === 'POST' && url.pathname === '/api/login') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        let b: { user?: string; password?: string } = {};
        try {
          b = JSON.parse(body);
        } catch {
          return json(400, { success: false, message: 'bad body' });
        }
        if (!opts.user || b.user !== opts.user.name || b.password !== opts.user.password) return json(401, { message: 'Login failed' });
        res.writeHead(200, {
          'content-type': 'application/json',
          'set-cookie': `frigate_token=${jwt(b.user)}; Path=/; HttpOnly; SameSite=lax`,
        });
        res.end('{}');
      });
      return;
    }
    if (opts.user) {
      const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const cookie = /frigate_token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
      if (!validJwt(bearer) && !validJwt(cookie)) return json(401, { message: 'Unauthorized' });
    }
    if (req.method !== 'GET') return json(405, { message: 'method not allowed' });
    const image = () => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length });
      res.end(jpeg);
    };
    let m: RegExpExecArray | null;
    if (url.pathname === '/api/version') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(opts.version === '0.14' ? '0.14.1-f4f3cfa' : '0.16.0-a2b3c4d');
    }
    if (url.pathname === '/api/stats') return json(200, { service: { version: '0.16.0', uptime: 100 }, cameras: {} });
    if (url.pathname === '/api/config')
      return json(200, { mqtt: { topic_prefix: prefix }, cameras: Object.fromEntries(cameras.map((c) => [c, { enabled: true }])) });
    if (url.pathname === '/api/events') {
      const want = url.searchParams.get('cameras')?.split(',');
      const labels = url.searchParams.get('labels')?.split(',');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return json(
        200,
        events
          .filter((e) => (!want || want.includes(e.camera)) && (!labels || labels.includes(e.label)))
          .slice(-limit)
          .reverse()
          .map((e) => ({
            ...e,
            sub_label: null,
            false_positive: false,
            has_clip: true,
            has_snapshot: true,
            data: { box: [0.1, 0.1, 0.2, 0.4], region: [0, 0, 0.5, 0.5], score: 0.8, top_score: 0.84, type: 'object' },
          })),
      );
    }
    if ((m = /^\/api\/events\/([^/]+)\/snapshot\.jpg$/.exec(url.pathname))) {
      const id = m[1];
      return events.some((e) => e.id === id) ? image() : json(404, { success: false, message: 'Event not found' });
    }
    if (url.pathname === '/api/review') return json(200, reviews);
    if ((m = /^\/api\/([^/]+)\/latest\.(jpg|webp)$/.exec(url.pathname)))
      return cameras.includes(m[1]) ? image() : json(404, { success: false, message: 'Camera not found' });
    json(404, { message: 'Not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const client = mqtt.connect(opts.mqttUrl, {
    clientId: `frigate-sim-${randomBytes(3).toString('hex')}`,
    username: opts.mqttUsername,
    password: opts.mqttPassword,
    will: { topic: `${prefix}/available`, payload: Buffer.from('offline'), qos: 1, retain: true },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });

  const objectShape = (e: StoredEvent, version: FrigateVersion, type: string) => {
    const base: Record<string, unknown> = {
      id: e.id,
      camera: e.camera,
      frame_time: Date.now() / 1000,
      snapshot_time: Date.now() / 1000,
      label: e.label,
      sub_label: null,
      top_score: 0.84,
      false_positive: false,
      start_time: e.start_time,
      end_time: type === 'end' ? Date.now() / 1000 : null,
      score: 0.8,
      box: [100, 100, 300, 500],
      area: 80000,
      ratio: 0.5,
      region: [0, 0, 640, 640],
      stationary: false,
      motionless_count: 0,
      position_changes: 1,
      current_zones: e.zones,
      entered_zones: e.zones,
      has_clip: true,
      has_snapshot: true,
      attributes: {},
      current_attributes: [],
    };
    if (version === '0.16') {
      Object.assign(base, {
        active: type !== 'end',
        snapshot: {
          frame_time: Date.now() / 1000,
          box: [100, 100, 300, 500],
          area: 80000,
          region: [0, 0, 640, 640],
          score: 0.84,
          attributes: [],
        },
        current_estimated_speed: 0,
        average_estimated_speed: 0,
        velocity_angle: 0,
        recognized_license_plate: null,
        recognized_license_plate_score: null,
      });
    } else {
      base.sub_label = null;
    }
    return base;
  };

  const publish = (topic: string, payload: Buffer | string, retain = false) =>
    new Promise<void>((resolve, reject) =>
      client.publish(`${prefix}/${topic}`, payload, { qos: 1, retain }, (err) => (err ? reject(err) : resolve())),
    );

  return {
    url,
    mqtt: client,
    object(o) {
      const type = o.type ?? 'new';
      let e = o.id ? events.find((x) => x.id === o.id) : undefined;
      if (!e) {
        e = {
          id: o.id ?? `${(Date.now() / 1000).toFixed(6)}-${randomBytes(3).toString('hex')}`,
          camera: o.camera,
          label: o.label,
          start_time: Date.now() / 1000,
          end_time: null,
          zones: o.zones ?? [],
        };
        events.push(e);
      }
      if (type === 'end') e.end_time = Date.now() / 1000;
      const v = o.version ?? opts.version ?? '0.16';
      const after = objectShape(e, v, type);
      const before = { ...after, current_zones: [], entered_zones: [] };
      void publish('events', JSON.stringify({ type, before, after }));
      return e.id;
    },
    review(r) {
      const id = `${(Date.now() / 1000).toFixed(6)}-${randomBytes(3).toString('hex')}`;
      const after = {
        id,
        camera: r.camera,
        start_time: Date.now() / 1000,
        end_time: r.type === 'end' ? Date.now() / 1000 : null,
        severity: r.severity,
        thumb_path: `/media/frigate/clips/review/thumb-${r.camera}-${id}.webp`,
        data: { detections: [], objects: r.objects ?? ['person'], sub_labels: [], zones: r.zones ?? [], audio: [] },
      };
      reviews.push({ ...after, has_been_reviewed: false });
      void publish('reviews', JSON.stringify({ type: r.type ?? 'new', before: after, after }));
      return id;
    },
    available: (state) => publish('available', state, true),
    snapshot: (camera, label) => publish(`${camera}/${label}/snapshot`, jpeg, true),
    raw: (subtopic, payload) => publish(subtopic, payload),
    async stop() {
      await client.endAsync();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
