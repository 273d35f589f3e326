import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { HomeModel } from '../src/demo/home/model';
import { HomeError } from '../src/demo/home/errors';
import { demoHomeSeed } from '../src/demo/home/seed';

function rejectsWith(fn: () => unknown, code: string, re: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof HomeError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, re);
    return true;
  });
}

describe('demo home: seed', () => {
  test('has the demo integration entity ids, areas on two floors, devices and aliases', () => {
    const seed = demoHomeSeed();
    const ids = new Set(seed.entities.map((e) => e.entity_id));
    for (const id of [
      'light.kitchen_lights',
      'light.bed_light',
      'light.ceiling_lights',
      'light.office_rgbw_lights',
      'light.living_room_rgbww_lights',
      'light.entrance_color_white_lights',
      'switch.decorative_lights',
      'switch.ac',
      'lock.front_door',
      'lock.kitchen_door',
      'lock.poorly_installed_door',
      'lock.openable_lock',
      'cover.kitchen_window',
      'cover.hall_window',
      'cover.living_room_window',
      'cover.garage_door',
      'climate.hvac',
      'climate.ecobee',
      'climate.heatpump',
      'media_player.living_room',
      'media_player.bedroom',
      'media_player.walkman',
      'media_player.kitchen',
      'fan.living_room_fan',
      'fan.ceiling_fan',
      'binary_sensor.movement_backyard',
      'binary_sensor.basement_floor_wet',
      'camera.demo_camera',
      'scene.romantic_lights',
      'person.paulus',
      'sensor.outside_temperature',
    ])
      assert.ok(ids.has(id), id);
    assert.deepEqual(new Set(seed.areas.map((a) => a.floor_id).filter(Boolean)), new Set(['ground_floor', 'first_floor']));
    for (const e of seed.entities) {
      if (e.device_id)
        assert.ok(
          seed.devices.some((d) => d.id === e.device_id),
          `${e.entity_id} device exists`,
        );
    }
    assert.ok(seed.entities.filter((e) => e.aliases.length).length >= 5);
    seed.entities.length = 0;
    assert.ok(demoHomeSeed().entities.length > 30, 'each call returns a fresh copy');
  });
});

