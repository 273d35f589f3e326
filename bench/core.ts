// Core figures (printed, never asserted):
//  1. events persisted per second through the bus (ingest -> bus -> batched SQLite), target >= 20,000/s;
//  2. butler/in/event -> butler/out/action_result latency p50/p99 at 1,000 events/s over a real broker, target p99 < 5 ms.
// Run: npm run build && node dist/bench/core.js   (uses Mosquitto when installed, else the embedded aedes broker)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { Bus } from '../src/bus/bus';
import { EventIngest } from '../src/bus/ingest';
import { MqttBridge, TOPICS } from '../src/bus/mqtt';
import { openDatabase } from '../src/store/db';
import { AuditStore } from '../src/store/audit';
import { ActionRegistry } from '../src/actions/registry';
import { ActionDoor } from '../src/actions/door';
import { PolicyEngine } from '../src/actions/policy';
import { ModeState } from '../src/actions/modes';
import { ConfirmationStore } from '../src/actions/confirmations';
import { KeyValueStore } from '../src/store/kv';
import { silentLogger } from '../src/log';
import { startMosquitto } from '../tests/helpers/mosquitto';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function eventsPerSecond(): Promise<void> {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bench-')), 'b.db'));
  const bus = new Bus();
  const audit = new AuditStore(db);
  const ingest = new EventIngest(audit, bus);
  let seen = 0;
  bus.on('event', () => seen++);
  const N = 200_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    ingest.accept({ type: 'motion', source: 'bench', payload: { zone: 'hall', i }, severity: 0 }, 'bench');
    if (i % 5000 === 0) await new Promise((r) => setImmediate(r));
  }
  audit.flush();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const stored = audit.count('events');
  console.log(`events through ingest -> bus -> SQLite: ${N} in ${secs.toFixed(2)} s = ${Math.round(N / secs).toLocaleString('en')} events/s (stored ${stored}, bus deliveries ${seen}, batches ${audit.stats().flushes})`);
  db.close();
}

async function mqttLatency(): Promise<void> {
  const broker = await startMosquitto();
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'bench-')), 'b.db'));
  const bus = new Bus();
  const audit = new AuditStore(db);
  const ingest = new EventIngest(audit, bus);
  const registry = new ActionRegistry();
  registry.register({ name: 'bench_ack', description: 'acknowledge', risk: 'safe', params: { type: 'object', properties: { seq: { type: 'integer' } } }, handler: async (p) => ({ seq: p.seq }) });
  const modes = new ModeState(new KeyValueStore(db), bus, 'home');
  const door = new ActionDoor(registry, new PolicyEngine(registry, modes), new ConfirmationStore(db), audit, bus, { actionTimeoutMs: 1000, confirmationTimeoutS: 60 });
  const bridge = await MqttBridge.connect({ url: broker.url, log: silentLogger(), clientId: `bench-${randomBytes(3).toString('hex')}` }, bus);
  bridge.handle(TOPICS.inEvent, (_t, body) => {
    const e = ingest.accept(body, 'mqtt');
    void door.execute({ actions: [{ action_type: 'bench_ack', params: { seq: e.payload.seq as number } }], origin: { source: 'mqtt', trusted: false }, triggered_by_event_id: e.event_id });
  });
  const client = await mqtt.connectAsync(broker.url, { clientId: `bench-client-${randomBytes(3).toString('hex')}` });
  (client.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
  await client.subscribeAsync(TOPICS.outResult, { qos: 1 });
  const sentAt = new Map<number, bigint>();
  const lat: number[] = [];
  client.on('message', (_t, p) => {
    const r = JSON.parse(p.toString()) as { output: { seq: number } };
    const s = sentAt.get(r.output.seq);
    if (s !== undefined) lat.push(Number(process.hrtime.bigint() - s) / 1e6);
  });
  const RATE = 1000;
  const SECONDS = 5;
  const total = RATE * SECONDS;
  const start = Date.now();
  for (let seq = 0; seq < total; seq++) {
    const due = start + (seq * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(seq, process.hrtime.bigint());
    client.publish(TOPICS.inEvent, JSON.stringify({ type: 'bench', payload: { seq } }), { qos: 1 });
  }
  const deadline = Date.now() + 10_000;
  while (lat.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  lat.sort((a, b) => a - b);
  console.log(`butler/in/event -> butler/out/action_result at ${RATE}/s for ${SECONDS} s over ${broker.kind} (QoS 1): received ${lat.length}/${total}, p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`);
  await client.endAsync();
  await bridge.close();
  audit.flush();
  db.close();
  await broker.stop();
}

async function main(): Promise<void> {
  await eventsPerSecond();
  await mqttLatency();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
