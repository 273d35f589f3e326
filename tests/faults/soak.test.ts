// A soak: events at 500/s for 30 s (FAULTS=long: 10 minutes) over Mosquitto, with rules acting on Home Assistant (the
// demo home) and the flows running. Prints RSS and open file descriptors after the warm-up and at the end, and the
// p50/p99 from publishing an event to seeing it again on butler/out/event, per third of the run. Asserts every accepted
// event stored, no descriptor leak and (FAULTS=long) RSS growth under 10 %.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { startDemoHome } from '../../src/demo/home/server';
import { spawnButler } from '../helpers/butler-process';
import { until } from '../helpers/wait';
import { actCalls, addActRules, Burst, FaultBroker, killButler, LONG, percentile, storedIds } from './harness';

const SECONDS = LONG ? 600 : 30;
const RATE = 500;
const ACTS = 200;

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

test(`soak: ${RATE} events/s for ${SECONDS} s with rules and flows; memory, descriptors and latency stay flat`, {
  timeout: (SECONDS + 120) * 1000,
}, async (t) => {
  const broker = await FaultBroker.start();
  const token = randomBytes(12).toString('hex');
  const home = await startDemoHome({ port: 0, token });
  const butler = await spawnButler({ env: { BUTLER_MQTT_URL: broker.url, BUTLER_HA_URL: home.httpUrl, BUTLER_HA_TOKEN: token } });
  const watcher = await mqtt.connectAsync(broker.url, { clientId: `fault-soak-watch-${process.pid}` });
  let burst: Burst | undefined;
  t.after(async () => {
    await burst?.stop();
    await watcher.endAsync(true);
    await killButler(butler);
    await home.stop();
    await broker.stop();
  });
  await addActRules(butler, ACTS);
  const seenAt = new Map<string, number>();
  await watcher.subscribeAsync('butler/out/event', { qos: 0 });
  watcher.on('message', (_topic, payload) => {
    const id = (JSON.parse(String(payload)) as { event_id?: string }).event_id;
    if (id?.startsWith('f-') && !seenAt.has(id)) seenAt.set(id, performance.now());
  });
  const pid = butler.child.pid!;
  const every = Math.max(2, Math.floor((RATE * SECONDS) / ACTS));
  burst = await Burst.start(broker.url, RATE, { acts: { every, count: ACTS } });
  const started = performance.now();
  const warm = { rss: 0, fds: 0 };
  const thirds: number[][] = [[], [], []];
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep((SECONDS * 1000) / 3);
  warm.rss = rssKb(pid);
  warm.fds = openFds(pid);
  await sleep((SECONDS * 2000) / 3);
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
  await until('every accepted act to reach Home Assistant', () => actCalls(home).size >= burst!.acceptedActs.size, 30_000).catch(
    () => undefined,
  );
  const end = { rss: rssKb(pid), fds: openFds(pid) };
  const span = performance.now() - started;
  for (const [id, sent] of burst.sentAt) {
    const seen = seenAt.get(id);
    if (seen !== undefined) thirds[Math.min(2, Math.floor(((sent - started) / span) * 3))].push(seen - sent);
  }
  const ids = storedIds(butler.dataDir);
  const lost = [...burst.accepted].filter((id) => !ids.has(id));
  const calls = actCalls(home);
  const fmt = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms (${s.length})`;
  };
  const growth = ((end.rss - warm.rss) / warm.rss) * 100;
  console.log(
    `# faults/soak: ${burst.count} published in ${(span / 1000).toFixed(0)} s (~${Math.round(burst.count / (span / 1000))}/s), ` +
      `${burst.accepted.size} accepted, ${ids.size} stored, ${lost.length} lost; ${calls.size}/${burst.acceptedActs.size} acts called Home Assistant; ` +
      `RSS ${Math.round(warm.rss / 1024)} MB after warm-up -> ${Math.round(end.rss / 1024)} MB at the end (${growth.toFixed(1)} %); ` +
      `open fds ${warm.fds} -> ${end.fds}; publish -> butler/out/event by third: ${thirds.map(fmt).join(' | ')}`,
  );
  assert.ok(burst.accepted.size > 0 && burst.acceptedActs.size > 0, 'the broker accepted events and acts');
  assert.deepEqual(lost.slice(0, 10), [], `${lost.length} accepted events lost`);
  assert.equal(calls.size, burst.acceptedActs.size, 'every accepted act called Home Assistant');
  assert.ok(end.fds <= warm.fds + 10, `open descriptors grew from ${warm.fds} to ${end.fds}`);
  assert.ok(
    [...calls.values()].every((n) => n === 1),
    'each act called Home Assistant once',
  );
  if (LONG) assert.ok(growth < 10, `RSS grew ${growth.toFixed(1)} % after the warm-up`);
});
