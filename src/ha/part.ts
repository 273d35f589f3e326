// The Home Assistant part (health component "ha"): the WebSocket connection and its live entity mirror, with state
// changes and connection status on the bus.
import type { Bus } from '../bus/bus';
import type { ComponentHealth, MetricFamily, Part } from '../parts/part';
import type { Logger } from '../log';
import { HaConnection } from './connection';

export interface HomeAssistantTarget {
  /** ws(s)://…/api/websocket */
  url: string;
  token: string;
}

/** The WebSocket URL of a Home Assistant base URL (http://host:8123 → ws://host:8123/api/websocket). */
export function websocketUrl(base: string): string {
  let url = base.replace(/^http/, 'ws').replace(/\/$/, '');
  if (!url.endsWith('/api/websocket')) url += '/api/websocket';
  return url;
}

export class HomeAssistantPart implements Part<{ bus: Bus }> {
  readonly name = 'ha';
  readonly connection: HaConnection;

  constructor(target: HomeAssistantTarget, log: Logger) {
    this.connection = new HaConnection({ url: target.url, token: target.token, log });
  }

  async start(host: { bus: Bus }): Promise<void> {
    this.connection.onStateChange((change) => host.bus.emit('ha_state', change));
    this.connection.onStatus((s) => host.bus.emit('backend', { name: 'ha', ok: s.connected, detail: s.detail }));
    await this.connection.start();
  }

  stop(): Promise<void> {
    return this.connection.stop();
  }

  health(): ComponentHealth {
    const s = this.connection.status();
    return { ok: s.connected, detail: s.detail };
  }

  metrics(): MetricFamily[] {
    const s = this.connection.status();
    return [
      ['butler_ha_connected', { type: 'gauge', help: '1 when connected to Home Assistant.', samples: [[null, s.connected ? 1 : 0]] }],
      [
        'butler_ha_connects_total',
        { type: 'counter', help: 'Connections to Home Assistant since start (reconnects included).', samples: [[null, s.connects ?? 0]] },
      ],
      ['butler_ha_entities', { type: 'gauge', help: 'Entities in the live mirror.', samples: [[null, this.connection.states().size]] }],
    ];
  }
}
