import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';

// Messages are read field by field in the assertions.
// biome-ignore lint/suspicious/noExplicitAny: a test reads arbitrary protocol JSON
type Msg = Record<string, any>;

const token = 'demo-test-token';

/** A raw WebSocket client that keeps every frame (parsed) in order. */
class Raw {
  frames: unknown[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.frames.push(JSON.parse(d.toString()));
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = { code };
      this.wake();
    });
    ws.on('error', () => undefined);
  }
  static async open(url: string): Promise<Raw> {
    const ws = new WebSocket(url);
    const raw = new Raw(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return raw;
  }
  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  /** Next frame (a message object, or an array when coalesced). */
  async next(): Promise<unknown> {
    for (;;) {
      const f = this.frames.shift();
      if (f !== undefined) return f;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) while waiting for a frame`);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no frame within 5 s')), 5000);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  /** Next message, flattening coalesced arrays. */
  private buffered: unknown[] = [];
  async msg(): Promise<Msg> {
    if (this.buffered.length) return this.buffered.shift() as Msg;
    const f = await this.next();
    if (Array.isArray(f)) {
      this.buffered.push(...f.slice(1));
      return f[0];
    }
    return f as Msg;
  }
  async until(pred: (m: Msg) => boolean): Promise<Msg> {
    for (;;) {
      const m = await this.msg();
      if (pred(m)) return m;
    }
  }
  send(v: unknown): void {
    this.ws.send(typeof v === 'string' ? v : JSON.stringify(v));
  }
  async waitClosed(): Promise<number> {
    while (!this.closed)
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('socket not closed within 5 s')), 5000);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    return this.closed.code;
  }
  close(): void {
    this.ws.terminate();
  }
}

async function authed(home: DemoHome): Promise<Raw> {
  const c = await Raw.open(home.url);
  assert.equal((await c.msg()).type, 'auth_required');
  c.send({ type: 'auth', access_token: token });
  assert.equal((await c.msg()).type, 'auth_ok');
  return c;
}

describe('demo home: WebSocket protocol', () => {
  let home: DemoHome;
  before(async () => {
    home = await startDemoHome({ port: 0, token, authTimeoutMs: 300 });
  });
  after(async () => {
    await home.stop();
  });

  test('auth_required comes at once with ha_version; a good token gets auth_ok', async () => {
    const c = await Raw.open(home.url);
    const first = await c.msg();
    assert.equal(first.type, 'auth_required');
    assert.match(first.ha_version, /^\d{4}\.\d+\.\d+$/);
    c.send({ type: 'auth', access_token: token });
    const ok = await c.msg();
    assert.deepEqual(ok, { type: 'auth_ok', ha_version: first.ha_version });
    assert.equal(home.connections() >= 1, true);
    c.close();
  });

  test('auth sent before auth_required arrives is accepted (the JS client does this)', async () => {
    const ws = new WebSocket(home.url);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', access_token: token })));
    const c = new Raw(ws);
    assert.equal((await c.msg()).type, 'auth_required');
    assert.equal((await c.msg()).type, 'auth_ok');
    c.close();
  });

  test('a wrong token gets auth_invalid and the socket is closed', async () => {
    const c = await Raw.open(home.url);
    await c.msg();
    c.send({ type: 'auth', access_token: 'nope' });
    assert.deepEqual(await c.msg(), { type: 'auth_invalid', message: 'Invalid access token or password' });
    await c.waitClosed();
  });

  test('malformed auth messages: auth_invalid "Auth message incorrectly formatted: …" naming the problem', async () => {
    for (const [bad, needle] of [
      [{ type: 'login', access_token: token }, "data['type']"],
      [{ type: 'auth' }, 'access_token'],
      [{ type: 'auth', access_token: 42 }, "data['access_token']"],
      [{ type: 'auth', access_token: token, extra: 1 }, "data['extra']"],
    ] as const) {
      const c = await Raw.open(home.url);
      await c.msg();
      c.send(bad);
      const m = await c.msg();
      assert.equal(m.type, 'auth_invalid');
      assert.match(m.message, /^Auth message incorrectly formatted: /);
      assert.ok(m.message.includes(needle), `${m.message} should name ${needle}`);
      await c.waitClosed();
    }
  });

  test('garbage (bad JSON, binary) during auth closes the socket; the server keeps serving', async () => {
    const c = await Raw.open(home.url);
    await c.msg();
    c.send('{not json');
    await c.waitClosed();
    const b = await Raw.open(home.url);
    await b.msg();
    b.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await b.waitClosed();
    const ok = await authed(home);
    ok.close();
  });

  test('no auth within the deadline closes the socket', async () => {
    const c = await Raw.open(home.url);
    assert.equal((await c.msg()).type, 'auth_required');
    await c.waitClosed();
  });

  test('invalid_format, id_reuse, unknown_command; the connection survives them', async () => {
    const c = await authed(home);
    c.send({ type: 'ping' });
    assert.deepEqual(await c.msg(), {
      id: null,
      type: 'result',
      success: false,
      error: { code: 'invalid_format', message: 'Message incorrectly formatted.' },
    });
    c.send({ id: 'x', type: 'ping' });
    assert.equal((await c.msg()).error.code, 'invalid_format');
    c.send({ id: 5 });
    assert.equal((await c.msg()).error.code, 'invalid_format');
    c.send([1, 2]);
    for (let i = 0; i < 2; i++) {
      const arr = await c.msg();
      assert.equal(arr.error.code, 'invalid_format');
      assert.equal(arr.id, 0);
    }
    c.send({ id: 5, type: 'ping' });
    assert.deepEqual(await c.msg(), { id: 5, type: 'pong' });
    c.send({ id: 5, type: 'ping' });
    assert.deepEqual(await c.msg(), {
      id: 5,
      type: 'result',
      success: false,
      error: { code: 'id_reuse', message: 'Identifier values have to increase.' },
    });
    c.send({ id: 4, type: 'get_config' });
    assert.equal((await c.msg()).error.code, 'id_reuse');
    c.send({ id: 6, type: 'make_coffee' });
    assert.deepEqual(await c.msg(), {
      id: 6,
      type: 'result',
      success: false,
      error: { code: 'unknown_command', message: 'Unknown command.' },
    });
    c.send({ id: 7, type: 'get_config' });
    const cfg = await c.msg();
    assert.equal(cfg.success, true);
    assert.equal(cfg.result.state, 'RUNNING');
    assert.equal(typeof cfg.result.unit_system.temperature, 'string');
    c.close();
  });

  test('a JSON array of commands is accepted and answered in order', async () => {
    const c = await authed(home);
    c.send([
      { id: 1, type: 'ping' },
      { id: 2, type: 'get_states' },
      { id: 3, type: 'ping' },
    ]);
    const a = await c.msg();
    const b = await c.msg();
    const d = await c.msg();
    assert.deepEqual([a.id, b.id, d.id], [1, 2, 3]);
    assert.equal(a.type, 'pong');
    assert.ok(Array.isArray(b.result) && b.result.some((s: { entity_id: string }) => s.entity_id === 'light.kitchen_lights'));
    c.close();
  });

  test('coalesce_messages: messages queued in the same tick arrive as one JSON array', async () => {
    const c = await authed(home);
    c.send({ id: 1, type: 'supported_features', features: { coalesce_messages: 1 } });
    assert.deepEqual(await c.next(), { id: 1, type: 'result', success: true, result: null });
    c.send([
      { id: 2, type: 'ping' },
      { id: 3, type: 'ping' },
      { id: 4, type: 'ping' },
    ]);
    const frame = await c.next();
    assert.ok(Array.isArray(frame), 'three answers in one tick should be one array frame');
    assert.deepEqual(frame, [
      { id: 2, type: 'pong' },
      { id: 3, type: 'pong' },
      { id: 4, type: 'pong' },
    ]);
    c.close();
  });

  test('without coalescing every message is its own frame', async () => {
    const c = await authed(home);
    c.send([
      { id: 2, type: 'ping' },
      { id: 3, type: 'ping' },
    ]);
    assert.deepEqual(await c.next(), { id: 2, type: 'pong' });
    assert.deepEqual(await c.next(), { id: 3, type: 'pong' });
    c.close();
  });

  test('get_services lists fields, targets and response', async () => {
    const c = await authed(home);
    c.send({ id: 1, type: 'get_services' });
    const r = (await c.msg()).result;
    assert.equal(r.light.turn_on.fields.brightness.selector.number.max, 255);
    assert.ok(r.light.turn_on.target);
    assert.deepEqual(r.weather.get_forecasts.response, { optional: false });
    assert.ok(r.notify.notify.fields.message.required);
    assert.ok(r.script.good_night);
    c.close();
  });

  test('registries: areas on floors, devices, entities with aliases via get_entries', async () => {
    const c = await authed(home);
    c.send([
      { id: 1, type: 'config/floor_registry/list' },
      { id: 2, type: 'config/area_registry/list' },
      { id: 3, type: 'config/device_registry/list' },
      { id: 4, type: 'config/entity_registry/list' },
      { id: 5, type: 'config/entity_registry/get_entries', entity_ids: ['light.kitchen_lights', 'light.nope'] },
    ]);
    const floors = (await c.msg()).result,
      areas = (await c.msg()).result,
      devices = (await c.msg()).result,
      entities = (await c.msg()).result;
    const extended = (await c.msg()).result;
    assert.deepEqual(
      floors.map((f: { floor_id: string }) => f.floor_id),
      ['ground_floor', 'first_floor'],
    );
    assert.equal(areas.find((a: { area_id: string }) => a.area_id === 'kitchen').floor_id, 'ground_floor');
    assert.equal(areas.find((a: { area_id: string }) => a.area_id === 'bedroom').floor_id, 'first_floor');
    const kitchenDev = devices.find((d: { id: string }) => d.id === 'demo_kitchen_lights');
    assert.equal(kitchenDev.area_id, 'kitchen');
    const entry = entities.find((e: { entity_id: string }) => e.entity_id === 'light.kitchen_lights');
    assert.equal(entry.device_id, 'demo_kitchen_lights');
    assert.equal('aliases' in entry, false, 'the list has no aliases, as in HA');
    assert.deepEqual(extended['light.kitchen_lights'].aliases, []);
    assert.equal(extended['light.nope'], null);
    c.close();
  });

  test('subscribe_entities: full "a" first, then "c" diffs with only changed attributes, "r" on removal, "a" on add', async () => {
    const c = await authed(home);
    c.send({ id: 1, type: 'subscribe_entities', entity_ids: ['light.bed_light', 'sensor.new_thing'] });
    assert.deepEqual(await c.msg(), { id: 1, type: 'result', success: true, result: null });
    const init = await c.msg();
    assert.equal(init.type, 'event');
    assert.deepEqual(Object.keys(init.event.a), ['light.bed_light']);
    const bed = init.event.a['light.bed_light'];
    assert.equal(bed.s, 'off');
    assert.equal(typeof bed.lc, 'number');
    assert.equal(bed.a.friendly_name, 'Bed Light');

    c.send({
      id: 2,
      type: 'call_service',
      domain: 'light',
      service: 'turn_on',
      service_data: { brightness: 100 },
      target: { entity_id: 'light.bed_light' },
    });
    const changed = await c.until((m) => m.type === 'event');
    const diff = changed.event.c['light.bed_light'];
    assert.equal(diff['+'].s, 'on');
    assert.equal(diff['+'].a.brightness, 100);
    assert.equal('friendly_name' in diff['+'].a, false, 'unchanged attributes are left out');
    assert.equal(typeof diff['+'].lc, 'number');
    assert.equal(typeof diff['+'].c, 'object', 'a user context is sent as an object');
    await c.until((m) => m.id === 2 && m.type === 'result');

    home.setState('light.bed_light', 'on', { brightness: 101 });
    const d2 = (await c.until((m) => m.type === 'event')).event.c['light.bed_light'];
    assert.equal(d2['+'].s, undefined, 'state unchanged: no s');
    assert.equal(d2['+'].lc, undefined);
    assert.equal(typeof d2['+'].lu, 'number');
    assert.deepEqual(d2['+'].a, { brightness: 101 });

    home.model.setState('light.bed_light', 'on', { friendly_name: 'Bed Light' }, { merge: false });
    const d3 = (await c.until((m) => m.type === 'event')).event.c['light.bed_light'];
    assert.ok(d3['-'].a.includes('brightness'));

    home.setState('sensor.new_thing', '1');
    assert.ok((await c.until((m) => m.type === 'event')).event.a['sensor.new_thing']);
    home.removeState('sensor.new_thing');
    assert.deepEqual((await c.until((m) => m.type === 'event')).event, { r: ['sensor.new_thing'] });

    c.send({ id: 3, type: 'unsubscribe_events', subscription: 1 });
    assert.equal((await c.msg()).success, true);
    c.send({ id: 4, type: 'unsubscribe_events', subscription: 1 });
    assert.deepEqual((await c.msg()).error, { code: 'not_found', message: 'Subscription not found.' });
    c.close();
  });

  test('subscribe_events delivers state_changed with old and new state', async () => {
    const c = await authed(home);
    c.send({ id: 1, type: 'subscribe_events', event_type: 'state_changed' });
    assert.equal((await c.msg()).success, true);
    home.setState('binary_sensor.movement_backyard', 'on');
    const ev = await c.until((m) => m.type === 'event');
    assert.equal(ev.id, 1);
    assert.equal(ev.event.event_type, 'state_changed');
    assert.equal(ev.event.origin, 'LOCAL');
    assert.equal(ev.event.data.entity_id, 'binary_sensor.movement_backyard');
    assert.equal(ev.event.data.old_state.state, 'off');
    assert.equal(ev.event.data.new_state.state, 'on');
    home.setState('binary_sensor.movement_backyard', 'off');
    c.close();
  });
});

describe('demo home: a cut connection', () => {
  test('drop() cuts every socket without a close frame and refuses new ones until restore(); the home lives on', async () => {
    const home = await startDemoHome({ port: 0, token });
    try {
      const c = await authed(home);
      home.setState('light.kitchen_lights', 'on');
      home.drop();
      assert.equal(await c.waitClosed(), 1006, 'no close frame: an abnormal closure, as when the network goes');
      await assert.rejects(Raw.open(home.url), 'new connections are refused while dropped');
      for (let i = 0; i < 50 && home.connections() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(home.connections(), 0);
      home.restore();
      const again = await authed(home);
      again.send({ id: 1, type: 'get_states' });
      const states = await again.until((m) => m.id === 1);
      assert.equal(states.result.find((s: Msg) => s.entity_id === 'light.kitchen_lights')?.state, 'on', 'the home kept its states');
      again.close();
    } finally {
      await home.stop();
    }
  });
});
