// Core figures (printed, never asserted):
//  1. events persisted per second through the bus (ingest -> bus -> batched SQLite), target >= 20,000/s;
//  2. butler/in/event -> butler/out/action_result latency p50/p99 at 1,000 events/s over a real broker, target p99 < 5 ms.
// Run: npm run build && node dist/bench/core.js   (uses Mosquitto when installed, else the embedded aedes broker)
// BENCH_DB=:memory: runs the latency part on an in-memory database, to see what disk writes add to the tail.
// BENCH_WRITES=worker writes the batches on a worker thread (as the service does), else on the event loop.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
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
  const audit = new AuditStore(db, { background: process.env.BENCH_WRITES === 'worker' });
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
  console.log(
    `events through ingest -> bus -> SQLite: ${N} in ${secs.toFixed(2)} s = ${Math.round(N / secs).toLocaleString('en')} events/s (stored ${stored}, bus deliveries ${seen}, batches ${audit.stats().flushes})`,
  );
  db.close();
}

async function mqttLatency(): Promise<void> {
  const broker = await startMosquitto();
  const db = openDatabase(process.env.BENCH_DB ?? join(mkdtempSync(join(tmpdir(), 'bench-')), 'b.db'), { backgroundCheckpoints: true });
  const bus = new Bus();
  const audit = new AuditStore(db, { background: process.env.BENCH_WRITES === 'worker' });
  const ingest = new EventIngest(audit, bus);
  const registry = new ActionRegistry();
  registry.register({
    name: 'bench_ack',
    description: 'acknowledge',
    risk: 'safe',
    params: { type: 'object', properties: { seq: { type: 'integer' } } },
    handler: async (p) => ({ seq: p.seq }),
  });
  const modes = new ModeState(new KeyValueStore(db), bus, 'home');
  const door = new ActionDoor(registry, new PolicyEngine(registry, modes), new ConfirmationStore(db), audit, bus, {
    actionTimeoutMs: 1000,
    confirmationTimeoutS: 60,
  });
  const bridge = await MqttBridge.connect(
    // Ack after commit, as the butler runs: each PUBACK waits for the batch holding its event.
    { url: broker.url, log: silentLogger(), clientId: `bench-${randomBytes(3).toString('hex')}`, committed: () => audit.committed() },
    bus,
  );
  bridge.handle(TOPICS.inEvent, (_t, body) => {
    const e = ingest.accept(body, 'mqtt');
    void door.execute({
      actions: [{ action_type: 'bench_ack', params: { seq: e.payload.seq as number } }],
      origin: { source: 'mqtt', trusted: false },
      triggered_by_event_id: e.event_id,
    });
  });
  // The load generator runs in its own process, as a device on the network would: its timers and the butler's
  // work do not share one event loop.
  const lat = await new Promise<number[]>((resolve, reject) => {
    const child = fork(__filename, [], { env: { ...process.env, BENCH_ROLE: 'client', BENCH_BROKER: broker.url } });
    child.once('message', (m) => resolve(m as number[]));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
  });
  const total = RATE * SECONDS;
  const describe = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    return `p50 ${pct(v, 50).toFixed(2)} ms, p99 ${pct(v, 99).toFixed(2)} ms, max ${v[v.length - 1].toFixed(2)} ms`;
  };
  console.log(
    `butler/in/event -> butler/out/action_result at ${RATE}/s for ${SECONDS} s over ${broker.kind} (QoS 1, generator in its own process): received ${lat.length}/${total}`,
  );
  console.log(`  all:                     ${describe(lat)}`);
  console.log(`  after the first second:  ${describe(lat.slice(RATE))}`);
  await bridge.close();
  audit.flush();
  db.close();
  await broker.stop();
}

const RATE = 1000;
// Long enough for SQLite to checkpoint its WAL several times, as it does in steady state.
const SECONDS = 10;

/** The device side: publishes RATE events/s and times each one until its action result comes back. */
async function loadGenerator(url: string): Promise<number[]> {
  const client = await mqtt.connectAsync(url, { clientId: `bench-client-${randomBytes(3).toString('hex')}` });
  (client.stream as unknown as { setNoDelay(on: boolean): void }).setNoDelay(true);
  await client.subscribeAsync(TOPICS.outResult, { qos: 1 });
  const sentAt = new Map<number, bigint>();
  const lat: number[] = [];
  client.on('message', (_t, p) => {
    const r = JSON.parse(p.toString()) as { output: { seq: number } };
    const s = sentAt.get(r.output.seq);
    if (s !== undefined) lat.push(Number(process.hrtime.bigint() - s) / 1e6);
  });
  const total = RATE * SECONDS;
  const start = Date.now();
  for (let seq = 0; seq < total; seq++) {
    const wait = start + (seq * 1000) / RATE - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sentAt.set(seq, process.hrtime.bigint());
    client.publish(TOPICS.inEvent, JSON.stringify({ type: 'bench', payload: { seq } }), { qos: 1 });
  }
  const deadline = Date.now() + 10_000;
  while (lat.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await client.endAsync();
  return lat;
}

async function main(): Promise<void> {
  if (process.env.BENCH_ROLE === 'client') {
    const lat = await loadGenerator(process.env.BENCH_BROKER!);
    await new Promise<void>((resolve) => process.send!(lat, () => resolve()));
    return;
  }
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
