// The MQTT bridge: butler/in/* in (validated; garbage is answered on butler/out/error and counted), the audit
// trail out on butler/out/*, and butler/status online/offline (retained, with the offline as last will).
// QoS 1 with a persistent session, so commands published while the butler reconnects are not lost.
// Ack after commit: a QoS 1 input on butler/in/* is acknowledged (PUBACK) only once what it recorded is in a
// committed transaction. The pump reading packets moves on at once (batching stays: a thousand messages share one
// batch and their acks leave together when it commits); only the acknowledgement itself waits. A batch that cannot
// be written is never acknowledged: the connection is renewed so the broker delivers those messages again.
// A message without an event_id sent again by the broker (DUP) is recognised by its packet id (./redelivery.ts).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { createHash } from 'node:crypto';
import { redactUrl } from '../config/load';
import { InvalidError } from '../errors';
import type { Logger } from '../log';
import type { Bus } from './bus';
import { RedeliveryGuard } from './redelivery';
import { nowSeconds, type InputError } from '../types';

export const TOPICS = {
  inEvent: 'butler/in/event',
  inCommand: 'butler/in/command',
  outEvent: 'butler/out/event',
  outPlan: 'butler/out/action_plan',
  outResult: 'butler/out/action_result',
  outError: 'butler/out/error',
  outReply: 'butler/out/reply',
  status: 'butler/status',
} as const;

/** Largest payload the butler reads from butler/in/*. */
export const MAX_INPUT_BYTES = 256 * 1024;
/** Inputs kept while their handler is not registered yet (start-up). */
const MAX_EARLY_MESSAGES = 10_000;

export interface MqttBridgeOptions {
  url: string;
  username?: string;
  password?: string;
  /** Stable per installation so the broker keeps the session (and queued QoS 1 messages) across restarts. */
  clientId?: string;
  log: Logger;
  /** Resolves once everything recorded so far is committed (the audit trail); acks wait for it. */
  committed?: () => Promise<void>;
  /** Ids of stored events starting with a prefix: a redelivery after a restart is recognised by them. */
  storedEventIds?: (prefix: string) => string[];
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: () => void, ...rest: unknown[]) => void;

/**
 * For a QoS 1/2 input without an event_id of its own: `id` is the event id to record it under, or `duplicateOf` says
 * it is a redelivery of what was recorded under that id (record that it was seen, act on nothing).
 */
export interface InputDelivery {
  id?: string;
  duplicateOf?: string;
}

/** What to do with a parsed input; throwing an InputRejected answers on butler/out/error. */
export type InputHandler = (topic: string, body: unknown, delivery: InputDelivery) => void | Promise<void>;

/** How a packet arrived: its id and DUP flag (QoS 1/2 only). */
interface Packet {
  id: number;
  dup: boolean;
}

export class InputRejected extends InvalidError {}

export class MqttBridge {
  readonly client: MqttClient;
  private readonly counters = { received: 0, rejected: 0, published: 0 };
  private handlers = new Map<string, InputHandler>();
  /** Input that arrived while the butler was still starting the part that handles it. */
  private early: { topic: string; payload: Buffer; packet: Packet | null; done: (id: string | undefined) => void }[] = [];
  private connectedOnce = false;
  /** Acks held back until what their message recorded is committed, by packet id. */
  private readonly held = new Map<number, Promise<void>>();
  private readonly ackCounters = { held: 0, sent: 0, withheld: 0 };
  private renewTimer: NodeJS.Timeout | null = null;
  private mirror: [string, unknown][] = [];
  private mirrorTimer: NodeJS.Immediate | null = null;
  private committed: () => Promise<void> = () => Promise.resolve();
  private guard: RedeliveryGuard | null = null;

