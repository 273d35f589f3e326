// Coverage by construction: device-class questions, readings asked for by what they measure, the lawn mower, in both
// languages, with what the handler then does or says. A home with the devices those sentences are about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HomeModel } from '../src/brain/intents/home';
import { IntentRecognizer } from '../src/brain/intents/recognizer';
import { handleIntent } from '../src/brain/intents/handler';

const EN = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
  - {name: Living Room, id: living_room}
  - {name: Garden, id: garden}
entities:
  - {name: Kitchen Leak, id: binary_sensor.kitchen_leak, area: kitchen, state: "on", attributes: {device_class: moisture}}
  - {name: Shed Window, id: binary_sensor.shed_window, state: "on", attributes: {device_class: window}}
  - {name: Back Door Contact, id: binary_sensor.back_door, state: "off", attributes: {device_class: door}}
  - {name: Living room humidity, id: sensor.lr_humidity, state: "48", attributes: {device_class: humidity, unit_of_measurement: "%"}}
  - {name: Kitchen humidity, id: sensor.kitchen_humidity, area: kitchen, state: "61", attributes: {device_class: humidity, unit_of_measurement: "%"}}
  - {name: Robomow, id: lawn_mower.robomow, area: garden, state: docked}
`);
const ZH = HomeModel.fromFixtures(`
areas:
  - {name: 厨房, id: kitchen}
  - {name: 客厅, id: living_room}
entities:
  - {name: 客厅湿度, id: sensor.lr_humidity, area: living_room, state: "55", attributes: {device_class: humidity, unit_of_measurement: "%"}}
  - {name: 割草机, id: lawn_mower.mower, state: docked}
`);
const en = new IntentRecognizer(EN, 'en');
const zh = new IntentRecognizer(ZH, 'zh-cn');

test('device-class questions: wet floors, anything open', () => {
  assert.deepEqual(en.recognize('is the kitchen floor wet')?.slots, {
    area: 'Kitchen',
    state: 'on',
    domain: 'binary_sensor',
    device_class: 'moisture',
  });
  const open = en.recognize('is anything open');
  assert.equal(open?.name, 'HassGetState');
  assert.deepEqual([...((open?.slots.device_class ?? []) as string[])].sort(), ['door', 'garage_door', 'opening', 'window']);
  assert.equal(handleIntent(open!, EN, 'en').reply, '1: Shed Window.', 'only what is open, of every kind that opens');
  assert.equal(en.recognize('is any window open')?.slots.device_class, 'window', 'a named kind stays one kind');
});

test('readings by what they measure: in an area, named after it, or from where the speaker is', () => {
  const k = en.recognize('what is the humidity in the kitchen');
  assert.deepEqual(k?.slots, { device_class: 'humidity', area: 'Kitchen', domain: 'sensor' });
  assert.deepEqual(k?.entities, ['sensor.kitchen_humidity']);
  assert.match(handleIntent(k!, EN, 'en').reply, /^Kitchen humidity is 61/);
  // no sensor assigned to the living room: the one named after it answers
  assert.deepEqual(en.recognize('how humid is it in the living room')?.entities, ['sensor.lr_humidity']);
  assert.deepEqual(en.recognize("what's the humidity", { area: 'Kitchen' })?.entities, ['sensor.kitchen_humidity']);
  // nothing measures it in this home: not understood as a reading
  assert.equal(en.recognize('what is the air quality in the kitchen'), null);
  const z = zh.recognize('客厅的湿度怎么样');
  assert.deepEqual(z?.entities, ['sensor.lr_humidity']);
  assert.match(handleIntent(z!, ZH, 'zh-cn').reply, /客厅湿度/);
});

test('the lawn mower starts and docks, by name or by what it is, in both languages', () => {
  for (const t of ['mow the lawn', 'start the lawn mower', 'start mowing', 'have robomow cut the grass']) {
    const r = en.recognize(t);
    assert.equal(r?.name, 'HassLawnMowerStartMowing', t);
    assert.deepEqual(handleIntent(r!, EN, 'en').actions, [
      {
        action_type: 'ha_call_service',
        params: { domain: 'lawn_mower', service: 'start_mowing', target: { entity_id: ['lawn_mower.robomow'] } },
      },
    ]);
  }
  for (const t of ['dock the mower', 'send robomow back to its dock', 'stop mowing'])
    assert.equal(en.recognize(t)?.name, 'HassLawnMowerDock', t);
  assert.equal(en.recognize('send robomow home')?.slots.name, 'Robomow');
  const z = zh.recognize('让割草机去割草');
  assert.equal(z?.name, 'HassLawnMowerStartMowing');
  assert.equal(handleIntent(z!, ZH, 'zh-cn').reply, '割草机开始割草了。');
  assert.equal(zh.recognize('割草机回去充电')?.name, 'HassLawnMowerDock');
  // a home without a mower says so instead of pretending
  const none = HomeModel.fromFixtures('entities:\n  - {name: Lamp, id: light.lamp, state: "off"}\n');
  const o = handleIntent(new IntentRecognizer(none, 'en').recognize('mow the lawn')!, none, 'en');
  assert.deepEqual(o.actions, []);
  assert.match(o.reply, /no lawn mower/);
});
