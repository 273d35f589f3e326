// Every event the butler accepts (HA, MQTT butler/in/event, devices, schedules) enters the flows here, filtered by type and source.
import { globList } from '../../src/flows/match';
import { defineNode } from '../lib/node';
import { clock, LISTENING, short, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  types: string;
  sources: string;
}

export = defineNode<Config>({
  type: 'butler-event-in',
  version: 1,
  // v0 had a single `filter` field for the type.
  migrations: { 0: (c) => ({ ...c, types: c.types ?? c.filter ?? '', sources: c.sources ?? '' }) },
  start({ config, listen, status, send }) {
    const typeOk = globList(config.types);
    const sourceOk = globList(config.sources);
    let count = 0;
    listen('event', (event) => {
      if (!typeOk(event.type) || !sourceOk(event.source)) return;
      count++;
      status({ fill: 'green', shape: 'dot', text: short(`${event.type} · ${clock()} (${count})`) });
      send({ topic: event.type, payload: event.payload, event });
    });
    status(LISTENING);
  },
});
