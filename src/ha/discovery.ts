// The butler as a Home Assistant device, through MQTT discovery: one device-based config
// (homeassistant/device/<node>/config, retained) listing every entity, availability on butler/status, and the
// current states. Home Assistant's birth message (homeassistant/status = online) is not retained, so everything is
// published again on every `online` and on every reconnect to the broker.
//
// Entities that act (switch, select, text, button, notify) never act themselves: each command becomes an action
// request through the one door (`door.execute`) with origin {source: 'ha', trusted: options.mqtt_trusted}. Anything
// that is not a valid command is rejected with a reason on the bus (`input_error` -> butler/out/error), and the
// entity's state is published again so Home Assistant shows what really is, not what was asked.
import type { MqttClient } from 'mqtt';
import type { ActionExecutor } from '../actions/types';
import type { Bus } from '../bus/bus';
import type { Part } from '../parts/part';
import { TOPICS } from '../bus/mqtt';
import type { Logger } from '../log';
import { nowSeconds, type ActionPlan, type ButlerEvent, type HomeMode, type Json, type JsonObject, type Origin } from '../types';

/** What the discovery needs from the Butler (the Butler itself satisfies it). */
export interface DiscoveryHost {
  bus: Bus;
  mqtt: { client: MqttClient };
  modes: { readonly mode: HomeMode; readonly privacy: boolean };
  door: ActionExecutor;
  confirmations: { countPending(): number };
  options: { mqtt_trusted: boolean };
  health(): { components: Record<string, { ok: boolean; detail: string }> };
  log: Logger;
}

export interface SceneProvider {
  list(): { id: string; name: string }[];
  /** Called after every change of the scene list; returns an unsubscribe function. */
  onChange(fn: () => void): () => void;
}

export interface MqttDiscoveryOptions {
  host: DiscoveryHost;
  /** The butler's version (package.json), shown as the device's and origin's software version. */
  version: string;
  /** A sentence typed in Home Assistant ("say to butler"): the butler's conversation service. */
  converse: (text: string, origin: Origin) => Promise<{ reply: string }>;
  scenes?: SceneProvider;
  /** Device id and unique-id prefix; default smart_butler. */
  nodeId?: string;
  /** Default homeassistant. */
  discoveryPrefix?: string;
  /** Where states and commands live; default butler/ha. */
  baseTopic?: string;
  /** The add-on's page (origin url, device configuration url). */
  url?: string;
  /** Event types the `event` entity announces beyond the built-in ones. */
  extraEventTypes?: string[];
}

/** The event entity's types: Home Assistant drops event payloads whose type is not announced. */
export const BUTLER_EVENT_TYPES = [
  'notification',
  'alert',
  'arrival',
  'command',
  'goal_done',
  'goal_failed',
  'confirmation_requested',
  'confirmation_decided',
  'action_failed',
  'input_rejected',
  'mode_changed',
] as const;

export const DEFAULT_BACKENDS = ['ha', 'mqtt', 'llm'];
const STATE_MAX = 255;
const MAX_COMMAND_BYTES = 4096;
/** The least time between two publishes of the last-event and last-plan states. */
const LATEST_INTERVAL_MS = 1000;

type Component = Record<string, Json>;

export class MqttDiscovery implements Part<void> {
  readonly name = 'discovery';
  readonly node: string;
  readonly prefix: string;
  readonly base: string;
  readonly deviceTopic: string;
  private readonly host: DiscoveryHost;
  private readonly log: Logger;
  private readonly owner: string;
  private readonly backends = new Map<string, { ok: boolean; detail: string } | null>();
  /** Components that existed and went away: sent as {p} so Home Assistant removes them. */
  private readonly removed = new Map<string, string>();
  private lastComponents = new Map<string, string>();
  private readonly cleanups: (() => void)[] = [];
  private readonly sceneButtons = new Map<string, string>();
  private started = false;
  private lastEventState: JsonObject | null = null;
  private lastPlanState: JsonObject | null = null;
  private lastReplyState: JsonObject | null = null;
  private readonly latest = new Map<string, { at: number; timer: NodeJS.Timeout | null }>();
  private counters = { commands: 0, rejected: 0, published: 0 };

