// Fires on Home Assistant state changes of matching entities, optionally only from/to given states and held for a time.
import type { ButlerServices } from '../../src/flows/services';
import { stateChangeMatches } from '../../src/flows/match';
import type { HassStateChange } from '../../src/ha/types';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  entity_id: string;
  from: string;
  to: string;
  /** Seconds the new state must hold before the node fires (0 = at once). */
  for: number;
}

export = (RED: NodeAPI) => {
  function ButlerHaState(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    // v0 called the hold time `delay` (milliseconds).
    const config = migrate<Config>(def, 1, {
      0: (c) => ({ ...c, for: c.for ?? (typeof c.delay === 'number' ? c.delay / 1000 : 0), from: c.from ?? '', to: c.to ?? '' }),
    });
    let services: ButlerServices;
    try {
      services = servicesOf(RED);
      if (!config.entity_id) throw new Error('set an entity id (wildcards like light.* work)');
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'config error' });
      node.error(`butler-ha-state: ${errorText(err)}`);
      return;
    }
    const holdMs = Math.max(0, Number(config.for) || 0) * 1000;
    const timers = new Map<string, NodeJS.Timeout>();
    const fire = (change: HassStateChange) => {
      node.status({ fill: 'green', shape: 'dot', text: short(`${change.new_state?.state ?? '?'} · ${clock()}`) });
      // The change that started this run is recorded, so whatever the flow does links back to it in the timeline.
      const event = services.ingest.emit('ha.state_changed', 'ha', {
        entity_id: change.entity_id,
        from: change.old_state?.state ?? null,
        to: change.new_state?.state ?? null,
        flow_node: node.id,
      });
      node.send({
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
      if (!stateChangeMatches({ entity: config.entity_id, from: config.from, to: config.to }, change)) return;
      if (holdMs === 0) return fire(change);
      node.status({ fill: 'yellow', shape: 'ring', text: short(`${change.new_state?.state ?? '?'}, waiting ${config.for}s`) });
      timers.set(
        change.entity_id,
        setTimeout(() => {
          timers.delete(change.entity_id);
          fire(change);
        }, holdMs),
      );
    });
    const haOk = services.ha.status().connected;
    node.status(
      haOk ? { fill: 'green', shape: 'ring', text: 'listening' } : { fill: 'yellow', shape: 'ring', text: 'Home Assistant disconnected' },
    );
    node.on('close', (_removed, done) => {
      off();
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      done();
    });
  }
  RED.nodes.registerType('butler-ha-state', ButlerHaState);
};
