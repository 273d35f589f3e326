import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { WebSocketServer } from 'ws';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { HaConnection } from '../src/ha/connection';
import { HaError, type HaStatus, type HassStateChange } from '../src/ha/types';
import { silentLogger } from '../src/log';

const token = 'conn-test-token';
const fast = { reconnect: { minDelayMs: 20, maxDelayMs: 200 }, authTimeoutMs: 1000, startTimeoutMs: 5000, heartbeatMs: 0 };

/**
 * A connection in a process of its own, whose retry delay (120 s) outlasts the wait for it to exit: if the process
 * ends by itself, the connection left no retry, timer or socket behind. Prints what start() did.
 */
const CHILD = `
const { HaConnection } = require(process.env.CONN_JS);
const { silentLogger } = require(process.env.LOG_JS);
const ha = new HaConnection({
  url: process.env.HA_URL,
  token: process.env.HA_TOKEN,
  log: silentLogger(),
  reconnect: { minDelayMs: 120000, maxDelayMs: 120000 },
  authTimeoutMs: 5000,
  startTimeoutMs: Number(process.env.START_TIMEOUT_MS || 5000),
  heartbeatMs: 0,
});
const retrying = () => /^reconnecting/.test(ha.status().detail);
(async () => {
  try {
    await ha.start();
    console.log('start resolved: ' + ha.status().detail);
  } catch (err) {
    console.log('start rejected: ' + err.code);
  }
  if (process.env.THEN_STOP) {
    // Stop it while it waits to try again.
    if (!retrying()) await new Promise((r) => ha.onStatus(() => retrying() && r()));
    console.log('retrying: ' + ha.status().detail);
    await ha.stop();
    console.log('stopped: ' + ha.status().detail);
  }
})();
`;
const CHILD_EXIT_MS = 30_000;

/** Runs CHILD and waits, bounded, for it to exit by itself. */
function connectionProcess(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolveRun, rejectRun) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: {
        PATH: process.env.PATH ?? '',
        CONN_JS: resolve(__dirname, '../src/ha/connection.js'),
        LOG_JS: resolve(__dirname, '../src/log.js'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectRun(
        new Error(
          `the process was still running ${CHILD_EXIT_MS} ms later: the connection left something keeping it alive. Output:\n${out}`,
        ),
      );
    }, CHILD_EXIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, out });
    });
  });
}