describe('demo home: service semantics', () => {
  const home = new HomeModel();
  const st = (id: string) => home.getState(id)!;

  test('lights: on/off/toggle, brightness, brightness_pct, kelvin, rgb, memory of the last brightness', () => {
    home.callService('light', 'turn_on', { brightness: 77 }, { entity_id: 'light.bed_light' });
    assert.equal(st('light.bed_light').state, 'on');
    assert.equal(st('light.bed_light').attributes.brightness, 77);
    home.callService('light', 'turn_on', { brightness_pct: 100, color_temp_kelvin: 2700 }, { entity_id: 'light.bed_light' });
    assert.equal(st('light.bed_light').attributes.brightness, 255);
    assert.equal(st('light.bed_light').attributes.color_mode, 'color_temp');
    assert.equal(st('light.bed_light').attributes.color_temp_kelvin, 2700);
    home.callService('light', 'turn_on', { rgb_color: [255, 0, 0] }, { entity_id: 'light.bed_light' });
    assert.equal(st('light.bed_light').attributes.color_mode, 'hs');
    assert.deepEqual(st('light.bed_light').attributes.hs_color, [0, 100]);
    assert.equal(st('light.bed_light').attributes.color_temp_kelvin, null);
    home.callService('light', 'turn_off', {}, { entity_id: 'light.bed_light' });
    assert.equal(st('light.bed_light').state, 'off');
    assert.equal(st('light.bed_light').attributes.brightness, null);
    home.callService('light', 'toggle', {}, { entity_id: 'light.bed_light' });
    assert.equal(st('light.bed_light').state, 'on');
    assert.equal(st('light.bed_light').attributes.brightness, 255, 'restores the last brightness');
    home.callService('light', 'turn_on', { rgb_color: [0, 0, 255] }, { entity_id: 'light.office_rgbw_lights' });
    assert.equal(st('light.office_rgbw_lights').attributes.color_mode, 'rgbw');
    home.callService('light', 'turn_on', { brightness: 0 }, { entity_id: 'light.office_rgbw_lights' });
    assert.equal(st('light.office_rgbw_lights').state, 'off', 'brightness 0 turns off');
  });

  test('lights: out of range is service_validation_error, wrong type or unknown field is invalid_format', () => {
    rejectsWith(
      () => home.callService('light', 'turn_on', { brightness: 256 }, { entity_id: 'light.bed_light' }),
      'service_validation_error',
      /^Validation error: brightness must be between 0 and 255/,
    );
    rejectsWith(
      () => home.callService('light', 'turn_on', { brightness_pct: 150 }, { entity_id: 'light.bed_light' }),
      'service_validation_error',
      /brightness_pct/,
    );
    rejectsWith(
      () => home.callService('light', 'turn_on', { rgb_color: [1, 2] }, { entity_id: 'light.bed_light' }),
      'invalid_format',
      /rgb_color/,
    );
    rejectsWith(
      () => home.callService('light', 'turn_on', { sparkle: true }, { entity_id: 'light.bed_light' }),
      'invalid_format',
      /extra keys not allowed @ data\['sparkle'\]/,
    );
    rejectsWith(() => home.callService('light', 'fly', {}), 'not_found', /^Service light\.fly not found\.$/);
  });

  test('targets: area, floor, device; entity_id inside service_data; unknown ids are skipped like HA', () => {
    home.callService('light', 'turn_off', {}, { area_id: 'living_room' });
    assert.equal(st('light.ceiling_lights').state, 'off');
    assert.equal(st('light.living_room_rgbww_lights').state, 'off');
    assert.equal(st('switch.decorative_lights').state, 'on', 'only the service domain is affected');
    home.callService('light', 'turn_on', {}, { floor_id: 'ground_floor' });
    assert.equal(st('light.ceiling_lights').state, 'on');
    assert.equal(st('light.kitchen_lights').state, 'on');
    home.callService('switch', 'turn_off', {}, { device_id: 'demo_ac' });
    assert.equal(st('switch.ac').state, 'off');
    const r = home.callService('switch', 'turn_on', { entity_id: 'switch.ac' });
    assert.deepEqual(r.entity_ids, ['switch.ac']);
    assert.deepEqual(home.callService('switch', 'turn_on', {}, { entity_id: 'switch.nope' }).entity_ids, []);
    home.callService('media_player', 'media_pause', {}, { entity_id: 'media_player.walkman' });
    assert.equal(st('media_player.walkman').state, 'paused');
    assert.deepEqual(
      home.callService('media_player', 'media_play', {}, { area_id: 'office' }).entity_ids,
      ['media_player.walkman'],
      'an entity-level area overrides the device area',
    );
  });

  test('locks: lock/unlock, the poorly installed door jams, open needs the feature', () => {
    home.callService('lock', 'unlock', {}, { entity_id: 'lock.front_door' });
    assert.equal(st('lock.front_door').state, 'unlocked');
    home.callService('lock', 'lock', {}, { entity_id: 'lock.poorly_installed_door' });
    assert.equal(st('lock.poorly_installed_door').state, 'jammed');
    home.callService('lock', 'open', {}, { entity_id: 'lock.openable_lock' });
    assert.equal(st('lock.openable_lock').state, 'open');
    rejectsWith(
      () => home.callService('lock', 'open', {}, { entity_id: 'lock.front_door' }),
      'service_validation_error',
      /lock\.front_door does not support action lock\.open/,
    );
  });

  test('covers: open/close/position/stop', () => {
    home.callService('cover', 'set_cover_position', { position: 40 }, { entity_id: 'cover.hall_window' });
    assert.equal(st('cover.hall_window').attributes.current_position, 40);
    home.callService('cover', 'close_cover', {}, { entity_id: 'cover.hall_window' });
    assert.equal(st('cover.hall_window').state, 'closed');
    assert.equal(st('cover.hall_window').attributes.current_position, 0);
    home.callService('cover', 'open_cover', {}, { entity_id: 'cover.garage_door' });
    assert.equal(st('cover.garage_door').state, 'open');
    rejectsWith(
      () => home.callService('cover', 'set_cover_position', { position: 10 }, { entity_id: 'cover.garage_door' }),
      'service_validation_error',
      /does not support/,
    );
    rejectsWith(
      () => home.callService('cover', 'set_cover_position', { position: 101 }, { entity_id: 'cover.hall_window' }),
      'service_validation_error',
      /position must be between 0 and 100/,
    );
    home.callService('cover', 'stop_cover', {}, { entity_id: 'cover.hall_window' });
  });

  test('climate: temperature within range, hvac modes the device has', () => {
    home.callService('climate', 'set_temperature', { temperature: 23.5, hvac_mode: 'heat' }, { entity_id: 'climate.hvac' });
    assert.equal(st('climate.hvac').attributes.temperature, 23.5);
    assert.equal(st('climate.hvac').state, 'heat');
    assert.equal(st('climate.hvac').attributes.hvac_action, 'heating');
    rejectsWith(
      () => home.callService('climate', 'set_temperature', { temperature: 3 }, { entity_id: 'climate.hvac' }),
      'service_validation_error',
      /Provided temperature 3\.0 is not valid\. Accepted range is 7 to 35/,
    );
    rejectsWith(
      () => home.callService('climate', 'set_hvac_mode', { hvac_mode: 'cool' }, { entity_id: 'climate.heatpump' }),
      'service_validation_error',
      /HVAC mode cool is not valid\. Valid HVAC modes are: heat, off/,
    );
    home.callService('climate', 'set_hvac_mode', { hvac_mode: 'off' }, { entity_id: 'climate.heatpump' });
    assert.equal(st('climate.heatpump').state, 'off');
    rejectsWith(
      () => home.callService('climate', 'set_temperature', {}, { entity_id: 'climate.hvac' }),
      'invalid_format',
      /at least one of/,
    );
  });

  test('media players, fans, vacuums, input booleans', () => {
    const mp = 'media_player.kitchen';
    home.callService('media_player', 'media_pause', {}, { entity_id: mp });
    assert.equal(st(mp).state, 'paused');
    home.callService('media_player', 'media_play', {}, { entity_id: mp });
    assert.equal(st(mp).state, 'playing');
    home.callService('media_player', 'media_next_track', {}, { entity_id: mp });
    assert.equal(st(mp).attributes.media_track, 2);
    home.callService('media_player', 'media_previous_track', {}, { entity_id: mp });
    assert.equal(st(mp).attributes.media_track, 1);
    home.callService('media_player', 'volume_set', { volume_level: 0.3 }, { entity_id: mp });
    assert.equal(st(mp).attributes.volume_level, 0.3);
    home.callService('media_player', 'volume_mute', { is_volume_muted: true }, { entity_id: mp });
    assert.equal(st(mp).attributes.is_volume_muted, true);
    home.callService('media_player', 'play_media', { media_content_id: 'radio:jazz', media_content_type: 'music' }, { entity_id: mp });
    assert.equal(st(mp).attributes.media_content_id, 'radio:jazz');
    rejectsWith(
      () => home.callService('media_player', 'volume_set', { volume_level: 2 }, { entity_id: mp }),
      'service_validation_error',
      /volume_level/,
    );
    rejectsWith(
      () => home.callService('media_player', 'play_media', { media_content_id: 'x' }, { entity_id: mp }),
      'invalid_format',
      /required key not provided @ data\['media_content_type'\]/,
    );

    home.callService('fan', 'turn_on', { percentage: 33 }, { entity_id: 'fan.ceiling_fan' });
    assert.equal(st('fan.ceiling_fan').state, 'on');
    assert.equal(st('fan.ceiling_fan').attributes.percentage, 33);
    home.callService('fan', 'set_percentage', { percentage: 0 }, { entity_id: 'fan.ceiling_fan' });
    assert.equal(st('fan.ceiling_fan').state, 'off');
    home.callService('fan', 'set_preset_mode', { preset_mode: 'sleep' }, { entity_id: 'fan.living_room_fan' });
    assert.equal(st('fan.living_room_fan').attributes.preset_mode, 'sleep');
    rejectsWith(
      () => home.callService('fan', 'set_preset_mode', { preset_mode: 'turbo' }, { entity_id: 'fan.living_room_fan' }),
      'service_validation_error',
      /turbo/,
    );

    home.callService('vacuum', 'start', {}, { entity_id: 'vacuum.0_ground_floor' });
    assert.equal(st('vacuum.0_ground_floor').state, 'cleaning');
    home.callService('vacuum', 'return_to_base', {}, { entity_id: 'vacuum.0_ground_floor' });
    assert.equal(st('vacuum.0_ground_floor').state, 'returning');

    home.callService('input_boolean', 'toggle', {}, { entity_id: 'input_boolean.vacation_mode' });
    assert.equal(st('input_boolean.vacation_mode').state, 'on');
    home.callService('homeassistant', 'turn_off', {}, { entity_id: ['input_boolean.vacation_mode', 'switch.ac'] });
    assert.equal(st('input_boolean.vacation_mode').state, 'off');
    assert.equal(st('switch.ac').state, 'off');
  });

  test('scene applies its states; script runs its sequence; notify records messages', () => {
    home.callService('light', 'turn_on', {}, { entity_id: 'light.kitchen_lights' });
    home.callService('scene', 'turn_on', {}, { entity_id: 'scene.romantic_lights' });
    assert.equal(st('light.bed_light').attributes.brightness, 120);
    assert.equal(st('light.ceiling_lights').attributes.color_temp_kelvin, 2700);
    assert.equal(st('light.kitchen_lights').state, 'off');
    assert.ok(!Number.isNaN(Date.parse(st('scene.romantic_lights').state)), 'scene state is the activation time');

    home.callService('lock', 'unlock', {}, { entity_id: 'lock.front_door' });
    home.callService('light', 'turn_on', {}, { area_id: 'hallway' });
    const seen: string[] = [];
    const off = home.onEvent((ev) => {
      if (ev.event_type === 'state_changed') seen.push(`${String(ev.data.entity_id)}`);
    });
    home.callService('script', 'turn_on', {}, { entity_id: 'script.good_night' });
    off();
    assert.equal(st('lock.front_door').state, 'locked');
    assert.equal(st('light.entrance_color_white_lights').state, 'off');
    assert.equal(st('script.good_night').state, 'off');
    assert.ok(seen.includes('script.good_night') && seen.includes('lock.front_door'));
    home.callService('script', 'good_night', {});

    home.callService('notify', 'mobile_app_paulus', { message: 'Door locked', title: 'Butler' });
    assert.deepEqual(home.notifications.at(-1)?.message, 'Door locked');
    assert.equal(home.notifications.at(-1)?.service, 'notify.mobile_app_paulus');
    rejectsWith(() => home.callService('notify', 'notify', { title: 'no body' }), 'invalid_format', /message/);
  });

  test('responses: required/forbidden return_response', () => {
    rejectsWith(
      () => home.callService('weather', 'get_forecasts', { type: 'daily' }, { entity_id: 'weather.demo_weather_north' }),
      'service_validation_error',
      /requires responses/,
    );
    rejectsWith(
      () => home.callService('light', 'turn_on', {}, { entity_id: 'light.bed_light' }, true),
      'service_validation_error',
      /does not return responses/,
    );
    const r = home.callService('weather', 'get_forecasts', { type: 'hourly' }, { entity_id: 'weather.demo_weather_north' }, true);
    assert.ok((r.response as Record<string, unknown>)['weather.demo_weather_north']);
  });

  test('an unchanged write fires no state_changed; last_changed moves only with the state', () => {
    const events: unknown[] = [];
    const off = home.onEvent((ev) => {
      if (ev.event_type === 'state_changed') events.push(ev);
    });
    const before = st('sensor.outside_humidity');
    home.setState('sensor.outside_humidity', before.state);
    assert.equal(events.length, 0);
    home.setState('sensor.outside_humidity', before.state, { note: 1 });
    assert.equal(events.length, 1);
    assert.equal(st('sensor.outside_humidity').last_changed, before.last_changed);
    off();
    rejectsWith(() => home.setState('Bad Id', 'x'), 'invalid_format', /Invalid entity ID/);
  });
});

