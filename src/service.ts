// Wires the butler together and owns its lifecycle: start in dependency order, stop in reverse.
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ActionRegistry } from './actions/registry';
import { ActionDoor } from './actions/door';
import { ConfirmationStore } from './actions/confirmations';
import { ModeState } from './actions/modes';
import { PolicyEngine } from './actions/policy';
import { Scheduler } from './actions/scheduler';
import { registerHaActions } from './actions/builtin/ha';
import { registerButlerActions } from './actions/builtin/butler';
import { Bus } from './bus/bus';
import { EventIngest } from './bus/ingest';
import { MqttBridge } from './bus/mqtt';
import { BrokerPortError, startEmbeddedBroker, type EmbeddedBroker } from './bus/broker';
import type { LoadedConfig } from './config/load';
import type { ButlerOptions } from './config/schema';
import { HaConnection } from './ha/connection';
import { SupervisorClient, brokerUrl } from './ha/supervisor';
import type { HomeAssistantConnection } from './ha/types';
import type { Logger } from './log';
import { openDatabase, type OpenedDb } from './store/db';
import { AuditStore } from './store/audit';
import { KeyValueStore } from './store/kv';
import { createHttpHost, type HttpHost } from './server/http';
import { loadOrCreateApiToken } from './server/token';
import { portTakenError } from './server/ports';
import { registerApi } from './server/api';
import { SUPERVISOR_INGRESS_ADDRESS, type AuthOptions } from './server/auth';
import { startDemoHome, type DemoHome } from './demo/home/server';
import { CommandService } from './brain/commands';
import { OfflineUnderstanding } from './brain/offline';
import { LlmStage } from './brain/llm-stage';
import { startBrainServices, type BrainServices } from './brain/wire';
import { MemoryStore } from './brain/memory/store';
import { registerMemoryActions } from './brain/memory/actions';
import { embeddingsFromOptions } from './brain/memory/embeddings';
import { EventPolicies } from './actions/event-policies';
import { startFlows } from './flows/runtime';
import { startAssist } from './ha/assist';
import { MqttDiscovery } from './ha/discovery';
import pkg from '../package.json';
import type { WyomingServer } from './ha/wyoming';

export interface StartOptions {
  log: Logger;
  /** Listen address for HTTP (0.0.0.0 in the add-on; tests use 127.0.0.1). */
  host?: string;
  /** Addresses trusted to send X-Remote-User-* (default: the Supervisor's ingress proxy). */
  ingressProxies?: string[];
}

export type MetricFamily = [name: string, { type: 'counter' | 'gauge'; help: string; samples: [Record<string, string> | null, number][] }];

type Stopper = { name: string; stop: () => Promise<void> | void };

