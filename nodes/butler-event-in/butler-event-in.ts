// Every event the butler accepts (HA, MQTT butler/in/event, devices, schedules) enters the flows here, filtered by type and source.
import type { ButlerServices } from '../../src/flows/services';
import { globList } from '../../src/flows/match';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  types: string;
  sources: string;
}

export = (RED: NodeAPI) => {
  function ButlerEventIn(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    // v0 had a single `filter` field for the type.
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, types: c.types ?? c.filter ?? '', sources: c.sources ?? '' }) });
    const owner = `flow:${node.id}`;
    let services: ButlerServices;
    try {
      services = servicesOf(RED);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'no butler' });
      node.error(errorText(err));
      return;
    }
    const typeOk = globList(config.types);
    const sourceOk = globList(config.sources);
    let count = 0;
    services.bus.on(
      'event',
      (event) => {
        if (!typeOk(event.type) || !sourceOk(event.source)) return;
        count++;
        node.status({ fill: 'green', shape: 'dot', text: short(`${event.type} · ${clock()} (${count})`) });
        node.send({ topic: event.type, payload: event.payload, event });
      },
      owner,
    );
    node.status({ fill: 'green', shape: 'ring', text: 'listening' });
    node.on('close', (_removed, done) => {
      services.bus.removeOwner(owner);
      done();
    });
  }
  RED.nodes.registerType('butler-event-in', ButlerEventIn);
};