describe('demo home: REST API', () => {
  const token = 'rest-token';
  let home: DemoHome;
  const auth = { Authorization: `Bearer ${token}` };
  before(async () => {
    home = await startDemoHome({ port: 0, token });
  });
  after(async () => {
    await home.stop();
  });

  test('GET /api/ and friends need the bearer token', async () => {
    const r = await fetch(`${home.httpUrl}/api/`, { headers: auth });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { message: 'API running.' });
    for (const h of [{}, { Authorization: 'Bearer wrong' }, { Authorization: token }] as Record<string, string>[]) {
      const u = await fetch(`${home.httpUrl}/api/states`, { headers: h });
      assert.equal(u.status, 401);
      assert.equal(await u.text(), '401: Unauthorized');
    }
  });

  test('states, one state, config, services', async () => {
    const states = (await (await fetch(`${home.httpUrl}/api/states`, { headers: auth })).json()) as Array<{ entity_id: string }>;
    assert.ok(states.some((s) => s.entity_id === 'lock.front_door'));
    const one = await fetch(`${home.httpUrl}/api/states/lock.front_door`, { headers: auth });
    assert.equal(((await one.json()) as { state: string }).state, 'locked');
    const missing = await fetch(`${home.httpUrl}/api/states/lock.nope`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: 'Entity not found.' });
    const cfg = (await (await fetch(`${home.httpUrl}/api/config`, { headers: auth })).json()) as { version: string };
    assert.equal(cfg.version, '2026.11.0');
    const svcs = (await (await fetch(`${home.httpUrl}/api/services`, { headers: auth })).json()) as Array<{
      domain: string;
      services: Record<string, unknown>;
    }>;
    assert.ok(svcs.find((d) => d.domain === 'light')?.services.turn_on);
  });

  test('POST /api/services/<domain>/<service> acts and returns the changed states', async () => {
    const r = await fetch(`${home.httpUrl}/api/services/lock/unlock`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ entity_id: 'lock.front_door' }),
    });
    assert.equal(r.status, 200);
    const changed = (await r.json()) as Array<{ entity_id: string; state: string }>;
    assert.deepEqual(
      changed.map((s) => [s.entity_id, s.state]),
      [['lock.front_door', 'unlocked']],
    );
    assert.equal(home.getState('lock.front_door')?.state, 'unlocked');
    assert.equal(home.serviceCalls.at(-1)?.service, 'unlock');
    const withResp = await fetch(`${home.httpUrl}/api/services/weather/get_forecasts?return_response`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ entity_id: 'weather.demo_weather_south', type: 'daily' }),
    });
    const body = (await withResp.json()) as { service_response: Record<string, unknown> };
    assert.ok(body.service_response['weather.demo_weather_south']);
  });

  test('bad bodies and unknown services: 400 naming the problem; the server keeps serving', async () => {
    const post = (path: string, body: string) => fetch(`${home.httpUrl}${path}`, { method: 'POST', headers: auth, body });
    let r = await post('/api/services/light/turn_on', '{oops');
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { message: 'Data should be valid JSON.' });
    r = await post('/api/services/light/turn_on', '[1]');
    assert.equal(r.status, 400);
    r = await post('/api/services/light/fly', '{}');
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { message: string }).message, /Service light\.fly not found/);
    r = await post('/api/services/light/turn_on', JSON.stringify({ entity_id: 'light.bed_light', brightness: 999 }));
    assert.equal(r.status, 400);
    assert.match(((await r.json()) as { message: string }).message, /brightness must be between 0 and 255/);
    r = await post('/api/states/sensor.x', JSON.stringify({ attributes: {} }));
    assert.equal(r.status, 400);
    r = await post('/api/states/sensor.x', JSON.stringify({ state: '3', attributes: { unit_of_measurement: 'W' } }));
    assert.equal(r.status, 201);
    assert.equal(home.getState('sensor.x')?.attributes.unit_of_measurement, 'W');
    r = await fetch(`${home.httpUrl}/api/nothing`, { headers: auth });
    assert.equal(r.status, 404);
    assert.equal((await fetch(`${home.httpUrl}/api/`, { headers: auth })).status, 200);
  });
});
