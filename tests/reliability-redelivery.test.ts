// Idempotent intake for MQTT messages without an event_id (bus/redelivery.ts): the guard on its own, then the whole
// butler against a minimal MQTT 3.1.1 broker written here, because only a broker we drive can send the same packet
// again with the DUP flag at the moment we choose (as Mosquitto does when a session resumes with an unacknowledged
// message). A redelivered event or command is stored and acted on once, the audit trail shows the duplicate, a real
// repeat (a new packet) is stored again, and all of it holds across a SIGKILL and restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedeliveryGuard } from '../src/bus/redelivery';
import type { ButlerEvent } from '../src/types';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { until } from './helpers/wait';

test('the guard: a DUP packet that last carried this message is a redelivery; anything else is recorded', () => {
  const stored: string[] = [];
  const guard = new RedeliveryGuard((prefix) => stored.filter((id) => id.startsWith(prefix)), 60_000);
  const msg = Buffer.from('{"type":"door.opened"}');
  const first = guard.admit('butler/in/event', msg, 7, false, 1_000);
  assert.ok(first.id?.startsWith('mqtt-'));
  assert.deepEqual(guard.admit('butler/in/event', msg, 7, true, 1_500), { duplicateOf: first.id });
  // The same payload in a new packet happened again.
  const again = guard.admit('butler/in/event', msg, 8, false, 2_000);
  assert.ok(again.id && again.id !== first.id);
  // A first delivery is never a repeat, even reusing an id and payload; another payload under a DUP id is new.
  assert.ok(guard.admit('butler/in/event', msg, 7, false, 3_000).id);
  assert.ok(guard.admit('butler/in/event', Buffer.from('{"type":"other"}'), 7, true, 3_100).id);
  assert.ok(guard.admit('butler/in/command', msg, 8, true, 3_200).id, 'another topic is another message');
  // A batch that failed: its redelivery is recorded afresh.
  const failed = guard.admit('butler/in/event', msg, 20, false, 4_000);
  guard.forget(20, failed.id!);
  assert.ok(guard.admit('butler/in/event', msg, 20, true, 4_100).id);

  // After a restart: the database answers, within the window only.
  stored.push(first.id!);
  const restarted = new RedeliveryGuard((prefix) => stored.filter((id) => id.startsWith(prefix)), 60_000);
  assert.deepEqual(restarted.admit('butler/in/event', msg, 7, true, 30_000), { duplicateOf: first.id });
  assert.ok(restarted.admit('butler/in/event', msg, 7, true, 120_000).id, 'later than the window: recorded again, never lost');
});

/**
 * Just enough of an MQTT 3.1.1 broker: CONNECT, SUBSCRIBE, PUBLISH both ways, PUBACK, PINGREQ. It publishes to the
 * butler's own connection (client id smart-butler-*); other clients (the demo robot shares the broker) are answered
 * and otherwise ignored.
 */
