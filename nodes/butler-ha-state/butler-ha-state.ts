// Fires on Home Assistant state changes of matching entities, optionally only from/to given states and held for a time.
import { stateTrigger } from '../../src/flows/match';
import type { HassStateChange } from '../../src/ha/types';
import { defineNode } from '../lib/node';
import { ConfigError, LISTENING, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  entity_id: string;
  from: string;
  to: string;
  /** Seconds the new state must hold before the node fires (0 = at once). */
  for: number;
}

export = defineNode<Config>({
  type: 'butler-ha-state',
  version: 1,
  // v0 called the hold time `delay` (milliseconds).
  migrations: {
    0: (c) => ({ ...c, for: c.for ?? (typeof c.delay === 'number' ? c.delay / 1000 : 0), from: c.from ?? '', to: c.to ?? '' }),
  },
  validate(config) {
    if (!config.entity_id) throw new ConfigError('entity_id', 'set an entity id (wildcards like light.* work)');
  },
  start({ node, config, services, status, show, send, onClose }) {
    const holdMs = Math.max(0, Number(config.for) || 0) * 1000;
    const timers = new Map<string, NodeJS.Timeout>();
    const matches = stateTrigger({ entity: config.entity_id, from: config.from, to: config.to });
    const fire = (change: HassStateChange) => {
      show(change.new_state?.state ?? '?');
      // The change that started this run is recorded, so whatever the flow does links back to it in the timeline.
      const event = services.ingest.emit('ha.state_changed', 'ha', {
        entity_id: change.entity_id,
        from: change.old_state?.state ?? null,
        to: change.new_state?.state ?? null,
        flow_node: node.id,
      });
      send({
        topic: change.entity_id,
        payload: change.new_state?.state ?? null,
        data: change,
        event,
        origin: { source: 'ha', trusted: true },
      });
    };
    const off = services.ha.onStateChange((change) => {
      // Any change of a held entity restarts (or cancels) its hold.
      const pending = timers.get(change.entity_id);
      if (pending && change.old_state?.state !== change.new_state?.state) {
        clearTimeout(pending);
        timers.delete(change.entity_id);
      }
      if (!matches(change)) return;
      if (holdMs === 0) return fire(change);
      show({ text: `${change.new_state?.state ?? '?'}, waiting ${config.for}s`, fill: 'yellow', shape: 'ring', clock: false });
      timers.set(
        change.entity_id,
        setTimeout(() => {
          timers.delete(change.entity_id);
          fire(change);
        }, holdMs),
      );
    });
    onClose(() => {
      off();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    });
    status(services.ha.status().connected ? LISTENING : { fill: 'yellow', shape: 'ring', text: 'Home Assistant disconnected' });
  },
});