  constructor(private readonly opts: MqttDiscoveryOptions) {
    this.host = opts.host;
    this.log = opts.host.log.child({ part: 'discovery' });
    this.node = opts.nodeId ?? 'smart_butler';
    if (!/^[a-zA-Z0-9_-]+$/.test(this.node)) throw new Error(`nodeId "${this.node}" may only contain letters, digits, _ and -`);
    this.prefix = opts.discoveryPrefix ?? 'homeassistant';
    this.base = opts.baseTopic ?? 'butler/ha';
    this.deviceTopic = `${this.prefix}/device/${this.node}/config`;
    this.owner = `discovery:${this.node}`;
    for (const b of DEFAULT_BACKENDS) this.backends.set(b, null);
  }

  /** Topic helpers (tests and the docs use them). */
  topic(entity: string, leaf: 'state' | 'set' | 'press' | 'attributes' = 'state'): string {
    return `${this.base}/${entity}/${leaf}`;
  }

  get statusTopic(): string {
    return `${this.prefix}/status`;
  }

  stats(): { commands: number; rejected: number; published: number } {
    return { ...this.counters };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const client = this.host.mqtt.client;
    const bus = this.host.bus;

    for (const [name, c] of Object.entries(this.host.health().components)) {
      if (name !== 'db') this.backends.set(name, c);
    }

    const onMessage = (topic: string, payload: Buffer) => void this.onMessage(topic, payload);
    const onConnect = () => this.subscribeAndPublish();
    client.on('message', onMessage);
    client.on('connect', onConnect);
    this.cleanups.push(
      () => client.off('message', onMessage),
      () => client.off('connect', onConnect),
    );

    bus.on('mode', () => this.publishModeStates(), this.owner);
    bus.on(
      'confirmation',
      (c) => {
        this.publishState('pending', String(this.host.confirmations.countPending()));
        this.fireEvent(c.status === 'pending' ? 'confirmation_requested' : 'confirmation_decided', {
          confirmation_id: c.id,
          action_type: c.action_type,
          status: c.status,
          reason: c.reason,
        });
      },
      this.owner,
    );
    bus.on('event', (e) => this.onButlerEvent(e), this.owner);
    bus.on('plan', (p) => this.onPlan(p), this.owner);
    bus.on(
      'result',
      (r) => {
        if (r.status === 'error') this.fireEvent('action_failed', { plan_id: r.plan_id, action_type: r.action_type, output: r.output });
      },
      this.owner,
    );
    bus.on(
      'input_error',
      (e) => {
        // Our own rejections are already on butler/out/error; firing them as events too would echo every typo.
        if (e.source !== 'ha') this.fireEvent('input_rejected', { source: e.source, topic: e.topic ?? null, reason: e.reason });
      },
      this.owner,
    );
    bus.on(
      'backend',
      (b) => {
        const known = this.backends.has(b.name);
        this.backends.set(b.name, { ok: b.ok, detail: b.detail });
        if (!known) this.publishConfig();
        this.publishState(`backend_${safeId(b.name)}`, b.ok ? 'ON' : 'OFF', { detail: b.detail });
      },
      this.owner,
    );
    bus.on('mode', (m) => this.fireEvent('mode_changed', { mode: m.mode, privacy: m.privacy }), this.owner);

    if (this.opts.scenes) {
      const off = this.opts.scenes.onChange(() => {
        this.publishConfig();
      });
      this.cleanups.push(off);
    }
    if (client.connected) this.subscribeAndPublish();
  }

