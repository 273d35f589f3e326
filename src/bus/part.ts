// The MQTT part (health component "mqtt", essential): the configured broker, else the one the Supervisor offers, else
// an embedded broker; connected before anything that subscribes.
import { redactUrl } from '../config/load';
import type { Logger } from '../log';
import type { ComponentHealth, MetricFamily, Part } from '../parts/part';
import { StartupError } from '../parts/part';
import type { Bus } from './bus';
import { BrokerPortError, type EmbeddedBroker, startEmbeddedBroker } from './broker';
import { MqttBridge } from './mqtt';

export interface BrokerAddress {
  url: string;
  username?: string;
  password?: string;
}

export interface MqttPartOptions {
  /** A broker someone configured; else `offered()` is asked, else the embedded broker starts. */
  configured: BrokerAddress | null;
  offered: () => Promise<BrokerAddress | null>;
  embeddedPort: number;
  /** The embedded broker's port was chosen by a person (a taken port is then theirs to fix). */
  embeddedPortExplicit: boolean;
  log: Logger;
  /** Things the person starting the butler should know (the start-up banner prints them). */
  notice: (text: string) => void;
}

/** mqtt://user:secret@host → mqtt://***@host (one rule for every URL the butler logs or returns). */
export { redactUrl };

export interface MqttHost {
  bus: Bus;
  /** Resolves once everything recorded so far is committed: inputs are acknowledged only then. */
  committed?: () => Promise<void>;
  /** Ids of stored events starting with a prefix (redeliveries without an event_id are recognised by them). */
  storedEventIds?: (prefix: string) => string[];
}

export class MqttPart implements Part<MqttHost> {
  readonly name = 'mqtt';
  readonly essential = true;
  private broker: EmbeddedBroker | null = null;
  private current: MqttBridge | null = null;
  url = '';
  /** The broker as the butler reached it (its credentials included), for simulators that share it. */
  address: BrokerAddress = { url: '' };

  constructor(private readonly opts: MqttPartOptions) {}

  get bridge(): MqttBridge {
    if (!this.current) throw new Error('MQTT is not connected yet');
    return this.current;
  }

  async start(host: MqttHost): Promise<void> {
    const o = this.opts;
    const address = o.configured ?? (await o.offered()) ?? (await this.startEmbedded());
    this.url = address.url;
    this.address = address;
    this.current = await MqttBridge.connect(
      { ...address, log: o.log, committed: host.committed, storedEventIds: host.storedEventIds },
      host.bus,
    );
  }

  private async startEmbedded(): Promise<BrokerAddress> {
    const o = this.opts;
    try {
      this.broker = await startEmbeddedBroker(o.embeddedPort, '127.0.0.1');
    } catch (err) {
      // A port someone chose is theirs to fix; the default one being taken (a broker already running) is not a
      // reason to refuse the quick start.
      if (!(err instanceof BrokerPortError)) throw err;
      if (o.embeddedPortExplicit) throw new StartupError(err.message);
      this.broker = await startEmbeddedBroker(0, '127.0.0.1');
      const note = `port ${o.embeddedPort} is taken (another MQTT broker?): the embedded broker uses ${this.broker.port}; set BUTLER_MQTT_URL to use the other one`;
      o.notice(note);
      o.log.warn({ port: this.broker.port }, note);
    }
    o.log.info({ url: this.broker.url }, 'no MQTT broker configured: started the embedded broker');
    return { url: this.broker.url };
  }

  async stop(): Promise<void> {
    await this.current?.close();
    await this.broker?.close();
  }

  health(): ComponentHealth {
    const connected = Boolean(this.current?.connected);
    return { ok: connected, detail: connected ? `connected to ${redactUrl(this.url)}` : 'disconnected' };
  }

  metrics(): MetricFamily[] {
    if (!this.current) return [];
    const m = this.current.stats();
    return [
      [
        'butler_mqtt_messages_received_total',
        { type: 'counter', help: 'Messages received on butler/in/*.', samples: [[null, m.received]] },
      ],
      [
        'butler_mqtt_messages_rejected_total',
        { type: 'counter', help: 'Malformed or invalid butler/in/* messages rejected.', samples: [[null, m.rejected]] },
      ],
      ['butler_mqtt_connected', { type: 'gauge', help: '1 when connected to the broker.', samples: [[null, m.connected ? 1 : 0]] }],
    ];
  }
}
