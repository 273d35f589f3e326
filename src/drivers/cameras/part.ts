// The cameras part: one ONVIF connection per configured camera, each with its own health component `camera:<name>`
// (ok, or exactly why not), reconnected with backoff; motion from a pull-point subscription (renewed) becomes butler
// events `camera.motion`; the camera actions are registered once for all cameras.
import type { ActionRegistry } from '../../actions/registry';
import type { EventIngest } from '../../bus/ingest';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import { ServiceError, UnavailableError } from '../../errors';
import type { Logger } from '../../log';
import type { SnapshotStore } from '../../snapshots/store';
import { type CameraDevice, type DescribeFn, registerCameraActions } from './actions';
import { type CameraConfig, CameraError, type CameraStatus, classify, OnvifCamera } from './client';
import { Patrols, type PatrolHost } from './patrol';

export interface CamerasHost {
  registry: ActionRegistry;
  ingest: EventIngest;
  snapshots: SnapshotStore | null;
  /** Where patrols are kept across restarts (the butler's key-value store). */
  kv: PatrolHost['kv'];
  /** Privacy mode ends patrols (the door already refuses every camera action while it is on). */
  modes: { readonly privacy: boolean };
  /** The vision model for camera_describe (null: none configured). */
  describe?: () => DescribeFn | null;
  log: Logger;
}

export interface CamerasOptions {
  cameras: CameraConfig[];
  /** Per-request deadline (ms). */
  timeoutMs?: number;
  /** First reconnect delay (ms); doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Subscribe to motion events (pull point). */
  events?: boolean;
  /** Renew the pull-point subscription this often (ms); it is created for 2 minutes. */
  renewMs?: number;
}

class Device implements CameraDevice {
  readonly client: OnvifCamera;
  status: CameraStatus = 'connecting';
  detail = 'connecting';
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = false;
  private eventsRunning = false;
  motionEvents = 0;
  reconnects = 0;

  constructor(
    readonly config: CameraConfig,
    private readonly opts: Required<Omit<CamerasOptions, 'cameras'>>,
    private readonly host: CamerasHost,
  ) {
    this.client = new OnvifCamera(config, { timeoutMs: opts.timeoutMs });
  }

  get name(): string {
    return this.config.name;
  }

  private get log(): Logger {
    return this.host.log;
  }

  async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.client.connect();
      this.attempt = 0;
      this.status = this.client.hasPtz ? 'ok' : 'no PTZ';
      this.detail = this.client.hasPtz ? 'connected' : 'no PTZ: the camera has no pan/tilt/zoom service (snapshots and motion still work)';
      this.log.info({ camera: this.name, ptz: this.client.hasPtz }, 'camera connected');
      if (this.opts.events) void this.events();
    } catch (err) {
      const e = classify(err);
      this.status = e.status === 'ok' ? 'bad response' : e.status;
      this.detail = e.message;
      this.log.warn({ camera: this.name, status: this.status, err: e.message }, 'camera not connected');
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    const delay = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.reconnects++;
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  ready(): OnvifCamera {
    if (this.status !== 'ok' && this.status !== 'no PTZ')
      throw new UnavailableError(`camera ${this.name} is not available: ${this.detail}`);
    return this.client;
  }

  failed(err: unknown): Error {
    if (err instanceof ServiceError) return err;
    const e = classify(err);
    if (e.status === 'ok' || e.status === 'no PTZ') return new CameraActionError(`camera ${this.name}: ${e.message}`);
    // The connection itself failed: health says why, and it reconnects in the background.
    if (this.status === 'ok' || this.status === 'no PTZ') {
      this.status = e.status;
      this.detail = e.message;
      this.log.warn({ camera: this.name, err: e.message }, 'camera lost');
      this.client.close(e.message);
      this.schedule();
    }
    return new UnavailableError(`camera ${this.name}: ${e.message}`);
  }

  /** Pull-point loop: subscribe, pull (the camera holds each pull up to a minute), renew, resubscribe on failure. */
  private async events(): Promise<void> {
    if (this.eventsRunning) return;
    this.eventsRunning = true;
    let lastRenew = 0;
    let failures = 0;
    try {
      while (!this.stopped && (this.status === 'ok' || this.status === 'no PTZ')) {
        try {
          if (!lastRenew) {
            await this.client.subscribe();
            lastRenew = Date.now();
          } else if (Date.now() - lastRenew > this.opts.renewMs) {
            await this.client.renew();
            lastRenew = Date.now();
          }
          const msgs = await this.client.pull();
          failures = 0;
          for (const m of msgs) {
            if (this.stopped) break;
            this.motionEvents++;
            this.host.ingest.emit('camera.motion', `camera:${this.name}`, {
              camera: this.name,
              motion: m.isMotion,
              topic: m.topic,
              ...(m.time ? { camera_time: m.time } : {}),
              ...(m.source.Rule ? { rule: m.source.Rule } : {}),
            });
          }
        } catch (err) {
          if (this.stopped) break;
          const e = classify(err);
          if (e.status !== 'ok' && e.status !== 'bad response') {
            this.failed(err);
            break;
          }
          // The subscription expired or the camera refused: subscribe again after a pause.
          failures++;
          lastRenew = 0;
          this.log.warn({ camera: this.name, err: e.message }, 'camera event subscription failed; subscribing again');
          await new Promise((r) => setTimeout(r, Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** Math.min(failures, 10))));
        }
      }
    } finally {
      this.eventsRunning = false;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.client.unsubscribe();
    this.client.close();
  }

  health(): ComponentHealth {
    return { ok: this.status === 'ok', detail: this.detail };
  }
}

