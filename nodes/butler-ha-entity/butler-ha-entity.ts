// Exposes a flow value (sensor) or command (switch, button, number, select, text) as a Home Assistant entity through
// MQTT discovery: config retained on homeassistant/<component>/<object_id>/config, state on butler/entity/<id>/state,
// commands from butler/entity/<id>/set. Discovery is re-published whenever Home Assistant comes online again.
import type { ButlerServices } from '../../src/flows/services';
import { defineNode } from '../lib/node';
import { ConfigError, NodeFailure, short, type NodeDef } from '../lib/red';

const COMPONENTS = ['sensor', 'binary_sensor', 'switch', 'button', 'number', 'select', 'text'] as const;
type Component = (typeof COMPONENTS)[number];
const COMMANDABLE = new Set<Component>(['switch', 'button', 'number', 'select', 'text']);

interface Config extends NodeDef {
  component: Component;
  object_id: string;
  entity_name: string;
  unit: string;
  device_class: string;
  /** select: comma-separated options. */
  options: string;
  min: number;
  max: number;
  step: number;
}

function discoveryConfig(c: Config): Record<string, unknown> {
  const base = `butler/entity/${c.object_id}`;
  const cfg: Record<string, unknown> = {
    name: c.entity_name || c.object_id,
    unique_id: `smart_butler_${c.object_id}`,
    object_id: `butler_${c.object_id}`,
    availability_topic: 'butler/status',
    payload_available: 'online',
    payload_not_available: 'offline',
    device: { identifiers: ['smart_butler'], name: 'Smart Butler', manufacturer: 'Smart Butler', model: 'flows' },
  };
  if (c.component !== 'button') cfg.state_topic = `${base}/state`;
  if (COMMANDABLE.has(c.component)) cfg.command_topic = `${base}/set`;
  if (c.unit) cfg.unit_of_measurement = c.unit;
  if (c.device_class) cfg.device_class = c.device_class;
  if (c.component === 'select')
    cfg.options = c.options
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (c.component === 'number') Object.assign(cfg, { min: Number(c.min ?? 0), max: Number(c.max ?? 100), step: Number(c.step ?? 1) });
  return cfg;
}

function statePayload(component: Component, value: unknown): string {
  if ((component === 'switch' || component === 'binary_sensor') && (typeof value === 'boolean' || value === 'on' || value === 'off')) {
    return value === true || value === 'on' ? 'ON' : 'OFF';
  }
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

interface Entity {
  mqtt: NonNullable<ButlerServices['mqtt']>;
  stateTopic: string;
}

export = defineNode<Config, Entity>({
  type: 'butler-ha-entity',
  version: 1,
  migrations: {
    0: (c) => ({
      ...c,
      component: c.component ?? 'sensor',
      entity_name: c.entity_name ?? c.name ?? '',
      options: c.options ?? '',
      unit: c.unit ?? '',
      device_class: c.device_class ?? '',
    }),
  },
  validate(config) {
    if (!COMPONENTS.includes(config.component)) throw new ConfigError('component', `must be one of ${COMPONENTS.join(', ')}`);
    if (!/^[a-z0-9_]{1,64}$/.test(config.object_id ?? ''))
      throw new ConfigError('object_id', 'the object id must be 1-64 characters of a-z, 0-9 and _');
  },
  start({ node, config, services, status, show, send, onClose }) {
    const mqtt = services.mqtt;
    if (!mqtt) throw new NodeFailure('no MQTT', 'MQTT is not available, so Home Assistant cannot see this entity');
    const discoveryTopic = `homeassistant/${config.component}/${config.object_id}/config`;
    const stateTopic = `butler/entity/${config.object_id}/state`;
    const setTopic = `butler/entity/${config.object_id}/set`;
    const announce = () => mqtt.publishJson(discoveryTopic, discoveryConfig(config), { retain: true });
    const onMessage = (topic: string, payload: Buffer) => {
      if (topic === 'homeassistant/status') {
        if (payload.toString() === 'online') announce();
        return;
      }
      if (topic !== setTopic) return;
      const text = payload.toString('utf8');
      let value: unknown = text;
      if (config.component === 'number') {
        value = Number(text);
        if (!Number.isFinite(value as number)) {
          node.error(`butler-ha-entity: command "${short(text, 40)}" on ${setTopic} is not a number`, { topic: setTopic, payload: text });
          return;
        }
      }
      show({ text: `set ${text}`, fill: 'blue' });
      send({
        topic: setTopic,
        payload: value,
        entity: { component: config.component, object_id: config.object_id },
        origin: { source: 'ha', trusted: true },
      });
    };
    const subs = COMMANDABLE.has(config.component) ? [setTopic, 'homeassistant/status'] : ['homeassistant/status'];
    mqtt.client.on('message', onMessage);
    onClose((removed) => {
      mqtt.client.removeListener('message', onMessage);
      if (COMMANDABLE.has(config.component)) mqtt.client.unsubscribe(setTopic);
      // A node deleted from the flows takes its entity with it.
      if (removed) mqtt.client.publish(discoveryTopic, '', { qos: 1, retain: true });
    });
    mqtt.client.subscribe(subs, { qos: 1 });
    announce();
    status({ fill: 'green', shape: 'ring', text: `announced ${config.component}.butler_${config.object_id}` });
    return { mqtt, stateTopic };
  },
  onInput(msg, { config }, { mqtt, stateTopic }) {
    if (config.component === 'button') throw new Error('a button has no state: wire its output, not its input');
    if (msg.payload === undefined) throw new Error('msg.payload is the state to publish and is missing');
    const text = statePayload(config.component, msg.payload);
    mqtt.client.publish(stateTopic, text, { qos: 1, retain: true });
    return { status: text };
  },
});