  /** Stops listening. The retained config stays: entities show unavailable through butler/status, not deleted. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.host.bus.removeOwner(this.owner);
    for (const c of this.cleanups.splice(0)) c();
    for (const l of this.latest.values()) if (l.timer) clearTimeout(l.timer);
    this.latest.clear();
    const client = this.host.mqtt.client;
    // homeassistant/status stays subscribed: another user of this client may want it, and without a handler it costs nothing.
    if (client.connected) client.unsubscribe(this.commandTopics().filter((t) => t !== this.statusTopic));
  }

  /** Removes the device and every entity from Home Assistant (an empty retained config). */
  async remove(): Promise<void> {
    await this.host.mqtt.client.publishAsync(this.deviceTopic, '', { qos: 1, retain: true });
    this.lastComponents.clear();
  }

  /** The latest camera picture (JPEG/PNG bytes) for the `camera` entity. */
  publishSnapshot(image: Buffer): void {
    this.host.mqtt.client.publish(this.topic('camera', 'state'), image, { qos: 0, retain: true });
  }

  // ---- configuration ------------------------------------------------------------------------------------------

  private commandTopics(): string[] {
    return [this.statusTopic, `${this.base}/+/set`, `${this.base}/scene/+/press`];
  }

  private subscribeAndPublish(): void {
    const client = this.host.mqtt.client;
    client.subscribe(this.commandTopics(), { qos: 1 }, (err) => {
      if (err) this.log.warn({ err: err.message }, 'subscribing to the Home Assistant command topics failed');
    });
    this.publishAll();
  }

  /** Config, then every current state (what Home Assistant needs after its own restart). */
  publishAll(): void {
    this.publishConfig(true);
    this.publishModeStates();
    this.publishState('pending', String(this.host.confirmations.countPending()));
    for (const [name, s] of this.backends) if (s) this.publishState(`backend_${safeId(name)}`, s.ok ? 'ON' : 'OFF', { detail: s.detail });
    if (this.lastEventState) this.publishJsonState('last_event', this.lastEventState);
    if (this.lastPlanState) this.publishJsonState('last_plan', this.lastPlanState);
    if (this.lastReplyState) this.publishJsonState('reply', this.lastReplyState);
  }

  /** The device config payload as published (exposed for tests and the docs). */
  buildConfig(): JsonObject {
    const components = this.components();
    const cmps: Record<string, Json> = {};
    for (const [id, c] of components) cmps[id] = c;
    // Components that went away are sent as {p} (removal) for as long as this process runs.
    for (const [id, platform] of this.removed) if (!components.has(id)) cmps[id] = { p: platform };
    return {
      dev: {
        ids: [this.node],
        name: 'Smart Butler',
        mf: 'Smart Butler',
        mdl: 'Home Assistant add-on',
        sw: this.opts.version,
        ...(this.opts.url ? { cu: this.opts.url } : {}),
      },
      o: { name: 'Smart Butler', sw: this.opts.version, url: this.opts.url ?? 'https://github.com/smart-butler/smart-butler' },
      avty_t: TOPICS.status,
      pl_avail: 'online',
      pl_not_avail: 'offline',
      qos: 1,
      cmps,
    };
  }