class ScriptedBroker {
  private client: Socket | null = null;
  private subscribed = false;
  private readonly acked = new Map<number, number>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<ScriptedBroker> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const b = new ScriptedBroker(server, (server.address() as { port: number }).port);
    server.on('connection', (sock) => b.accept(sock));
    return b;
  }

  private accept(sock: Socket): void {
    let butler = false;
    let buf = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (this.client !== sock) return;
      this.client = null;
      this.subscribed = false;
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        let len = 0;
        let mul = 1;
        let i = 1;
        for (; i < buf.length; i++) {
          len += (buf[i] & 0x7f) * mul;
          mul *= 128;
          if ((buf[i] & 0x80) === 0) break;
        }
        if (i >= buf.length || buf.length < i + 1 + len) return;
        const type = buf[0] >> 4;
        const body = buf.subarray(i + 1, i + 1 + len);
        const flags = buf[0] & 0x0f;
        buf = buf.subarray(i + 1 + len);
        if (type === 1) {
          // Protocol name, level, flags, keep-alive, then the client id.
          const at = 2 + body.readUInt16BE(0) + 4;
          butler = body
            .subarray(at + 2, at + 2 + body.readUInt16BE(at))
            .toString()
            .startsWith('smart-butler-');
          if (butler) {
            this.client?.destroy();
            this.client = sock;
            this.subscribed = false;
          }
          sock.write(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        } else if (type === 8) {
          let n = 0;
          for (let p = 2; p < body.length; p += 2 + body.readUInt16BE(p) + 1) n++;
          sock.write(Buffer.from([0x90, 2 + n, body[0], body[1], ...Array(n).fill(1)]));
          if (butler) this.subscribed = true;
        } else if (type === 3 && (flags >> 1) & 3) {
          const p = 2 + body.readUInt16BE(0);
          sock.write(Buffer.from([0x40, 0x02, body[p], body[p + 1]]));
        } else if (type === 4 && butler) {
          const id = body.readUInt16BE(0);
          this.acked.set(id, (this.acked.get(id) ?? 0) + 1);
        } else if (type === 12) sock.write(Buffer.from([0xd0, 0x00]));
      }
    });
  }

  get ready(): boolean {
    return this.subscribed;
  }

  /** Sends a QoS 1 PUBLISH and waits for its PUBACK. */
  async publish(id: number, topic: string, payload: string, dup: boolean): Promise<void> {
    const before = this.acked.get(id) ?? 0;
    const t = Buffer.from(topic);
    const body = Buffer.concat([Buffer.from([t.length >> 8, t.length & 0xff]), t, Buffer.from([id >> 8, id & 0xff]), Buffer.from(payload)]);
    const len: number[] = [];
    let x = body.length;
    do {
      let byte = x % 128;
      x = Math.floor(x / 128);
      if (x > 0) byte |= 0x80;
      len.push(byte);
    } while (x > 0);
    this.client!.write(Buffer.concat([Buffer.from([0x32 | (dup ? 0x08 : 0), ...len]), body]));
    await until(`PUBACK for packet ${id}`, () => (this.acked.get(id) ?? 0) > before, 15_000);
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

test('the butler stores and acts on a redelivered MQTT event or command once, across a restart too', { timeout: 120_000 }, async (t) => {
  const broker = await ScriptedBroker.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'butler-redelivery-'));
  const env = { BUTLER_MQTT_URL: `mqtt://127.0.0.1:${broker.port}` };
  let butler: ButlerProcess = await spawnButler({ dataDir, env });
  t.after(async () => {
    butler.kill();
    await broker.stop();
  });
  await until('the butler to subscribe', () => broker.ready);
  const events = async (type: string) =>
    (await butler.api<{ events: ButlerEvent[] }>('GET', `/api/events?type=${type}&limit=100`)).body.events;
  const event = '{"type":"porch.doorbell","payload":{"pressed":true}}';
  const command = JSON.stringify({ command_type: 'text', payload: { text: 'turn on the kitchen lights' } });

  await broker.publish(7, 'butler/in/event', event, false);
  await broker.publish(7, 'butler/in/event', event, true);
  await broker.publish(9, 'butler/in/event', event, false);
  await broker.publish(8, 'butler/in/command', command, false);
  await broker.publish(8, 'butler/in/command', command, true);
  // Garbage with DUP set is refused like any garbage, and the butler goes on.
  await broker.publish(10, 'butler/in/event', '{not json', true);

  const bells = await until('both doorbells stored', async () =>
    (await events('porch.doorbell')).length === 2 ? events('porch.doorbell') : null,
  );
  // (The demo's chat says a sentence of its own at start: only the MQTT turns count.)
  const mqttTurns = async () => (await events('command.text')).filter((e) => e.source === 'mqtt');
  const turns = await mqttTurns();
  assert.equal(turns.length, 1, 'the redelivered command ran once');
  const plans = (await butler.api<{ plans: unknown[] }>('GET', `/api/plans?event_id=${turns[0].event_id}`)).body.plans;
  assert.equal(plans.length, 1, 'one plan for the command');
  const dups = await until('the duplicates in the audit trail', async () =>
    (await events('event.duplicate')).length === 2 ? events('event.duplicate') : null,
  );
  const seen = new Set(dups.map((d) => d.payload.event_id));
  assert.ok(seen.has(turns[0].event_id), 'the command duplicate names the command event');
  assert.ok(
    bells.some((b) => seen.has(b.event_id)),
    'the event duplicate names the first doorbell',
  );
  assert.equal((await butler.api('GET', '/api/health')).status, 200, 'the butler goes on after garbage');

  // SIGKILL, restart: the same packets again with DUP are recognised from the database.
  butler.kill();
  await butler.exited(10_000);
  butler = await spawnButler({ dataDir, env });
  await until('the restarted butler to subscribe', () => broker.ready);
  await broker.publish(7, 'butler/in/event', event, true);
  await broker.publish(8, 'butler/in/command', command, true);
  await until('the duplicates after the restart', async () => (await events('event.duplicate')).length === 4);
  assert.equal((await events('porch.doorbell')).length, 2, 'no third doorbell');
  assert.equal((await mqttTurns()).length, 1, 'the command did not run again');
  console.log('# redelivery: a DUP event and a DUP command recorded as duplicates, before and after a SIGKILL; a real repeat stored');
});
