// The butler SIGKILLed mid-burst, again and again (3 times; FAULTS=long: 20), against the same Mosquitto session, data
// dir and Home Assistant (the demo home, in this process so it outlives the butler and counts every service call):
// every event the broker accepted is in the database afterwards, stored once, PRAGMA integrity_check is ok, and no
// action ran twice (each act's rule calls Home Assistant at most once; no action has two results). Prints its figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoHome } from '../../src/demo/home/server';
import { spawnButler, type ButlerProcess } from '../helpers/butler-process';
import { until } from '../helpers/wait';
import { actCalls, addActRules, Burst, FaultBroker, killButler, LONG, readDb, storedIds } from './harness';

const KILLS = LONG ? 20 : 3;
const RATE = 1000;
/** One act every 100 messages, each with its own rule. */
const ACTS = LONG ? 250 : 60;

test(`SIGKILL mid-burst ${KILLS} times: every accepted event survives, once; no action runs twice; the database is intact`, {
  timeout: LONG ? 900_000 : 240_000,
}, async (t) => {
  const broker = await FaultBroker.start();
  const token = randomBytes(12).toString('hex');
  const home = await startDemoHome({ port: 0, token });
  const dataDir = mkdtempSync(join(tmpdir(), 'butler-fault-kill-'));
  const env = { BUTLER_MQTT_URL: broker.url, BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token };
  let butler: ButlerProcess = await spawnButler({ dataDir, env });
  let burst: Burst | undefined;
  t.after(async () => {
    await burst?.stop();
    await killButler(butler);
    await home.stop();
    await broker.stop();
  });
  await addActRules(butler, ACTS);
  burst = await Burst.start(broker.url, RATE, { acts: { every: 100, count: ACTS } });

  const started = Date.now();
  for (let k = 0; k < KILLS; k++) {
    // Let some of the burst reach the butler (proof: stored rows grow), then kill it at an arbitrary moment.
    const before = storedIds(dataDir).size;
    await until(
      `kill ${k + 1}: the butler storing the burst (broker: ${broker.log() || 'no errors'})`,
      () => storedIds(dataDir).size > before + 200 + Math.floor(Math.random() * 800),
      60_000,
    );
    await killButler(butler);
    butler = await spawnButler({ dataDir, env, timeoutMs: 60_000 });
    console.log(`# kill ${k + 1}/${KILLS} done after ${((Date.now() - started) / 1000).toFixed(1)} s: ${storedIds(dataDir).size} stored`);
  }
  await burst.stop();
  const accepted = burst.accepted;
  await until(
    'every accepted event to be stored after the last restart',
    () => {
      const ids = storedIds(dataDir);
      for (const id of accepted) if (!ids.has(id)) return false;
      return storedIds(dataDir, 'fault.act').size >= burst.acceptedActs.size;
    },
    60_000,
  ).catch(() => undefined);
  await butler.stop();

  const ids = storedIds(dataDir);
  const lost = [...accepted].filter((id) => !ids.has(id));
  const actsStored = storedIds(dataDir, 'fault.act');
  const lostActs = [...burst.acceptedActs].filter((k) => !actsStored.has(`a-${k}`));
  const calls = actCalls(home);
  const twice = [...calls].filter(([, n]) => n > 1).map(([k]) => k);
  const integrity = readDb(dataDir, (db) => db.pragma('integrity_check', { simple: true }));
  const stats = readDb(dataDir, (db) => ({
    duplicates: db.prepare("SELECT count(*) FROM events WHERE type = 'event.duplicate'").pluck().get() as number,
    doubleResults: db
      .prepare('SELECT count(*) FROM (SELECT plan_id, idx FROM results GROUP BY plan_id, idx HAVING count(*) > 1)')
      .pluck()
      .get() as number,
    interrupted: db.prepare("SELECT count(*) FROM results WHERE status = 'interrupted'").pluck().get() as number,
  }));
  console.log(
    `# faults/sigkill: ${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s, ${burst.count} published at ~${RATE}/s, ` +
      `${accepted.size + burst.acceptedActs.size} accepted by the broker, ${ids.size + actsStored.size} stored, ${lost.length + lostActs.length} lost, ` +
      `${stats.duplicates} redeliveries seen and stored once; acts: ${burst.acceptedActs.size} accepted, ${calls.size} called Home Assistant, ` +
      `${twice.length} twice, ${burst.acceptedActs.size - calls.size} never ran (killed between commit and rule); ` +
      `${stats.interrupted} actions interrupted, integrity_check ${integrity}`,
  );
  assert.deepEqual(lost.slice(0, 10), [], `${lost.length} accepted events lost`);
  assert.deepEqual(lostActs, [], 'accepted acts lost');
  assert.deepEqual(twice, [], 'acts whose action ran twice');
  assert.equal(integrity, 'ok');
  assert.equal(stats.doubleResults, 0, 'no action has two results');
});