  private constructor(
    client: MqttClient,
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {
    this.client = client;
  }

  static async connect(opts: MqttBridgeOptions, bus: Bus, timeoutMs = 10_000): Promise<MqttBridge> {
    const clientId = opts.clientId ?? `smart-butler-${createHash('sha1').update(opts.url).digest('hex').slice(0, 8)}`;
    const options: IClientOptions = {
      clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1000,
      connectTimeout: timeoutMs,
      username: opts.username,
      password: opts.password,
      will: { topic: TOPICS.status, payload: Buffer.from('offline'), qos: 1, retain: true },
      // Otherwise mqtt-packet fills a cache of 65,536 two-byte buffers (one per packet id) on its first write: about
      // 6 MB of heap, a twenty-fifth of the butler's idle memory, to save a 2-byte allocation per packet.
      writeCache: false,
    };
    const client = mqtt.connect(opts.url, options);
    const bridge = new MqttBridge(client, bus, opts.log);
    if (opts.committed) bridge.committed = opts.committed;
    if (opts.storedEventIds) bridge.guard = new RedeliveryGuard(opts.storedEventIds);
    bridge.holdAcks();
    bridge.wire();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.end(true);
        reject(
          new Error(
            `could not connect to the MQTT broker at ${redactUrl(opts.url)} within ${timeoutMs} ms: check BUTLER_MQTT_URL and credentials`,
          ),
        );
      }, timeoutMs);
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      client.on('error', (err) => {
        // Bad credentials do not get better by retrying.
        if (
          (err as { code?: number }).code === 4 ||
          (err as { code?: number }).code === 5 ||
          /Not authorized|Bad username/i.test(err.message)
        ) {
          clearTimeout(timer);
          client.end(true);
          reject(
            new Error(
              `the MQTT broker at ${redactUrl(opts.url)} refused the butler: ${err.message} (check mqtt_username / BUTLER_MQTT_PASSWORD)`,
            ),
          );
        }
      });
    });
    return bridge;
  }

  get connected(): boolean {
    return this.client.connected;
  }

  stats(): {
    received: number;
    rejected: number;
    published: number;
    connected: boolean;
    acks: { held: number; sent: number; withheld: number };
  } {
    return { ...this.counters, connected: this.client.connected, acks: { ...this.ackCounters } };
  }

  /**
   * An input. mqtt.js emits it before it acknowledges (MQTT 3.1.1 has no customHandleAcks): a QoS 1/2 one has its
   * ack held until what it recorded commits.
   */
  private receive(topic: string, payload: Buffer, qos: number, messageId: number | undefined, dup: boolean): void {
    const packet = qos === 0 || messageId === undefined ? null : { id: messageId, dup };
    const handled = this.onMessage(topic, payload, packet);
    if (!packet) return;
    this.ackCounters.held++;
    this.held.set(
      packet.id,
      handled.then(async (id) => {
        try {
          await this.committed();
        } catch (err) {
          // Not written: its redelivery must be recorded, not taken for a repeat.
          if (id) this.guard?.forget(packet.id, id);
          throw err;
        }
      }),
    );
  }

  /**
   * Holds back the PUBACK (QoS 1) or PUBCOMP (QoS 2) mqtt.js sends for an input until its commit: the pump is told at
   * once that the packet is done (so the next one is read), the ack goes out when the commit resolves, on the same
   * connection only.
   */
  private holdAcks(): void {
    const client = this.client as unknown as { _sendPacket: SendPacket; stream: unknown };
    const send: SendPacket = client._sendPacket.bind(client);
    client._sendPacket = (packet, cb, ...rest) => {
      const id = packet.messageId;
      const wait = (packet.cmd === 'puback' || packet.cmd === 'pubcomp') && id !== undefined ? this.held.get(id) : undefined;
      if (!wait) return send(packet, cb, ...rest);
      this.held.delete(id!);
      const stream = client.stream;
      cb?.();
      wait.then(
        () => {
          // A new connection means the broker delivers the message again (with its ack still owed): this one is stale.
          if (client.stream !== stream || !this.client.connected) return;
          this.ackCounters.sent++;
          send(packet);
        },
        (err: Error) => {
          this.ackCounters.withheld++;
          this.log.error({ err: err.message, topic: 'butler/in/*' }, 'not acknowledged: what it recorded could not be written');
          this.renewConnection();
        },
      );
    };
  }

  /** After a failed write: reconnect (once in a while) so the broker delivers the unacknowledged messages again. */
  private renewConnection(): void {
    if (this.renewTimer) return;
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      (this.client.stream as { destroy?: () => void } | undefined)?.destroy?.();
    }, 5_000);
    this.renewTimer.unref();
  }

  /** Registers the handler for an input topic (butler/in/event, butler/in/command). */
  handle(topic: string, handler: InputHandler): void {
    this.handlers.set(topic, handler);
    // What arrived before anyone handled the topic (a persistent session delivers queued messages at once) is read now.
    const early = this.early.filter((m) => m.topic === topic);
    this.early = this.early.filter((m) => m.topic !== topic);
    for (const m of early) void this.onMessage(m.topic, m.payload, m.packet).then(m.done);
  }

  private wire(): void {
    this.client.on('connect', (ack) => {
      // Small QoS 1 packets and Nagle's algorithm add tens of milliseconds per round trip; the butler wants them sent now.
      (this.client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
      this.client.publish(TOPICS.status, 'online', { qos: 1, retain: true });
      // With a persistent session the broker remembers subscriptions; subscribing again is harmless and covers a lost session.
      if (!ack.sessionPresent || !this.connectedOnce) this.client.subscribe([TOPICS.inEvent, TOPICS.inCommand], { qos: 1 });
      this.connectedOnce = true;
      this.bus.emit('backend', { name: 'mqtt', ok: true, detail: 'connected' });
    });
    this.client.on('close', () => this.bus.emit('backend', { name: 'mqtt', ok: false, detail: 'disconnected, reconnecting' }));
    this.client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    this.client.on('message', (topic, payload, packet) => {
      if (topic === TOPICS.inEvent || topic === TOPICS.inCommand) this.receive(topic, payload, packet.qos, packet.messageId, packet.dup);
    });

    this.bus.on('event', (e) => this.mirrorLater(TOPICS.outEvent, e), 'mqtt');
    this.bus.on('plan', (p) => this.mirrorLater(TOPICS.outPlan, p), 'mqtt');
    this.bus.on('result', (r) => this.mirrorLater(TOPICS.outResult, r), 'mqtt');
    this.bus.on('input_error', (e) => this.publishJson(TOPICS.outError, e), 'mqtt');
  }

  /**
   * Events, plans and results are mirrored a moment later, together (one write to the socket), so that serialising and
   * sending them is not on the path of what the work that made them sends next: an event's flow calling Home
   * Assistant, a plan's first action. In order, never dropped: close() publishes what is still waiting.
   */
  private mirrorLater(topic: string, value: unknown): void {
    this.mirror.push([topic, value]);
    // setImmediate, not a timer (a timer waits a millisecond at least), and twice: work queued behind the first one in
    // this turn — Node-RED hands a message to the next node of a flow with setImmediate — runs before the mirror is
    // serialised and written, so a flow's call to Home Assistant does not wait for it.
    this.mirrorTimer ??= setImmediate(() => {
      this.mirrorTimer = setImmediate(() => this.publishMirror());
    });
  }

  private publishMirror(): void {
    if (this.mirrorTimer) clearImmediate(this.mirrorTimer);
    this.mirrorTimer = null;
    const batch = this.mirror;
    if (batch.length === 0) return;
    this.mirror = [];
    const stream = this.client.connected ? (this.client.stream as { cork?: () => void; uncork?: () => void }) : undefined;
    stream?.cork?.();
    try {
      for (const [topic, value] of batch) this.publishJson(topic, value);
    } finally {
      stream?.uncork?.();
    }
  }

  publishJson(topic: string, value: unknown, opts: { retain?: boolean; qos?: 0 | 1 } = {}): void {
    this.counters.published++;
    this.client.publish(topic, JSON.stringify(value), { qos: opts.qos ?? 1, retain: opts.retain ?? false });
  }

  /**
   * Resolves once the input has been handled (or answered on butler/out/error), with the event id it was recorded
   * under when the redelivery guard chose one.
   */
  private async onMessage(topic: string, payload: Buffer, packet: Packet | null): Promise<string | undefined> {
    const handler = this.handlers.get(topic);
    if (!handler) {
      if ((topic === TOPICS.inEvent || topic === TOPICS.inCommand) && this.early.length < MAX_EARLY_MESSAGES)
        return new Promise<string | undefined>((done) => this.early.push({ topic, payload, packet, done }));
      // Beyond the start-up buffer: never acknowledged, so the broker delivers it again later.
      if (topic === TOPICS.inEvent || topic === TOPICS.inCommand) return new Promise<undefined>(() => undefined);
      return;
    }
    let delivery: InputDelivery = {};
    this.counters.received++;
    try {
      if (payload.length > MAX_INPUT_BYTES)
        throw new InputRejected(`payload of ${payload.length} bytes is larger than the ${MAX_INPUT_BYTES} bytes accepted`);
      if (payload.length === 0) throw new InputRejected('empty payload: expected a JSON object');
      let body: unknown;
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch (err) {
        throw new InputRejected(`payload is not valid JSON: ${(err as Error).message}`);
      }
      // An event with its own id is deduplicated by that id (bus/ingest.ts); anything else by its packet.
      const ownId = typeof (body as { event_id?: unknown } | null)?.event_id === 'string';
      if (packet && this.guard && !ownId) delivery = this.guard.admit(topic, payload, packet.id, packet.dup);
      await handler(topic, body, delivery);
    } catch (err) {
      this.counters.rejected++;
      const rejection: InputError = {
        source: 'mqtt',
        topic,
        reason: err instanceof Error ? err.message : String(err),
        excerpt: payload
          .subarray(0, 200)
          .toString('utf8')
          .replace(/[^\x20-\x7e]/g, '?'),
        ts: nowSeconds(),
      };
      if (!(err instanceof InputRejected)) this.log.error({ err, topic }, 'handling an MQTT input failed');
      this.bus.emit('input_error', rejection);
    }
    return delivery.id;
  }

  async close(): Promise<void> {
    this.bus.removeOwner('mqtt');
    this.publishMirror();
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.client.connected) {
      await new Promise<void>((resolve) => this.client.publish(TOPICS.status, 'offline', { qos: 1, retain: true }, () => resolve()));
    }
    await this.client.endAsync();
  }
}
