// Mosquitto stopped and started again mid-burst (twice; FAULTS=long: 5), with its own persistence, while the butler
// keeps running: the butler reconnects to its persistent session, and every event the broker accepted is stored, once
// (a message whose acknowledgement the stop cut off comes again and is recorded as a duplicate, not stored twice).
// The broker stops with SIGTERM, which saves its persistence: Mosquitto 2.0 persists by snapshot (here every second),
// so a SIGKILLed broker loses what it accepted since its last save whatever the butler does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnButler } from '../helpers/butler-process';
import { until } from '../helpers/wait';
import { Burst, FaultBroker, killButler, LONG, readDb, storedIds } from './harness';

const RESTARTS = LONG ? 5 : 2;
const RATE = 1000;

test(`Mosquitto restarted mid-burst ${RESTARTS} times: 0 accepted events lost, each stored once`, { timeout: 180_000 }, async (t) => {
  const broker = await FaultBroker.start();
  const butler = await spawnButler({ env: { BUTLER_MQTT_URL: broker.url } });
  let burst: Burst | undefined;
  t.after(async () => {
    await burst?.stop();
    await killButler(butler);
    await broker.stop();
  });
  burst = await Burst.start(broker.url, RATE);
  const started = Date.now();
  const mqttOk = async () =>
    (await butler.api<{ components: Record<string, { ok: boolean }> }>('GET', '/api/health')).body.components.mqtt?.ok === true;
  for (let r = 0; r < RESTARTS; r++) {
    const before = storedIds(butler.dataDir).size;
    await until(
      `restart ${r + 1}: the butler storing the burst (broker: ${broker.log() || 'no errors'})`,
      () => storedIds(butler.dataDir).size > before + 500,
      60_000,
    );
    await broker.kill('SIGTERM');
    assert.ok(broker.persisted(), `the broker wrote its persistence file (${broker.log()})`);
    await until('the butler to notice the broker is gone', async () => !(await mqttOk()), 30_000);
    await broker.run();
    const down = Date.now();
    await until('the butler to reconnect', mqttOk, 30_000);
    console.log(`# broker restart ${r + 1}/${RESTARTS}: the butler reconnected ${Date.now() - down} ms after the broker was back`);
  }
  await burst.stop();
  await until(
    'every accepted event to be stored',
    () => {
      const ids = storedIds(butler.dataDir);
      for (const id of burst.accepted) if (!ids.has(id)) return false;
      return true;
    },
    60_000,
  ).catch(() => undefined);
  const ids = storedIds(butler.dataDir);
  const lost = [...burst.accepted].filter((id) => !ids.has(id));
  const duplicates = readDb(
    butler.dataDir,
    (db) => db.prepare("SELECT count(*) FROM events WHERE type = 'event.duplicate'").pluck().get() as number,
  );
  const integrity = readDb(butler.dataDir, (db) => db.pragma('integrity_check', { simple: true }));
  console.log(
    `# faults/broker-restart: ${RESTARTS} restarts in ${((Date.now() - started) / 1000).toFixed(1)} s, ${burst.count} published at ~${RATE}/s, ` +
      `${burst.accepted.size} accepted by the broker, ${ids.size} stored, ${lost.length} lost, ${duplicates} redeliveries seen and stored once, ` +
      `integrity_check ${integrity}`,
  );
  assert.deepEqual(lost.slice(0, 10), [], `${lost.length} accepted events lost`);
  assert.equal(integrity, 'ok');
});