export class Butler {
  readonly bus = new Bus();
  readonly registry = new ActionRegistry();
  readonly options: ButlerOptions;
  readonly supervisor: SupervisorClient | null;
  db!: OpenedDb;
  audit!: AuditStore;
  kv!: KeyValueStore;
  modes!: ModeState;
  policy!: PolicyEngine;
  confirmations!: ConfirmationStore;
  door!: ActionDoor;
  scheduler!: Scheduler;
  ingest!: EventIngest;
  ha!: HomeAssistantConnection;
  mqtt!: MqttBridge;
  http!: HttpHost;
  commands!: CommandService;
  llm!: LlmStage;
  offline!: OfflineUnderstanding;
  brain!: BrainServices;
  memory!: MemoryStore;
  apiToken!: string;
  port = 0;
  mqttUrl = '';
  demoHome: DemoHome | null = null;
  wyoming: WyomingServer | null = null;
  broker: EmbeddedBroker | null = null;
  readonly startedAt = Date.now();
  /** Things the person starting the butler should know (printed in the start-up banner). */
  readonly notices: string[] = [];
  private readonly stoppers: Stopper[] = [];
  private readonly metricProviders: (() => MetricFamily[])[] = [];
  private readonly healthProviders = new Map<string, () => { ok: boolean; detail: string }>();
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    readonly config: LoadedConfig,
    readonly log: Logger,
    private readonly startOpts: StartOptions,
  ) {
    this.options = config.options;
    // In the add-on: the Supervisor offers the broker, proxies Home Assistant and takes discovery announcements.
    this.supervisor = config.supervisorToken
      ? new SupervisorClient({ url: this.options.supervisor_url, token: config.supervisorToken, log: log.child({ part: 'supervisor' }) })
      : null;
    this.bus.onListenerError((err, event) => log.error({ err, event }, 'bus listener failed'));
  }

  static async start(config: LoadedConfig, opts: StartOptions): Promise<Butler> {
    const butler = new Butler(config, opts.log, opts);
    try {
      await butler.startAll();
    } catch (err) {
      await butler.stop().catch(() => undefined);
      throw err;
    }
    return butler;
  }

  private onStop(name: string, stop: Stopper['stop']): void {
    this.stoppers.push({ name, stop });
  }

  private async startAll(): Promise<void> {
    const o = this.options;
    const log = this.log;
    this.apiToken = loadOrCreateApiToken(o.data_dir).token;

    // Store first: everything else records into it.
    this.db = openDatabase(join(o.data_dir, 'butler.db'), { backgroundCheckpoints: true });
    this.audit = new AuditStore(this.db);
    this.onStop('store', () => {
      this.audit.flush();
      this.db.close();
    });
    this.kv = new KeyValueStore(this.db);
    this.confirmations = new ConfirmationStore(this.db);
    this.ingest = new EventIngest(this.audit, this.bus);
    this.modes = new ModeState(this.kv, this.bus, o.home_mode);
    this.policy = new PolicyEngine(this.registry, this.modes);
    this.door = new ActionDoor(this.registry, this.policy, this.confirmations, this.audit, this.bus, {
      actionTimeoutMs: o.action_timeout_s * 1000,
      confirmationTimeoutS: o.confirmation_timeout_s,
    });
    this.onStop('door', () => this.door.abortAll());
    this.scheduler = new Scheduler(this.db, log.child({ part: 'scheduler' }));
    this.onStop('scheduler', () => this.scheduler.stop());

    await this.startHomeAssistant();
    registerHaActions(this.registry, this.ha);
    registerButlerActions({
      registry: this.registry,
      policy: this.policy,
      modes: this.modes,
      ingest: this.ingest,
      scheduler: this.scheduler,
      ha: this.ha,
      notifyService: o.notify_service,
      execAllowlist: o.exec_allowlist,
      scriptAllowlist: o.script_allowlist,
      scriptsDir: join(o.data_dir, 'scripts'),
    });
    this.brain = await startBrainServices(this);
    this.onStop('brain', () => this.brain!.stop());
    this.memory = new MemoryStore(this.db, { log: log.child({ part: 'memory' }), embeddings: embeddingsFromOptions(o) });
    registerMemoryActions(this);
    this.addHealth('memory', () => {
      const m = this.memory.status();
      return { ok: m.embeddings !== 'down', detail: m.detail };
    });

    this.commands = new CommandService(this);
    this.offline = new OfflineUnderstanding(this);
    this.commands.addStage('offline', this.offline.stage);
    this.llm = new LlmStage(this);
    this.commands.addStage('planner', this.llm.stage);
    this.onStop('planner', () => this.llm.planner.close());
    await this.startMqtt();
    this.brain.rules.attachMqtt(this.mqtt.client);
    const discovery = new MqttDiscovery({
      host: this,
      version: pkg.version,
      converse: (text, origin) => this.commands.converse({ text, origin }),
      scenes: this.brain.scenes,
    });
    discovery.start();
    this.onStop('discovery', () => discovery.stop());
    new EventPolicies(this).start();

    await this.startHttp();
    // --- flows (brief F): Node-RED editor at /flows/, flows in SQLite, the butler palette ---
    const flowsAuth: AuthOptions = {
      token: this.apiToken,
      ingressProxies:
        this.startOpts.ingressProxies ??
        (process.env.BUTLER_INGRESS_PROXY ? process.env.BUTLER_INGRESS_PROXY.split(',') : [SUPERVISOR_INGRESS_ADDRESS]),
    };
    const flows = await startFlows(this, flowsAuth);
    this.onStop('flows', () => flows.stop());
    // --- end flows ---
    this.wyoming = await startAssist(this).catch((err: unknown) => {
      throw portTakenError(err, this.options.wyoming_port, 'the Wyoming (Assist) server', 'BUTLER_WYOMING_PORT');
    });
    this.onStop('wyoming', () => this.wyoming!.stop());
    void this.announceWyoming(this.wyoming.port);
    this.scheduler.start(this.door);
    this.startUpkeep();
  }

  private async startHomeAssistant(): Promise<void> {
    const o = this.options;
    let url: string;
    let token: string;
    if (o.ha_url && o.ha_token) {
      url = o.ha_url.replace(/^http/, 'ws').replace(/\/$/, '');
      if (!url.endsWith('/api/websocket')) url += '/api/websocket';
      token = o.ha_token;
    } else if (this.config.supervisorToken) {
      url = `${o.supervisor_url.replace(/^http/, 'ws').replace(/\/$/, '')}/core/websocket`;
      token = this.config.supervisorToken;
    } else {
      token = randomBytes(24).toString('hex');
      this.demoHome = await startDemoHome({ port: 0, host: '127.0.0.1', token, log: this.log.child({ part: 'demo-home' }) });
      this.onStop('demo home', () => this.demoHome!.stop());
      url = this.demoHome.url;
      this.log.info({ url }, 'no Home Assistant configured: using the demo home');
    }
    this.ha = new HaConnection({ url, token, log: this.log.child({ part: 'ha' }) });
    this.ha.onStateChange((change) => this.bus.emit('ha_state', change));
    this.ha.onStatus((s) => this.bus.emit('backend', { name: 'ha', ok: s.connected, detail: s.detail }));
    this.onStop('home assistant', () => this.ha.stop());
    await this.ha.start();
  }

  private async startMqtt(): Promise<void> {
    const o = this.options;
    let url = o.mqtt_url;
    let username = o.mqtt_username;
    let password = o.mqtt_password;
    if (!url && this.supervisor) {
      const found = await this.findSupervisorBroker();
      if (found) ({ url, username, password } = found);
    }
    if (!url) {
      try {
        this.broker = await startEmbeddedBroker(o.mqtt_port, '127.0.0.1');
      } catch (err) {
        // A port someone chose is theirs to fix; the default one being taken (a broker already running) is not a
        // reason to refuse the quick start.
        if (!(err instanceof BrokerPortError) || this.config.explicit.has('mqtt_port')) throw err;
        this.broker = await startEmbeddedBroker(0, '127.0.0.1');
        this.notices.push(
          `port ${o.mqtt_port} is taken (another MQTT broker?): the embedded broker uses ${this.broker.port}; set BUTLER_MQTT_URL to use the other one`,
        );
        this.log.warn({ port: this.broker.port }, this.notices[this.notices.length - 1]);
      }
      this.onStop('embedded broker', () => this.broker!.close());
      url = this.broker.url;
      this.log.info({ url }, 'no MQTT broker configured: started the embedded broker');
    }
    this.mqttUrl = url;
    this.mqtt = await MqttBridge.connect({ url, username, password, log: this.log.child({ part: 'mqtt' }) }, this.bus);
    this.onStop('mqtt', () => this.mqtt.close());
    this.commands.attachMqtt(this.mqtt);
  }

  /** The broker the Supervisor offers (GET /services/mqtt, the Mosquitto add-on); null falls back to the embedded one. */
  protected async findSupervisorBroker(): Promise<{ url: string; username?: string; password?: string } | null> {
    if (!this.supervisor) return null;
    try {
      const svc = await this.supervisor.mqttService();
      if (!svc) return null;
      const url = brokerUrl(svc);
      this.log.info({ url, addon: svc.addon }, 'using the MQTT broker the Supervisor offers');
      return { url, username: svc.username, password: svc.password };
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not ask the Supervisor for its MQTT broker');
      return null;
    }
  }

  /** Announces the Wyoming (Assist) server to Home Assistant through the Supervisor, so it shows up as discovered. */
  protected async announceWyoming(port: number): Promise<void> {
    if (!this.supervisor || !port) return;
    try {
      const self = await this.supervisor.addonInfo().catch(() => null);
      const host = typeof self?.hostname === 'string' && self.hostname ? self.hostname : hostname();
      const { uuid } = await this.supervisor.discover('wyoming', { uri: `tcp://${host}:${port}` });
      this.log.info({ uuid, uri: `tcp://${host}:${port}` }, 'announced the Wyoming server to Home Assistant');
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not announce the Wyoming server to Home Assistant');
    }
  }

  private async startHttp(): Promise<void> {
    this.http = createHttpHost(this.log);
    const auth: AuthOptions = {
      token: this.apiToken,
      ingressProxies:
        this.startOpts.ingressProxies ??
        (process.env.BUTLER_INGRESS_PROXY ? process.env.BUTLER_INGRESS_PROXY.split(',') : [SUPERVISOR_INGRESS_ADDRESS]),
    };
    registerApi(this, auth);
    this.onStop('http', () => this.http.close());
    try {
      this.port = await this.http.listen(this.options.port, this.startOpts.host ?? '0.0.0.0');
    } catch (err) {
      throw portTakenError(err, this.options.port, 'the panel and API', 'BUTLER_PORT');
    }
  }

  private startUpkeep(): void {
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(() => {
        try {
          fn();
        } catch (err) {
          this.log.error({ err }, 'upkeep failed');
        }
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(5_000, () => this.door.expireConfirmations());
    every(6 * 3600_000, () => {
      const pruned = this.audit.prune(this.options.retention_days);
      const vacuum = this.audit.maintain();
      this.log.info({ pruned, vacuum }, 'store maintenance done');
    });
  }

  /** Lets a part (planner, flows, drivers) add its own metric families to /api/metrics. */
  addMetrics(provider: () => MetricFamily[]): void {
    this.metricProviders.push(provider);
  }

  /** Lets a part report its own component in /api/health. */
  addHealth(name: string, check: () => { ok: boolean; detail: string }): void {
    this.healthProviders.set(name, check);
  }

  extraMetrics(): MetricFamily[] {
    return this.metricProviders.flatMap((p) => p());
  }

  /** Health of every component, for /api/health and the connectivity entities. */
  health(): { status: 'ok' | 'degraded' | 'down'; components: Record<string, { ok: boolean; detail: string }> } {
    const ha = this.ha?.status();
    const components: Record<string, { ok: boolean; detail: string }> = {
      db: { ok: Boolean(this.db?.sqlite.open), detail: this.db?.sqlite.open ? this.db.path : 'closed' },
      mqtt: {
        ok: Boolean(this.mqtt?.connected),
        detail: this.mqtt?.connected ? `connected to ${redactUrl(this.mqttUrl)}` : 'disconnected',
      },
      ha: { ok: Boolean(ha?.connected), detail: ha?.detail ?? 'not started' },
    };
    for (const [name, check] of this.healthProviders) {
      try {
        components[name] = check();
      } catch (err) {
        components[name] = { ok: false, detail: (err as Error).message };
      }
    }
    const bad = Object.values(components).filter((c) => !c.ok).length;
    const status = !components.db.ok ? 'down' : bad === 0 ? 'ok' : 'degraded';
    return { status, components };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    for (const s of [...this.stoppers].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.log.warn({ err, part: s.name }, 'stopping failed');
      }
    }
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