  private components(): Map<string, Component> {
    const n = this.node;
    const c = new Map<string, Component>();
    const entity = (id: string, platform: string, name: string, extra: Component): void => {
      c.set(id, { p: platform, name, uniq_id: `${n}_${id}`, default_entity_id: `${platform}.butler_${id}`, ...extra });
    };
    entity('privacy', 'switch', 'Privacy mode', {
      cmd_t: this.topic('privacy', 'set'),
      stat_t: this.topic('privacy'),
      pl_on: 'ON',
      pl_off: 'OFF',
      ic: 'mdi:shield-lock',
    });
    entity('mode', 'select', 'Home mode', {
      cmd_t: this.topic('mode', 'set'),
      stat_t: this.topic('mode'),
      ops: ['home', 'away', 'night'],
      ic: 'mdi:home-switch',
    });
    entity('say', 'text', 'Say to butler', {
      cmd_t: this.topic('say', 'set'),
      stat_t: this.topic('say'),
      max: STATE_MAX,
      min: 0,
      mode: 'text',
      ic: 'mdi:message-text',
    });
    entity('reply', 'sensor', 'Last reply', {
      stat_t: this.topic('reply'),
      val_tpl: '{{ value_json.state }}',
      json_attr_t: this.topic('reply'),
      ic: 'mdi:robot-happy-outline',
    });
    entity('last_event', 'sensor', 'Last event', {
      stat_t: this.topic('last_event'),
      val_tpl: '{{ value_json.state }}',
      json_attr_t: this.topic('last_event'),
      ic: 'mdi:bell-ring',
    });
    entity('last_plan', 'sensor', 'Last plan', {
      stat_t: this.topic('last_plan'),
      val_tpl: '{{ value_json.state }}',
      json_attr_t: this.topic('last_plan'),
      ic: 'mdi:format-list-checks',
    });
    entity('pending', 'sensor', 'Pending confirmations', {
      stat_t: this.topic('pending'),
      stat_cla: 'measurement',
      ic: 'mdi:account-question',
    });
    entity('events', 'event', 'Butler events', {
      stat_t: this.topic('events'),
      event_types: [...BUTLER_EVENT_TYPES, ...(this.opts.extraEventTypes ?? [])],
      ic: 'mdi:bell-badge',
    });
    entity('notify', 'notify', 'Notify', { cmd_t: this.topic('notify', 'set'), ic: 'mdi:message-alert' });
    entity('camera', 'camera', 'Latest snapshot', { t: this.topic('camera', 'state') });
    for (const [name] of this.backends) {
      const id = `backend_${safeId(name)}`;
      entity(id, 'binary_sensor', `${backendLabel(name)} connection`, {
        stat_t: this.topic(id),
        pl_on: 'ON',
        pl_off: 'OFF',
        dev_cla: 'connectivity',
        ent_cat: 'diagnostic',
        json_attr_t: this.topic(id, 'attributes'),
      });
    }
    this.sceneButtons.clear();
    for (const s of this.opts.scenes?.list() ?? []) {
      const sid = safeId(s.id);
      const id = `scene_${sid}`;
      this.sceneButtons.set(sid, s.id);
      entity(id, 'button', s.name || s.id, { cmd_t: `${this.base}/scene/${sid}/press`, pl_prs: 'PRESS', ic: 'mdi:palette' });
    }
    return c;
  }

  /** Publishes the device config when it changed (or always, with force: Home Assistant came back). */
  publishConfig(force = false): void {
    const components = this.components();
    for (const [id, comp] of this.lastComponents) if (!components.has(id)) this.removed.set(id, JSON.parse(comp).p as string);
    for (const id of components.keys()) this.removed.delete(id);
    const next = new Map([...components].map(([id, comp]) => [id, JSON.stringify(comp)]));
    const changed = next.size !== this.lastComponents.size || [...next].some(([id, s]) => this.lastComponents.get(id) !== s);
    this.lastComponents = next;
    if (!changed && !force) return;
    this.counters.published++;
    this.host.mqtt.client.publish(this.deviceTopic, JSON.stringify(this.buildConfig()), { qos: 1, retain: true });
  }

  // ---- states -------------------------------------------------------------------------------------------------

  private publishState(entity: string, value: string, attributes?: JsonObject): void {
    const client = this.host.mqtt.client;
    client.publish(this.topic(entity), value, { qos: 1, retain: true });
    if (attributes) client.publish(this.topic(entity, 'attributes'), JSON.stringify(attributes), { qos: 1, retain: true });
  }

  private publishJsonState(entity: string, value: JsonObject): void {
    this.host.mqtt.client.publish(this.topic(entity), JSON.stringify(value), { qos: 1, retain: true });
  }

