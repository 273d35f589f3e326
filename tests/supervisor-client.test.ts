// The Supervisor client against the Supervisor simulator fronting the demo home, over real sockets.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { startSupervisorSimulator, type SupervisorSimulator } from '../src/demo/supervisor/server';
import { HaConnection } from '../src/ha/connection';
import { SupervisorClient, SupervisorError, brokerUrl, parseMqttService } from '../src/ha/supervisor';
import { silentLogger } from '../src/log';
import { freePort } from './helpers/ports';
import { until } from './helpers/wait';

const SUPERVISOR_TOKEN = 'supervisor-token-for-the-addon';
const HOME_TOKEN = 'home-token-the-supervisor-holds';

let home: DemoHome;
let sim: SupervisorSimulator;
let bare: SupervisorSimulator;
let client: SupervisorClient;

before(async () => {
  home = await startDemoHome({ port: 0, token: HOME_TOKEN });
  sim = await startSupervisorSimulator({
    port: 0,
    token: SUPERVISOR_TOKEN,
    homeUrl: home.httpUrl,
    homeToken: HOME_TOKEN,
    mqtt: { host: '127.0.0.1', port: 18830, username: 'addons', password: 'mqtt-secret' },
  });
  bare = await startSupervisorSimulator({ port: 0, token: SUPERVISOR_TOKEN, homeUrl: home.httpUrl, homeToken: HOME_TOKEN });
  client = new SupervisorClient({ url: sim.url, token: SUPERVISOR_TOKEN, log: silentLogger() });
});

after(async () => {
  await sim.stop();
  await bare.stop();
  await home.stop();
});

/** Opens a raw WebSocket and records what happens until it closes (or `ms` passes). */
function rawSocket(url: string, send?: string): Promise<{ opened: boolean; messages: string[]; closed: boolean; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const out = { opened: false, messages: [] as string[], closed: false, ws };
    ws.on('open', () => {
      out.opened = true;
      if (send !== undefined) ws.send(send);
    });
    ws.on('message', (d) => out.messages.push(d.toString()));
    ws.on('error', () => undefined);
    ws.on('close', () => {
      out.closed = true;
      resolve(out);
    });
  });
}

describe('Supervisor client', () => {
  test('GET /services/mqtt: the string port becomes a number, credentials are kept apart from the URL', async () => {
    const svc = await client.mqttService();
    assert.deepEqual(svc, {
      host: '127.0.0.1',
      port: 18830,
      ssl: false,
      username: 'addons',
      password: 'mqtt-secret',
      protocol: '3.1.1',
      addon: 'core_mosquitto',
    });
    assert.equal(brokerUrl(svc!), 'mqtt://127.0.0.1:18830');
    assert.equal(brokerUrl({ ...svc!, ssl: true, host: 'fd00::1' }), 'mqtts://[fd00::1]:18830');
  });

  test('no MQTT service: result error becomes null', async () => {
    const c = new SupervisorClient({ url: bare.url, token: SUPERVISOR_TOKEN, log: silentLogger() });
    assert.equal(await c.mqttService(), null);
  });

  test('a wrong token fails naming the endpoint and the status', async () => {
    const c = new SupervisorClient({ url: sim.url, token: 'wrong', log: silentLogger() });
    await assert.rejects(c.mqttService(), (err: unknown) => {
      assert.ok(err instanceof SupervisorError);
      assert.equal(err.status, 401);
      assert.equal(err.endpoint, 'GET /services/mqtt');
      assert.match(err.message, /GET \/services\/mqtt.*HTTP 401/);
      return true;
    });
  });

  test('an unreachable Supervisor fails naming the endpoint', async () => {
    const port = await freePort();
    const c = new SupervisorClient({ url: `http://127.0.0.1:${port}`, token: SUPERVISOR_TOKEN, log: silentLogger(), timeoutMs: 2000 });
    await assert.rejects(c.info(), /GET \/info: the Supervisor at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
  });

  test('malformed /services/mqtt data is refused field by field', () => {
    assert.throws(() => parseMqttService({ host: 'core-mosquitto', port: 'eighteen' }), /data\.port "eighteen" is not a port number/);
    assert.throws(() => parseMqttService({ port: '1883' }), /data\.host is missing/);
    assert.throws(() => parseMqttService('nope'), /no data object/);
    assert.equal(parseMqttService({ host: 'core-mosquitto', port: '1883', ssl: false, username: '', password: '' }).username, undefined);
  });

  test('POST /discovery records the announcement and returns its uuid; the same again keeps the uuid', async () => {
    const { uuid } = await client.discover('wyoming', { uri: 'tcp://smart-butler:10700' });
    assert.match(uuid, /^[0-9a-f]{32}$/);
    assert.deepEqual(sim.discoveries.at(-1), {
      uuid,
      service: 'wyoming',
      config: { uri: 'tcp://smart-butler:10700' },
      addon: 'smart_butler',
    });
    const again = await client.discover('wyoming', { uri: 'tcp://smart-butler:10700' });
    assert.equal(again.uuid, uuid);
    assert.equal(sim.discoveries.length, 1);
  });

  test('/info and /addons/self/info', async () => {
    const info = await client.info();
    assert.equal(info.state, 'running');
    assert.equal(typeof info.homeassistant, 'string');
    const self = await client.addonInfo();
    assert.equal(self.slug, 'smart_butler');
    assert.equal(client.coreWebsocketUrl(), `${sim.url.replace('http', 'ws')}/core/websocket`);
    assert.equal(client.coreApiUrl(), `${sim.url}/core/api`);
  });
});

describe('Supervisor simulator: bad input', () => {
  const h = { Authorization: `Bearer ${SUPERVISOR_TOKEN}`, 'Content-Type': 'application/json' };
  test('POST /discovery with garbage is a clear 400, and the simulator keeps serving', async () => {
    for (const [body, reason] of [
      ['{not json', /Invalid JSON body/],
      ['[]', /Body must be an object/],
      ['{"service":"Wyoming!","config":{}}', /service: required/],
      ['{"service":"wyoming","config":"tcp://x"}', /config: required, an object/],
    ] as const) {
      const res = await fetch(`${sim.url}/discovery`, { method: 'POST', headers: h, body });
      assert.equal(res.status, 400);
      const json = (await res.json()) as { result: string; message: string };
      assert.equal(json.result, 'error');
      assert.match(json.message, reason);
    }
    const res = await fetch(`${sim.url}/nope`, { headers: h });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { message: string }).message, /GET \/nope is not an endpoint/);
    assert.equal((await client.info()).state, 'running');
  });

  test('no token, no answer: 401 on REST and the proxy alike', async () => {
    assert.equal((await fetch(`${sim.url}/info`)).status, 401);
    assert.equal((await fetch(`${sim.url}/core/api/states`)).status, 401);
  });
});

