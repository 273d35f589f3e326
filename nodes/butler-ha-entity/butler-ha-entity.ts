// Exposes a flow value (sensor) or command (switch, button, number, select, text) as a Home Assistant entity through
// MQTT discovery: config retained on homeassistant/<component>/<object_id>/config, state on butler/entity/<id>/state,
// commands from butler/entity/<id>/set. Discovery is re-published whenever Home Assistant comes online again.
import type { ButlerServices } from '../../src/flows/services';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

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

export = (RED: NodeAPI) => {
  function ButlerHaEntity(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, {
      0: (c) => ({
        ...c,
        component: c.component ?? 'sensor',
        entity_name: c.entity_name ?? c.name ?? '',
        options: c.options ?? '',
        unit: c.unit ?? '',
        device_class: c.device_class ?? '',
      }),
    });
    let services: ButlerServices;
    try {
      services = servicesOf(RED);
      if (!COMPONENTS.includes(config.component)) throw new Error(`component must be one of ${COMPONENTS.join(', ')}`);
      if (!/^[a-z0-9_]{1,64}$/.test(config.object_id ?? '')) throw new Error('object id must be 1-64 characters of a-z, 0-9 and _');
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'config error' });
      node.error(`butler-ha-entity: ${errorText(err)}`);
      return;
    }
    const mqtt = services.mqtt;
    if (!mqtt) {
      node.status({ fill: 'red', shape: 'ring', text: 'no MQTT' });
      node.error('butler-ha-entity: MQTT is not available, so Home Assistant cannot see this entity');
      return;
    }
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
      node.status({ fill: 'blue', shape: 'dot', text: short(`set ${text} · ${clock()}`) });
      node.send({
        topic: setTopic,
        payload: value,
        entity: { component: config.component, object_id: config.object_id },
        origin: { source: 'ha', trusted: true },
      });
    };
    const subs = COMMANDABLE.has(config.component) ? [setTopic, 'homeassistant/status'] : ['homeassistant/status'];
    mqtt.client.on('message', onMessage);
    mqtt.client.subscribe(subs, { qos: 1 });
    announce();
    node.status({ fill: 'green', shape: 'ring', text: `announced ${config.component}.butler_${config.object_id}` });

    node.on('input', (msg, send, done) => {
      try {
        if (config.component === 'button') throw new Error('a button has no state: wire its output, not its input');
        if (msg.payload === undefined) throw new Error('msg.payload is the state to publish and is missing');
        const text = statePayload(config.component, msg.payload);
        mqtt.client.publish(stateTopic, text, { qos: 1, retain: true });
        node.status({ fill: 'green', shape: 'dot', text: short(`${text} · ${clock()}`) });
        send(null);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short((err as Error).message) });
        done(err as Error);
      }
    });
    node.on('close', (removed, done) => {
      mqtt.client.removeListener('message', onMessage);
      if (COMMANDABLE.has(config.component)) mqtt.client.unsubscribe(setTopic);
      // A node deleted from the flows takes its entity with it.
      if (removed) mqtt.client.publish(discoveryTopic, '', { qos: 1, retain: true });
      done();
    });
  }
  RED.nodes.registerType('butler-ha-entity', ButlerHaEntity);
};