/** A TCP relay in front of `target` that counts the connections made through it. */
async function countingRelay(target: number): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  let n = 0;
  const open = new Set<Socket>();
  const server = createServer((c) => {
    n++;
    const up = connect(target, '127.0.0.1');
    for (const s of [c, up]) {
      open.add(s);
      s.on('close', () => open.delete(s));
    }
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
    c.pipe(up).pipe(c);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/api/websocket`,
    connections: () => n,
    close: () => {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Poll a condition (event-driven code under test; the bound is a guard, not a timing assertion). */
async function eventually(what: string, cond: () => boolean, limitMs = 8000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HaConnection against the demo home', () => {
  let home: DemoHome;
  let ha: HaConnection;
  const changes: HassStateChange[] = [];
  const statuses: HaStatus[] = [];

  before(async () => {
    home = await startDemoHome({ port: 0, token });
    ha = new HaConnection({ url: home.url, token, log: silentLogger(), ...fast });
    ha.onStateChange((c) => changes.push(c));
    ha.onStatus((s) => statuses.push(s));
    await ha.start();
  });
  after(async () => {
    await ha.stop();
    await home.stop();
  });

  test('start() resolves after the first full sync: mirror, registries, status', () => {
    const st = ha.status();
    assert.equal(st.connected, true);
    assert.equal(st.connects, 1);
    assert.equal(st.ha_version, '2026.11.0');
    assert.match(st.detail, /^connected to Home Assistant 2026\.11\.0 at ws:\/\/127\.0\.0\.1:\d+\/api\/websocket$/);
    assert.equal(ha.states().size, home.model.states().length);
    assert.equal(ha.getState('light.kitchen_lights')?.state, 'on');
    assert.equal(ha.getState('light.kitchen_lights')?.attributes.friendly_name, 'Kitchen Lights');
    const regs = ha.registries();
    assert.ok(regs.floors.some((f) => f.floor_id === 'first_floor' && f.level === 1));
    assert.ok(regs.areas.some((a) => a.area_id === 'living_room' && a.floor_id === 'ground_floor' && a.aliases.includes('lounge')));
    assert.ok(regs.devices.some((d) => d.id === 'demo_kitchen_lights' && d.area_id === 'kitchen'));
    const lock = regs.entities.find((e) => e.entity_id === 'lock.front_door');
    assert.deepEqual(lock?.aliases, ['main door']);
    assert.ok(statuses.some((s) => s.connected));
  });

  test('callService changes the home; the mirror follows and emits the change', async () => {
    changes.length = 0;
    const r = await ha.callService('light', 'turn_on', { brightness_pct: 50 }, { entity_id: 'light.bed_light' });
    assert.equal(typeof r.context.id, 'string');
    assert.equal(home.getState('light.bed_light')?.state, 'on');
    await eventually('mirror update', () => ha.getState('light.bed_light')?.state === 'on');
    assert.equal(ha.getState('light.bed_light')?.attributes.brightness, 128);
    const ch = changes.find((c) => c.entity_id === 'light.bed_light');
    assert.equal(ch?.old_state?.state, 'off');
    assert.equal(ch?.new_state?.state, 'on');
  });

  test('a device changing by itself reaches the mirror; attribute removal too', async () => {
    home.setState('sensor.outside_temperature', '17.2', { extra: 'x' });
    await eventually('sensor update', () => ha.getState('sensor.outside_temperature')?.state === '17.2');
    assert.equal(ha.getState('sensor.outside_temperature')?.attributes.extra, 'x');
    const attrs = { ...home.getState('sensor.outside_temperature')!.attributes };
    delete attrs.extra;
    home.model.setState('sensor.outside_temperature', '17.2', attrs, { merge: false });
    await eventually('attribute removal', () => !('extra' in (ha.getState('sensor.outside_temperature')?.attributes ?? {})));
    assert.equal(ha.getState('sensor.outside_temperature')?.attributes.unit_of_measurement, '°C');
  });

  test('return_response brings the service response back', async () => {
    const r = await ha.callService('weather', 'get_forecasts', { type: 'daily' }, { entity_id: 'weather.demo_weather_south' }, true);
    const resp = r.response as Record<string, { forecast: unknown[] }>;
    assert.equal(resp['weather.demo_weather_south']?.forecast.length, 5);
  });

  test('an unknown service is HaError not_found "Service light.fly not found"', async () => {
    await assert.rejects(ha.callService('light', 'fly', {}, { entity_id: 'light.bed_light' }), (err: unknown) => {
      assert.ok(err instanceof HaError);
      assert.equal(err.code, 'not_found');
      assert.equal(err.message, 'Service light.fly not found');
      return true;
    });
  });

  test('a validation error is HaError naming the service and the reason', async () => {
    await assert.rejects(ha.callService('light', 'turn_on', { brightness: 300 }, { entity_id: 'light.bed_light' }), (err: unknown) => {
      assert.ok(err instanceof HaError);
      assert.equal(err.code, 'service_validation_error');
      assert.match(err.message, /^Home Assistant rejected light\.turn_on: Validation error: brightness must be between 0 and 255/);
      return true;
    });
    await assert.rejects(
      ha.callService('light', 'turn_on', { brightness: 'bright' }, { entity_id: 'light.bed_light' }),
      (err: unknown) => err instanceof HaError && err.code === 'invalid_format' && /brightness/.test(err.message),
    );
    await assert.rejects(
      ha.callService('climate', 'set_temperature', { temperature: 40 }, { entity_id: 'climate.hvac' }),
      (err: unknown) => err instanceof HaError && /Accepted range is 7 to 35/.test(err.message),
    );
  });

  test('registry updates are picked up without a reconnect', async () => {
    home.model.updateArea('office', { aliases: ['study', 'den'] });
    await eventually(
      'area alias',
      () =>
        ha
          .registries()
          .areas.find((a) => a.area_id === 'office')
          ?.aliases.includes('den') === true,
    );
    home.model.updateEntityEntry('switch.ac', { aliases: ['air conditioner', 'aircon'] });
    await eventually(
      'entity alias',
      () =>
        ha
          .registries()
          .entities.find((e) => e.entity_id === 'switch.ac')
          ?.aliases?.includes('aircon') === true,
    );
  });

  test('HA restarts on the same port with changes made while away: reconnect, full resync, calls work again', async () => {
    statuses.length = 0;
    changes.length = 0;
    const connectsBefore = ha.status().connects;
    await home.stop();
    await eventually('disconnected status', () => !ha.status().connected);
    assert.match(ha.status().detail, /^reconnecting \(attempt \d+\)/);
    await assert.rejects(ha.callService('light', 'turn_off', {}, { entity_id: 'light.kitchen_lights' }), (err: unknown) => {
      assert.ok(err instanceof HaError);
      assert.equal(err.code, 'not_connected');
      assert.match(err.message, /^not connected to Home Assistant \((reconnecting, attempt \d+|.*)\)$/);
      return true;
    });
    // While HA is down: a state changes, an entity disappears, one appears.
    home.setState('switch.decorative_lights', 'off');
    home.removeState('binary_sensor.basement_floor_wet');
    home.setState('sensor.garage_temperature', '11.5', { friendly_name: 'Garage Temperature' });
    // Let a few attempts fail against the closed port first.
    await eventually('retrying', () => /attempt [2-9]/.test(ha.status().detail));
    await home.start();
    await eventually('reconnected', () => ha.status().connected);
    assert.equal(ha.status().connects, connectsBefore + 1);
    assert.ok(statuses.some((s) => !s.connected) && statuses.at(-1)?.connected, 'onStatus saw down then up');
    assert.equal(ha.getState('switch.decorative_lights')?.state, 'off');
    assert.equal(ha.getState('binary_sensor.basement_floor_wet'), undefined, 'entity removed while away is gone from the mirror');
    assert.equal(ha.getState('sensor.garage_temperature')?.state, '11.5');
    const byId = new Map(changes.map((c) => [c.entity_id, c]));
    assert.equal(byId.get('switch.decorative_lights')?.new_state?.state, 'off');
    assert.equal(byId.get('switch.decorative_lights')?.old_state?.state, 'on');
    assert.equal(byId.get('binary_sensor.basement_floor_wet')?.new_state, null);
    assert.equal(byId.get('sensor.garage_temperature')?.old_state, null);
    assert.equal(byId.has('light.kitchen_lights'), false, 'unchanged entities are not reported');
    await ha.callService('switch', 'turn_on', {}, { entity_id: 'switch.decorative_lights' });
    assert.equal(home.getState('switch.decorative_lights')?.state, 'on');
    await eventually('mirror after call', () => ha.getState('switch.decorative_lights')?.state === 'on');
    // Subscriptions were renewed: a device change is seen again.
    home.setState('sensor.outside_humidity', '61');
    await eventually('live updates after reconnect', () => ha.getState('sensor.outside_humidity')?.state === '61');
  });

  test('a second restart also recovers (never stuck "connecting")', async () => {
    const n = ha.status().connects;
    await home.stop();
    await eventually('down', () => !ha.status().connected);
    await home.start();
    await eventually('up again', () => ha.status().connected && ha.status().connects === n + 1);
    await ha.callService('input_boolean', 'turn_on', {}, { entity_id: 'input_boolean.guest_mode' });
    assert.equal(home.getState('input_boolean.guest_mode')?.state, 'on');
  });
});

describe('HaConnection failure modes', () => {
  test('a wrong token: start() rejects naming the problem, and stops retrying', async () => {
    const home = await startDemoHome({ port: 0, token });
    const ha = new HaConnection({ url: home.url, token: 'wrong', log: silentLogger(), ...fast });
    try {
      await assert.rejects(ha.start(), (err: unknown) => {
        assert.ok(err instanceof HaError);
        assert.equal(err.code, 'auth_invalid');
        assert.match(err.message, /rejected the access token: Invalid access token or password/);
        assert.match(err.message, /check the Home Assistant access token/);
        return true;
      });
      assert.equal(ha.status().connected, false);
      assert.match(ha.status().detail, /access token/);
      // Without stop(): a connection that gave up leaves nothing that could try again, so its process ends by itself,
      // after exactly one connection.
      const relay = await countingRelay(home.port);
      try {
        const run = await connectionProcess({ HA_URL: relay.url, HA_TOKEN: 'wrong' });
        assert.equal(run.code, 0, run.out);
        assert.match(run.out, /start rejected: auth_invalid/);
        assert.equal(relay.connections(), 1, 'one attempt, no retry');
      } finally {
        await relay.close();
      }
    } finally {
      await ha.stop();
      await home.stop();
    }
  });

  test('HA down at start: start() resolves after its timeout with connected=false, then connects when HA appears', async () => {
    const home = await startDemoHome({ port: 0, token });
    const port = home.port;
    await home.stop();
    const ha = new HaConnection({ url: `http://127.0.0.1:${port}`, token, log: silentLogger(), ...fast, startTimeoutMs: 150 });
    try {
      await ha.start();
      assert.equal(ha.status().connected, false);
      assert.match(ha.status().detail, /reconnecting \(attempt \d+\): .*ECONNREFUSED/);
      await assert.rejects(ha.callService('light', 'turn_on'), (e: unknown) => e instanceof HaError && e.code === 'not_connected');
      await home.start();
      await eventually('connected later', () => ha.status().connected);
      assert.ok(ha.states().size > 30);
    } finally {
      await ha.stop();
      await home.stop();
    }
  });

  test('a socket that opens but never reaches auth_ok (Supervisor proxy, HA starting) is timed out and retried', async () => {
    // A proxy that accepts WebSockets and says nothing.
    const mute = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => mute.once('listening', () => r()));
    const port = (mute.address() as AddressInfo).port;
    let accepted = 0;
    mute.on('connection', () => {
      accepted++;
    });
    const ha = new HaConnection({
      url: `ws://127.0.0.1:${port}/api/websocket`,
      token,
      log: silentLogger(),
      ...fast,
      authTimeoutMs: 100,
      startTimeoutMs: 50,
    });
    const statuses: HaStatus[] = [];
    ha.onStatus((s) => statuses.push(s));
    let home: DemoHome | null = null;
    try {
      await ha.start();
      assert.equal(ha.status().connected, false);
      await eventually('several timed-out attempts', () => accepted >= 2);
      assert.equal(ha.status().connected, false, 'an open socket without auth_ok is not "connected"');
      assert.ok(
        statuses.some((s) => /did not answer within 100 ms/.test(s.detail)),
        'the timeout is named in the status',
      );
      for (const c of mute.clients) c.terminate();
      await new Promise<void>((r) => mute.close(() => r()));
      // Home Assistant finally up on the same port.
      home = await startDemoHome({ port, token });
      await eventually('connected through', () => ha.status().connected);
      await ha.callService('lock', 'lock', {}, { entity_id: 'lock.kitchen_door' });
      assert.equal(home.getState('lock.kitchen_door')?.state, 'locked');
    } finally {
      await ha.stop();
      if (home) await home.stop();
      else await new Promise<void>((r) => mute.close(() => r()));
    }
  });

  test('a hung Home Assistant (socket open, no answers) is caught by the heartbeat and replaced', async () => {
    const home = await startDemoHome({ port: 0, token });
    const ha = new HaConnection({ url: home.url, token, log: silentLogger(), ...fast, heartbeatMs: 100 });
    try {
      await ha.start();
      assert.equal(ha.status().connects, 1);
      home.freeze();
      await eventually('reconnected on a fresh socket', () => ha.status().connected && ha.status().connects === 2);
      await ha.callService('switch', 'toggle', {}, { entity_id: 'switch.ac' });
      assert.equal(home.getState('switch.ac')?.state, 'on');
    } finally {
      await ha.stop();
      await home.stop();
    }
  });

  test('stop() during retries ends everything (the process can exit) and calls then fail clearly', async () => {
    const home = await startDemoHome({ port: 0, token });
    const port = home.port;
    await home.stop();
    const ha = new HaConnection({ url: `ws://127.0.0.1:${port}/api/websocket`, token, log: silentLogger(), ...fast, startTimeoutMs: 30 });
    await ha.start();
    await ha.stop();
    assert.equal(ha.status().detail, 'stopped');
    await assert.rejects(ha.callService('light', 'turn_on'), /not connected to Home Assistant \(stopped\)/);
    // The same in a process of its own, stopped while it waits to retry: it must be able to exit.
    const run = await connectionProcess({
      HA_URL: `ws://127.0.0.1:${port}/api/websocket`,
      HA_TOKEN: token,
      START_TIMEOUT_MS: '50',
      THEN_STOP: '1',
    });
    assert.equal(run.code, 0, run.out);
    assert.match(run.out, /retrying: reconnecting \(attempt 1\): .*ECONNREFUSED/, 'it was waiting to retry when stopped');
    assert.match(run.out, /stopped: stopped/);
  });
});