describe('Supervisor simulator: Home Assistant proxy', () => {
  test('REST /core/api/* reaches Home Assistant with the Supervisor token', async () => {
    const res = await fetch(`${client.coreApiUrl()}/states/light.kitchen_lights`, {
      headers: { Authorization: `Bearer ${SUPERVISOR_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { entity_id: string }).entity_id, 'light.kitchen_lights');
    const all = await fetch(`${client.coreApiUrl()}/states`, { headers: { Authorization: `Bearer ${SUPERVISOR_TOKEN}` } });
    assert.equal(all.status, 200);
    const states = (await all.json()) as { entity_id: string }[];
    assert.ok(states.length > 5);
  });

  test('the WebSocket proxy: the add-on authenticates with its SUPERVISOR_TOKEN, Home Assistant answers through it', async () => {
    const ha = new HaConnection({
      url: client.coreWebsocketUrl(),
      token: SUPERVISOR_TOKEN,
      log: silentLogger(),
      reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      await ha.start();
      assert.equal(ha.status().connected, true);
      assert.ok(ha.states().size > 5);
      assert.equal(sim.proxiedSockets(), 1);

      // Home Assistant goes down: the proxy drops the socket; new sockets are accepted and closed without auth_required.
      sim.haDown(true);
      await until('the butler sees Home Assistant gone', () => !ha.status().connected);
      const raw = await rawSocket(client.coreWebsocketUrl());
      assert.equal(raw.opened, true, 'the proxy accepts the socket while Home Assistant is down');
      assert.deepEqual(raw.messages, [], 'and never says auth_required');
      assert.equal(
        (await fetch(`${client.coreApiUrl()}/states`, { headers: { Authorization: `Bearer ${SUPERVISOR_TOKEN}` } })).status,
        502,
      );

      sim.haDown(false);
      await until('the butler reconnects through the proxy', () => ha.status().connected, 15_000);
      await ha.callService('light', 'turn_off', {}, { entity_id: 'light.kitchen_lights' });
      await until('the light off in Home Assistant', () => home.getState('light.kitchen_lights')?.state === 'off');
    } finally {
      await ha.stop();
    }
  });

  test('the silent variant of the quirk: a socket held open without a word is not "connected"', async () => {
    const silent = await startSupervisorSimulator({
      port: 0,
      token: SUPERVISOR_TOKEN,
      homeUrl: home.httpUrl,
      homeToken: HOME_TOKEN,
      downBehaviour: 'silent',
    });
    silent.haDown(true);
    const c = new SupervisorClient({ url: silent.url, token: SUPERVISOR_TOKEN, log: silentLogger() });
    const ha = new HaConnection({
      url: c.coreWebsocketUrl(),
      token: SUPERVISOR_TOKEN,
      log: silentLogger(),
      authTimeoutMs: 300,
      startTimeoutMs: 800,
      reconnect: { minDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      await ha.start();
      assert.equal(ha.status().connected, false, 'an open socket without auth_ok is not a connection');
      assert.ok(silent.requests.filter((r) => r === 'WS /core/websocket').length >= 1);
      silent.haDown(false);
      await until('connected once Home Assistant is back', () => ha.status().connected, 15_000);
    } finally {
      await ha.stop();
      await silent.stop();
    }
  });

  test('a wrong token or garbage on the WebSocket gets auth_invalid and a close', async () => {
    const wrong = await rawSocket(client.coreWebsocketUrl(), JSON.stringify({ type: 'auth', access_token: 'nope' }));
    assert.equal(JSON.parse(wrong.messages[0]).type, 'auth_required');
    assert.deepEqual(JSON.parse(wrong.messages[1]), { type: 'auth_invalid', message: 'Invalid access' });
    assert.equal(wrong.closed, true);
    const garbage = await rawSocket(client.coreWebsocketUrl(), '{{{');
    assert.equal(JSON.parse(garbage.messages[1]).type, 'auth_invalid');
    // Home Assistant's own token is not the add-on's.
    const homeToken = await rawSocket(client.coreWebsocketUrl(), JSON.stringify({ type: 'auth', access_token: HOME_TOKEN }));
    assert.equal(JSON.parse(homeToken.messages[1]).type, 'auth_invalid');
  });
});
