// The camera actions, declared once: the door validates them, the policy blocks every one of them while privacy mode
// is on (whoever asks), and the planner, flows, rules and API all reach the cameras only through them.
import { InvalidError, NotFoundError, UnavailableError } from '../../errors';
import type { ActionRegistry } from '../../actions/registry';
import type { JsonObject, Origin } from '../../types';
import { type SnapshotStore, snapshotUrl } from '../../snapshots/store';
import type { OnvifCamera, Preset } from './client';
import type { Patrols } from './patrol';
import { prepareForVision, type VisionImage } from '../../snapshots/vision';

/**
 * Asks a vision model about a picture. `origin` marks the picture as untrusted input: whatever text the camera saw is
 * data, never an instruction. Null when no model is configured.
 */
export type DescribeFn = (req: { image: VisionImage; question: string; camera: string; origin: Origin }) => Promise<string>;

export interface CameraDevice {
  readonly name: string;
  readonly client: OnvifCamera;
  /** Throws UnavailableError saying why when the camera is not connected. */
  ready(): OnvifCamera;
  /** A call failed: a connection-level failure marks the camera down and starts reconnecting. */
  failed(err: unknown): Error;
}

export interface CameraActionDeps {
  registry: ActionRegistry;
  devices: () => Map<string, CameraDevice>;
  snapshots: SnapshotStore | null;
  patrols: Patrols;
  /** The model that looks at pictures (camera_describe); null: none configured. */
  describe?: () => DescribeFn | null;
  /** Longest ptz_move (seconds). */
  maxMoveS?: number;
}

const camera = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description: 'Camera name (as configured); may be left out when there is only one camera',
} as const;

export const CAMERA_ACTIONS = [
  'ptz_goto_preset',
  'ptz_move',
  'ptz_stop',
  'ptz_set_preset',
  'ptz_list_presets',
  'ptz_patrol',
  'snapshot',
  'camera_describe',
];