  /**
   * States that change with every event or plan: published at most once a second each (the newest when the second is
   * up), so an automation running 100 times a second does not write Home Assistant's recorder 100 times a second.
   */
  private publishLatest(entity: string, value: () => JsonObject | null): void {
    let l = this.latest.get(entity);
    if (!l) this.latest.set(entity, (l = { at: 0, timer: null }));
    if (l.timer) return;
    const publish = (s: { at: number; timer: NodeJS.Timeout | null }) => {
      s.at = Date.now();
      const v = value();
      if (v) this.publishJsonState(entity, v);
    };
    const wait = l.at + LATEST_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      publish(l);
      return;
    }
    const pending = l;
    pending.timer = setTimeout(() => {
      pending.timer = null;
      if (this.started) publish(pending);
    }, wait);
    pending.timer.unref?.();
  }

  private publishModeStates(): void {
    this.publishState('privacy', this.host.modes.privacy ? 'ON' : 'OFF');
    this.publishState('mode', this.host.modes.mode);
  }

  private fireEvent(type: string, data: JsonObject): void {
    if (!this.started) return;
    // Not retained: an event is a moment, and a retained one would fire again on every Home Assistant restart.
    this.host.mqtt.client.publish(this.topic('events'), JSON.stringify({ event_type: type, ...data }), { qos: 1, retain: false });
  }

  private onButlerEvent(e: ButlerEvent): void {
    this.lastEventState = {
      state: clip(`${e.type} (${e.source})`),
      event_id: e.event_id,
      type: e.type,
      source: e.source,
      severity: e.severity,
      time: new Date(e.ts * 1000).toISOString(),
    };
    this.publishLatest('last_event', () => this.lastEventState);
    const kind = eventTypeOf(e);
    if (kind) {
      const data: JsonObject = { event_id: e.event_id, type: e.type, source: e.source, severity: e.severity };
      if (kind === 'notification') {
        data.title = e.payload.title ?? null;
        data.message = e.payload.message ?? null;
        data.level = e.payload.level ?? null;
      }
      this.fireEvent(kind, data);
    }
  }

  private onPlan(p: ActionPlan): void {
    const actions = p.actions.map((a) => a.action_type);
    this.lastPlanState = {
      state: clip(`${p.policy}: ${actions.join(', ') || 'nothing to do'}`),
      plan_id: p.plan_id,
      policy: p.policy,
      reason: clip(p.reason, 1000),
      actions,
      source: p.source,
      time: new Date(p.created_ts * 1000).toISOString(),
    };
    this.publishLatest('last_plan', () => this.lastPlanState);
  }

  // ---- commands -----------------------------------------------------------------------------------------------

  private origin(): Origin {
    return { source: 'ha', trusted: this.host.options.mqtt_trusted === true };
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    if (topic === this.statusTopic) {
      if (payload.toString('utf8').trim() === 'online') {
        this.log.info('Home Assistant came online: publishing discovery again');
        this.publishAll();
      }
      return;
    }
    if (!topic.startsWith(`${this.base}/`)) return;
    const rest = topic.slice(this.base.length + 1).split('/');
    const isSet = rest.length === 2 && rest[1] === 'set';
    const isPress = rest.length === 3 && rest[0] === 'scene' && rest[2] === 'press';
    if (!isSet && !isPress) return;
    this.counters.commands++;
    try {
      if (payload.length > MAX_COMMAND_BYTES)
        throw new CommandRejected(`payload of ${payload.length} bytes is larger than the ${MAX_COMMAND_BYTES} bytes accepted`);
      const text = payload.toString('utf8');
      if (isPress) await this.pressScene(rest[1], text);
      else await this.command(rest[0], text);
    } catch (err) {
      this.counters.rejected++;
      const reason = err instanceof Error ? err.message : String(err);
      if (!(err instanceof CommandRejected)) this.log.error({ err, topic }, 'a Home Assistant command failed');
      else this.log.warn({ topic, reason }, 'rejected a Home Assistant command');
      this.host.bus.emit('input_error', {
        source: 'ha',
        topic,
        reason,
        excerpt: payload
          .subarray(0, 200)
          .toString('utf8')
          .replace(/[^\x20-\x7e]/g, '?'),
        ts: nowSeconds(),
      });
      // Home Assistant may have shown the asked-for state already: show what is.
      this.publishModeStates();
    }
  }

  private async command(entity: string, text: string): Promise<void> {
    switch (entity) {
      case 'privacy': {
        const v = text.trim();
        if (v !== 'ON' && v !== 'OFF') throw new CommandRejected(`privacy: expected ON or OFF, got ${describePayload(text)}`);
        await this.act('set_privacy', { enabled: v === 'ON' }, `Home Assistant: privacy switch ${v}`);
        this.publishModeStates();
        return;
      }
      case 'mode': {
        const v = text.trim();
        if (v !== 'home' && v !== 'away' && v !== 'night')
          throw new CommandRejected(`mode: expected one of home, away, night, got ${describePayload(text)}`);
        await this.act('set_mode', { mode: v }, `Home Assistant: home mode ${v}`);
        this.publishModeStates();
        return;
      }
      case 'say': {
        const v = text.trim();
        this.publishState('say', clip(v));
        if (!v) throw new CommandRejected('say: empty text; type a sentence for the butler');
        if (hasControl(v)) throw new CommandRejected('say: the text contains control characters');
        const { reply } = await this.opts.converse(v, this.origin());
        this.lastReplyState = { state: clip(reply), reply, asked: v, time: new Date().toISOString() };
        this.publishJsonState('reply', this.lastReplyState);
        return;
      }
      case 'notify': {
        const v = text.trim();
        if (!v) throw new CommandRejected('notify: empty message');
        if (v.length > 4000) throw new CommandRejected(`notify: message of ${v.length} characters is longer than the 4000 accepted`);
        await this.act('notify', { message: v, title: 'Home Assistant' }, 'Home Assistant: notify entity');
        return;
      }
      default:
        throw new CommandRejected(`${entity}: no such command entity (privacy, mode, say, notify, scene/<id>)`);
    }
  }

  private async pressScene(sid: string, text: string): Promise<void> {
    if (text.trim() !== 'PRESS') throw new CommandRejected(`scene ${sid}: expected PRESS, got ${describePayload(text)}`);
    if (this.sceneButtons.size === 0) this.components();
    const id = this.sceneButtons.get(sid);
    if (!id) throw new CommandRejected(`scene ${sid}: no such scene (it may have been deleted)`);
    await this.act('activate_scene', { scene_id: id }, `Home Assistant: scene button ${id}`);
  }

  /** Through the one door; a refused or failed action is a reason on butler/out/error. */
  private async act(action_type: string, params: JsonObject, reason: string): Promise<void> {
    const outcome = await this.host.door.execute({ actions: [{ action_type, params }], origin: this.origin(), reason });
    const r = outcome.results[0];
    if (r && (r.status === 'error' || r.status === 'denied')) {
      const o = typeof r.output === 'object' && r.output !== null && !Array.isArray(r.output) ? r.output : {};
      const why = typeof o.error === 'string' ? o.error : typeof o.reason === 'string' ? o.reason : JSON.stringify(r.output);
      throw new CommandRejected(`${action_type}: ${r.status}: ${why}`);
    }
  }
}

class CommandRejected extends Error {}

/** Which `event` entity type a butler event is, or null for events that are not worth a Home Assistant event. */
export function eventTypeOf(e: ButlerEvent): string | null {
  if (e.type === 'notify') return 'notification';
  if (e.type === 'goal.done') return 'goal_done';
  if (e.type === 'goal.failed') return 'goal_failed';
  if (e.type.startsWith('command.')) return 'command';
  if ((e.type === 'person_detected' || e.type === 'presence') && e.payload.zone === 'entry') return 'arrival';
  if (e.severity >= 2) return 'alert';
  return null;
}

function safeId(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'x'
  );
}

function backendLabel(name: string): string {
  const known: Record<string, string> = { ha: 'Home Assistant', mqtt: 'MQTT', llm: 'Language model' };
  return known[name] ?? name.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Home Assistant keeps at most 255 characters of a state. */
function clip(s: string, max = STATE_MAX): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function hasControl(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

function describePayload(text: string): string {
  if (text === '') return 'an empty payload';
  const shown = text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return `"${shown}"${text.length > 40 ? '…' : ''}`;
}