/** A camera answered, but refused or could not do what was asked. */
export class CameraActionError extends ServiceError {
  readonly statusCode = 422;
}

export class CamerasPart implements Part<CamerasHost> {
  readonly name = 'cameras';
  readonly devices = new Map<string, Device>();
  patrols: Patrols | null = null;
  private readonly opts: Required<Omit<CamerasOptions, 'cameras'>>;

  constructor(private readonly options: CamerasOptions) {
    this.opts = {
      timeoutMs: options.timeoutMs ?? 5000,
      backoffMs: options.backoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      events: options.events ?? true,
      renewMs: options.renewMs ?? 60_000,
    };
  }

  async start(host: CamerasHost): Promise<void> {
    for (const c of this.options.cameras) {
      if (this.devices.has(c.name)) throw new Error(`cameras: the name "${c.name}" is used twice`);
      this.devices.set(c.name, new Device(c, this.opts, host));
    }
    const patrols = new Patrols({
      kv: host.kv,
      privacy: () => host.modes.privacy,
      log: host.log,
      goto: async (camera, token) => {
        const dev = this.devices.get(camera);
        if (!dev) throw new Error(`camera ${camera} is no longer configured`);
        const c = dev.ready();
        try {
          await c.gotoPreset(token);
        } catch (err) {
          throw dev.failed(err);
        }
      },
      ended: (state, why) =>
        host.ingest.emit('camera.patrol_ended', `camera:${state.camera}`, { camera: state.camera, why, rounds: state.round }),
    });
    this.patrols = patrols;
    registerCameraActions({
      registry: host.registry,
      devices: () => this.devices,
      snapshots: host.snapshots,
      patrols,
      describe: host.describe,
    });
    // Connected in parallel; a camera that is down does not hold up the start (it reconnects in the background).
    await Promise.all([...this.devices.values()].map((d) => d.connect()));
    const resumed = patrols.resume([...this.devices.keys()]);
    if (resumed.length) host.log.info({ cameras: resumed }, 'camera patrols resumed');
  }

  async stop(): Promise<void> {
    this.patrols?.suspend();
    await Promise.all([...this.devices.values()].map((d) => d.stop()));
  }

  health(): Record<string, ComponentHealth> {
    return Object.fromEntries([...this.devices.values()].map((d) => [`camera:${d.name}`, d.health()]));
  }

  metrics(): MetricFamily[] {
    const devs = [...this.devices.values()];
    return [
      [
        'butler_camera_up',
        {
          type: 'gauge',
          help: 'Camera connected (1) or not (0)',
          samples: devs.map((d) => [{ camera: d.name }, d.status === 'ok' ? 1 : 0]),
        },
      ],
      [
        'butler_camera_motion_events_total',
        { type: 'counter', help: 'Motion events received from cameras', samples: devs.map((d) => [{ camera: d.name }, d.motionEvents]) },
      ],
      [
        'butler_camera_reconnects_total',
        { type: 'counter', help: 'Reconnection attempts', samples: devs.map((d) => [{ camera: d.name }, d.reconnects]) },
      ],
    ];
  }
}

export { CameraError };