export function registerCameraActions(d: CameraActionDeps): void {
  const maxMoveS = d.maxMoveS ?? 10;

  const pick = (params: JsonObject): CameraDevice => {
    const devices = d.devices();
    const known = [...devices.keys()];
    const wanted = params.camera as string | undefined;
    if (wanted === undefined) {
      if (devices.size === 1) return devices.values().next().value as CameraDevice;
      throw new NotFoundError(known.length ? `say which camera: ${known.join(', ')}` : 'no camera is configured (option cameras)');
    }
    const dev = devices.get(wanted) ?? [...devices.values()].find((x) => x.name.toLowerCase() === wanted.toLowerCase());
    if (!dev)
      throw new NotFoundError(`unknown camera "${wanted}"; known cameras: ${known.length ? known.join(', ') : '(none configured)'}`);
    return dev;
  };

  const run = async <T>(dev: CameraDevice, fn: (c: OnvifCamera) => Promise<T>): Promise<T> => {
    const c = dev.ready();
    try {
      return await fn(c);
    } catch (err) {
      throw dev.failed(err);
    }
  };

  const findPreset = (dev: CameraDevice, list: Preset[], wanted: string): Preset => {
    const w = wanted.trim().toLowerCase();
    const p = list.find((x) => x.token === wanted) ?? list.find((x) => x.name.toLowerCase() === w);
    if (!p)
      throw new NotFoundError(
        `camera ${dev.name} has no preset "${wanted}"; its presets: ${list.length ? list.map((x) => `${x.name} (${x.token})`).join(', ') : '(none)'}`,
      );
    return p;
  };

  const common = { privacy: true, provider: 'cameras' } as const;

  d.registry.register({
    ...common,
    name: 'ptz_goto_preset',
    description: 'Turn a PTZ camera to one of its stored presets (by name or token).',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['preset'],
      properties: { camera, preset: { type: 'string', minLength: 1, maxLength: 64 } },
    },
    risk: 'safe',
    handler: async (p) => {
      const dev = pick(p);
      return run(dev, async (c) => {
        let list = await c.presets();
        let preset: Preset;
        try {
          preset = findPreset(dev, list, p.preset as string);
        } catch (err) {
          // Presets may have been changed on the camera itself since they were read.
          list = await c.presets(true);
          preset = findPreset(dev, list, p.preset as string);
          void err;
        }
        await c.gotoPreset(preset.token);
        return { camera: dev.name, preset: preset.name, token: preset.token };
      });
    },
  });

  d.registry.register({
    ...common,
    name: 'ptz_move',
    description: 'Move a PTZ camera continuously for a while, then stop. pan/tilt/zoom are speeds from -1 to 1.',
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        camera,
        pan: { type: 'number', minimum: -1, maximum: 1, default: 0 },
        tilt: { type: 'number', minimum: -1, maximum: 1, default: 0 },
        zoom: { type: 'number', minimum: -1, maximum: 1, default: 0 },
        duration_s: { type: 'number', exclusiveMinimum: 0, maximum: maxMoveS, default: 1 },
      },
    },
    risk: 'safe',
    timeoutMs: (maxMoveS + 10) * 1000,
    handler: async (p, ctx) => {
      const dev = pick(p);
      const pan = p.pan as number;
      const tilt = p.tilt as number;
      const zoom = p.zoom as number;
      const duration = p.duration_s as number;
      if (pan === 0 && tilt === 0 && zoom === 0) throw new InvalidError('ptz_move: pan, tilt and zoom are all 0: nothing to move');
      return run(dev, async (c) => {
        // The camera's own Timeout stops it even if we never get to send Stop.
        await c.continuousMove(pan, tilt, zoom, duration);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, duration * 1000);
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
        await c.stop();
        return { camera: dev.name, pan, tilt, zoom, duration_s: duration };
      });
    },
  });

  d.registry.register({
    ...common,
    name: 'ptz_stop',
    description: 'Stop any pan, tilt or zoom movement of a PTZ camera, and its patrol if one runs.',
    params: { type: 'object', additionalProperties: false, properties: { camera } },
    risk: 'safe',
    handler: async (p) => {
      const dev = pick(p);
      const patrolCancelled = d.patrols.cancel(dev.name);
      return run(dev, async (c) => {
        await c.stop();
        return { camera: dev.name, stopped: true, patrol_cancelled: patrolCancelled };
      });
    },
  });

  d.registry.register({
    ...common,
    name: 'ptz_patrol',
    description:
      'Patrol a PTZ camera over some of its presets (names or tokens) in turn, dwelling dwell_s at each, for `rounds` rounds or until ptz_stop. Survives restarts.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['presets'],
      properties: {
        camera,
        presets: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 } },
        dwell_s: { type: 'number', minimum: 1, maximum: 3600, default: 30 },
        rounds: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    risk: 'safe',
    handler: async (p) => {
      const dev = pick(p);
      const list = await run(dev, (c) => c.presets(true));
      const presets = (p.presets as string[]).map((name) => findPreset(dev, list, name));
      d.patrols.start({
        camera: dev.name,
        presets: presets.map((x) => ({ token: x.token, name: x.name })),
        dwell_s: p.dwell_s as number,
        rounds: (p.rounds as number | undefined) ?? null,
        round: 0,
        step: 0,
        started_ts: Date.now() / 1000,
      });
      return { camera: dev.name, patrol: presets.map((x) => x.name), dwell_s: p.dwell_s, rounds: p.rounds ?? null };
    },
  });

  d.registry.register({
    ...common,
    name: 'ptz_set_preset',
    description: "Store the PTZ camera's current position as a preset with this name (replaces a preset of the same name).",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { camera, name: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f]+$' } },
    },
    risk: 'sensitive',
    handler: async (p) => {
      const dev = pick(p);
      const name = (p.name as string).trim();
      return run(dev, async (c) => {
        const existing = (await c.presets(true)).find((x) => x.name.toLowerCase() === name.toLowerCase());
        const token = await c.setPreset(name, existing?.token);
        return { camera: dev.name, name, token: token || existing?.token || null, replaced: Boolean(existing) };
      });
    },
  });

  d.registry.register({
    ...common,
    name: 'ptz_list_presets',
    description: "List a PTZ camera's stored presets (name and token).",
    params: { type: 'object', additionalProperties: false, properties: { camera } },
    risk: 'safe',
    handler: async (p) => {
      const dev = pick(p);
      return run(dev, async (c) => ({ camera: dev.name, presets: (await c.presets(true)).map((x) => ({ name: x.name, token: x.token })) }));
    },
  });

  d.registry.register({
    ...common,
    name: 'snapshot',
    description: 'Take a picture with a camera; answers a snapshot_id (the picture is served at api/snapshots/<id>).',
    params: { type: 'object', additionalProperties: false, properties: { camera } },
    risk: 'safe',
    handler: async (p, ctx) => {
      const dev = pick(p);
      const store = d.snapshots;
      if (!store) throw new UnavailableError('the snapshot store is not running');
      const { image } = await run(dev, (c) => c.snapshot(ctx.signal));
      const meta = await store.save(image, { source: 'onvif', camera: dev.name });
      return {
        snapshot_id: meta.id,
        camera: dev.name,
        bytes: meta.bytes,
        width: meta.width,
        height: meta.height,
        url: snapshotUrl(meta.id),
      };
    },
  });

  d.registry.register({
    ...common,
    name: 'camera_describe',
    description:
      'Look at a camera picture and answer a question about it (a new snapshot of `camera`, or a kept `snapshot_id`). Needs a model.',
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        camera,
        snapshot_id: { type: 'string', pattern: '^snap_[0-9]{13}_[0-9a-f]{8}$' },
        question: { type: 'string', minLength: 1, maxLength: 500, default: 'What is happening in this picture?' },
      },
      not: { required: ['camera', 'snapshot_id'] },
    },
    risk: 'safe',
    timeoutMs: 60_000,
    handler: async (p, ctx) => {
      const describe = d.describe?.() ?? null;
      if (!describe)
        throw new UnavailableError('describing a picture needs a model: set llm_api_key (the offline understanding cannot see)');
      const store = d.snapshots;
      if (!store) throw new UnavailableError('the snapshot store is not running');
      let id = p.snapshot_id as string | undefined;
      let cameraName: string;
      if (!id) {
        const dev = pick(p);
        const { image } = await run(dev, (c) => c.snapshot(ctx.signal));
        id = (await store.save(image, { source: 'onvif', camera: dev.name })).id;
        cameraName = dev.name;
      } else cameraName = store.meta(id).camera;
      const { meta, image } = store.read(id);
      const prepared = await prepareForVision(image);
      const answer = await describe({
        image: prepared,
        question: p.question as string,
        camera: cameraName,
        origin: { source: `camera:${cameraName}`, trusted: false, untrusted_input: true },
      });
      return {
        snapshot_id: meta.id,
        camera: cameraName,
        description: answer,
        untrusted: true,
        image: {
          width: prepared.width,
          height: prepared.height,
          bytes: prepared.data.length,
          tokens: prepared.tokens,
          original_bytes: meta.bytes,
        },
      };
    },
  });
}
