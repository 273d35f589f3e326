// Ack after commit and idempotent intake, piece by piece: the audit trail's committed promise, the MQTT bridge holding
// PUBACK until the commit (against a real Mosquitto), a failed write never acknowledged (the broker delivers again),
// and a redelivered event stored and announced once with the duplicate visible in the trail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Bus } from '../src/bus/bus';
import { EventIngest } from '../src/bus/ingest';
import { MqttBridge, TOPICS } from '../src/bus/mqtt';
import { silentLogger } from '../src/log';
import { AuditStore } from '../src/store/audit';
import { openDatabase } from '../src/store/db';
import type { ButlerEvent } from '../src/types';
import { startMosquitto } from './helpers/mosquitto';
import { until } from './helpers/wait';

function ev(id: string): ButlerEvent {
  return { event_id: id, ts: 1000, source: 'test', type: 't', payload: {}, severity: 0, correlation_id: null };
}

function tempDb() {
  return openDatabase(join(mkdtempSync(join(tmpdir(), 'butler-ack-')), 'butler.db'));
}

test('committed() resolves only once the batch holding the write is committed, and rejects when it cannot be written', async () => {
  const db = tempDb();
  const audit = new AuditStore(db, { flushIntervalMs: 60_000 });
  await audit.committed(); // nothing queued: nothing to wait for
  audit.recordEvent(ev('a'));
  let done = false;
  const p = audit.committed().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'not before the batch is written');
  assert.equal(audit.stats().pending, 1);
  audit.flush();
  await p;
  assert.equal(audit.count('events'), 1);

  // A write that fails (a read-only database) is told to whoever waits, counted, and shown in health.
  db.sqlite.pragma('query_only = ON');
  audit.recordEvent(ev('b'));
  const failed = audit.committed();
  assert.throws(() => audit.flush(), /readonly|read-only|query_only/i);
  await assert.rejects(failed, /readonly|read-only|query_only/i);
  assert.ok(audit.writeError, 'the failure is kept for health');
  assert.equal(audit.stats().failedBatches, 1);
  db.sqlite.pragma('query_only = OFF');
  audit.recordEvent(ev('c'));
  const ok = audit.committed();
  audit.flush();
  await ok;
  assert.equal(audit.writeError, null, 'a later write clears it');
  db.close();
});

test('a redelivered event (same event_id) is stored and announced once; the duplicate is in the audit trail', () => {
  const db = tempDb();
  const audit = new AuditStore(db);
  const bus = new Bus();
  const ingest = new EventIngest(audit, bus);
  const seen: string[] = [];
  bus.on('event', (e) => seen.push(e.type));
  const first = ingest.intake({ type: 'door.opened', event_id: 'evt-1' }, 'mqtt');
  const again = ingest.intake({ type: 'door.opened', event_id: 'evt-1' }, 'mqtt'); // still queued
  audit.flush();
  const later = ingest.intake({ type: 'door.opened', event_id: 'evt-1' }, 'api'); // stored
  assert.equal(first.duplicate, false);
  assert.equal(again.duplicate, true);
  assert.equal(later.duplicate, true);
  assert.deepEqual(seen, ['door.opened', 'event.duplicate', 'event.duplicate'], 'announced once, each duplicate noted');
  assert.equal(audit.listEvents({ type: 'door.opened' }).length, 1);
  const dups = audit.listEvents({ type: 'event.duplicate' });
  assert.equal(dups.length, 2);
  assert.equal(dups[0].payload.event_id, 'evt-1');
  // Events without an id of their own are never merged.
  ingest.accept({ type: 'button' }, 'mqtt');
  ingest.accept({ type: 'button' }, 'mqtt');
  assert.equal(audit.listEvents({ type: 'button' }).length, 2);
  db.close();
});

test('MQTT: PUBACK waits for the commit; a batch that fails is never acknowledged and the broker delivers it again', async (t) => {
  const broker = await startMosquitto();
  const bus = new Bus();
  let release!: () => void;
  let fail!: (err: Error) => void;
  const gate = () =>
    new Promise<void>((res, rej) => {
      release = res;
      fail = rej;
    });
  let commit = gate();
  const clientId = `ack-test-${process.pid}`;
  let bridge = await MqttBridge.connect({ url: broker.url, clientId, log: silentLogger(), committed: () => commit }, bus);
  const got: unknown[] = [];
  bridge.handle(TOPICS.inEvent, (_topic, body) => void got.push(body));
  // The PUBACK that matters is the butler's to the broker (the broker acknowledges the publisher on its own).
  const pubacks: number[] = [];
  const watch = (b: MqttBridge) => b.client.on('packetsend', (p) => p.cmd === 'puback' && pubacks.push(p.messageId ?? -1));
  watch(bridge);
  const pub = await mqtt.connectAsync(broker.url, { clientId: `ack-pub-${process.pid}` });
  t.after(async () => {
    await pub.endAsync();
    await bridge.close();
    await broker.stop();
  });

  await pub.publishAsync(TOPICS.inEvent, JSON.stringify({ type: 'alarm', event_id: 'm1' }), { qos: 1 });
  await until('the bridge to read the message', () => got.length === 1);
  // Proof the broker and the pump have moved on: a QoS 0 message sent after it is read.
  await pub.publishAsync(TOPICS.inEvent, JSON.stringify({ type: 'after', event_id: 'q0' }), { qos: 0 });
  await until('the QoS 0 message behind it', () => got.length === 2);
  assert.deepEqual(pubacks, [], 'no PUBACK before the commit');
  release();
  await until('the PUBACK after the commit', () => pubacks.length === 1);
  assert.equal(bridge.stats().acks.sent, 1);

  // A failed write: no ack; a new connection of the same session gets the message again.
  commit = gate();
  await pub.publishAsync(TOPICS.inEvent, JSON.stringify({ type: 'alarm', event_id: 'm2' }), { qos: 1 });
  await until('the second message', () => got.length === 3);
  fail(new Error('disk full'));
  await until('the ack to be withheld', () => bridge.stats().acks.withheld === 1);
  assert.equal(pubacks.length, 1, 'nothing acknowledged that was not written');
  await bridge.close().catch(() => undefined);
  commit = Promise.resolve();
  bridge = await MqttBridge.connect({ url: broker.url, clientId, log: silentLogger(), committed: () => commit }, bus);
  watch(bridge);
  bridge.handle(TOPICS.inEvent, (_topic, body) => void got.push(body));
  await until('the broker to deliver the unacknowledged message again', () => got.length === 4);
  assert.deepEqual((got[3] as { event_id: string }).event_id, 'm2');
  await until('the redelivery to be acknowledged once written', () => pubacks.length === 2);
});
