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
  - {name: 家务, id: todo.chores, state: ""}
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

test('numbers said aloud: decimals after "point" / 点, hundreds', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Living Room, id: living_room}
entities:
  - {name: Thermostat, id: climate.thermostat, area: living_room, state: heat, attributes: {current_temperature: 20}}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.equal(r.recognize('set the temperature to twenty one point five degrees')?.slots.temperature, 21.5);
  assert.equal(r.recognize('set the thermostat to 19 point 5')?.slots.temperature, 19.5);
  assert.equal(r.recognize('set the temperature to twenty one degrees')?.slots.temperature, 21, 'a whole number stays whole');
  assert.equal(r.recognize('set a timer for one hundred seconds')?.slots.seconds, 100);
  const z = new IntentRecognizer(ZH, 'zh-cn');
  assert.equal(z.recognize('把温度调到二十一点五度')?.slots.temperature, 21.5);
  assert.equal(z.recognize('现在几点了')?.name, 'HassGetCurrentTime', 'a clock question is not a decimal');
});

test('Chinese: an item ticked off the shopping list or a named list', () => {
  assert.deepEqual(zh.recognize('把购物清单里的牛奶划掉')?.slots, { item: '牛奶' });
  assert.equal(zh.recognize('牛奶买好了')?.name, 'HassShoppingListCompleteItem');
  const r = zh.recognize('把拖地从家务清单里划掉');
  assert.equal(r?.name, 'HassListCompleteItem');
  assert.equal(r?.slots.name, '家务');
  assert.equal(r?.slots.item, '拖地');
});

test('people elsewhere than home, dates from sensors, a scene by its bare name', () => {
  const home = HomeModel.fromFixtures(`
entities:
  - {name: Ada, id: person.ada, state: Work}
  - {name: John, id: person.john, state: home}
  - {name: Next birthday, id: sensor.next_birthday, state: "2024-04-01", attributes: {device_class: date}}
  - {name: Movie Night, id: scene.movie_night}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.deepEqual(r.recognize('is ada at work')?.slots, { domain: 'person', name: 'Ada', state: 'Work' });
  const who = r.recognize('who is at work');
  assert.deepEqual(who?.slots, { domain: 'person', state: 'Work' });
  assert.equal(handleIntent(who!, home, 'en').reply, '1: Ada.');
  assert.equal(r.recognize('when is the next birthday')?.slots.name, 'Next birthday');
  assert.equal(r.recognize('movie night')?.name, 'HassTurnOn');
  assert.equal(r.recognize('is john at the beach'), null, 'a place nobody is in is not a zone');
});

test('everyday state questions: "did I leave …", "is there a …", what a player is doing, "who\'s home"', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
  - {name: Garage, id: garage}
entities:
  - {name: Kitchen Light, id: light.kitchen, area: kitchen, state: "on"}
  - {name: Front Door, id: lock.front_door, state: unlocked}
  - {name: TV, id: media_player.tv, state: playing}
  - {name: Ada, id: person.ada, state: home}
  - {name: Garage Door Sensor, id: binary_sensor.garage_door, area: garage, state: "on", attributes: {device_class: door}}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.deepEqual(r.recognize('did i leave the lights on')?.slots, { domain: 'light', state: 'on' });
  assert.deepEqual(r.recognize('did we leave the front door unlocked')?.slots, { name: 'Front Door', state: 'unlocked', domain: 'lock' });
  assert.equal(handleIntent(r.recognize('did we leave the front door unlocked')!, home, 'en').reply, 'Yes.');
  assert.deepEqual(r.recognize('is the tv playing')?.slots, { name: 'TV', state: 'playing', domain: 'media_player' });
  assert.deepEqual(r.recognize("who's home")?.slots, { domain: 'person', state: 'home' });
  // no lock in the garage: "the garage door" there is not asked about as a lock
  assert.notEqual(r.recognize('is the garage door open')?.slots.domain, 'lock');
  assert.equal(r.recognize('is the front door open')?.slots.domain, 'lock', 'a named lock still is one');
});

test('Chinese everyday phrasing: lights still on anywhere, half brightness, 声音 for volume', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: 客厅, id: living_room}
entities:
  - {name: 客厅灯, id: light.living_room, area: living_room, state: "on"}
  - {name: 电视, id: media_player.tv, area: living_room, state: playing}
`);
  const r = new IntentRecognizer(home, 'zh-cn');
  assert.deepEqual(r.recognize('家里还有灯开着吗')?.slots, { domain: 'light', state: 'on' });
  assert.equal(r.recognize('客厅灯亮度调到一半')?.slots.brightness, 50);
  assert.equal(r.recognize('把电视的声音调到三十')?.slots.volume_level, 30);
});

test('more everyday English: cranking the heat, covers halfway, pause as a noun, named timers, locking up', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Living Room, id: living_room}
entities:
  - {name: Thermostat, id: climate.thermostat, area: living_room, state: heat, attributes: {current_temperature: 20}}
  - {name: Blind, id: cover.blind, area: living_room, state: open, attributes: {device_class: blind}}
  - {name: TV, id: media_player.tv, area: living_room, state: playing}
  - {name: Front Door, id: lock.front_door, state: unlocked}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.equal(r.recognize('crank the heat to 75 degrees')?.slots.temperature, 75);
  assert.deepEqual(r.recognize('open the blinds halfway', { area: 'Living Room' })?.slots, {
    position: 50,
    domain: 'cover',
    device_class: 'blind',
    area: 'Living Room',
  });
  assert.equal(r.recognize('put the tv on pause')?.name, 'HassMediaPause');
  assert.deepEqual(r.recognize('egg timer for 6 minutes')?.slots, { name: 'egg', minutes: 6 });
  assert.equal(r.recognize('start a ten minute timer for the eggs')?.slots.name, 'eggs', 'the article is not part of the name');
  assert.deepEqual(r.recognize('lock up')?.entities, ['lock.front_door']);
});

test('Chinese particles and forms: 您, 给(我) before the verb, measure words with numbers, 看看 before a question, traditional 盞', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: 客厅, id: living_room}
entities:
  - {name: 客厅灯, id: light.living_room, area: living_room, state: "on"}
  - {name: 前门, id: lock.front_door, state: locked}
`);
  const r = new IntentRecognizer(home, 'zh-cn');
  assert.equal(r.recognize('麻烦您把客厅灯打开一下好吗')?.name, 'HassTurnOn');
  assert.deepEqual(r.recognize('帮我把客厅的灯给关了')?.slots, { area: '客厅', domain: 'light' });
  assert.equal(r.recognize('客厅灯给我打开')?.name, 'HassTurnOn');
  assert.equal(r.recognize('客厅那两盏灯关一下')?.name, 'HassTurnOff');
  assert.deepEqual(r.recognize('你帮我看看前门锁了没')?.slots, { domain: 'lock', name: '前门', state: 'locked' });
  assert.equal(r.recognize('把這盞燈關了', { area: '客厅' })?.name, 'HassTurnOff');
});

test('small talk asks how the butler is; a question about several areas at once', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
  - {name: Bedroom, id: bedroom}
entities:
  - {name: Kitchen Light, id: light.kitchen, area: kitchen, state: "on"}
  - {name: Bedroom Lamp, id: light.bedroom, area: bedroom, state: "off"}
`);
  const r = new IntentRecognizer(home, 'en');
  const how = r.recognize('how are you doing today');
  assert.equal(how?.name, 'HassRespond');
  assert.match(handleIntent(how!, home, 'en').reply, /well/);
  assert.match(handleIntent(zh.recognize('你最近怎么样')!, ZH, 'zh-cn').reply, /我很好/);
  const q = r.recognize('are the lights on in the kitchen and bedroom');
  assert.deepEqual(q?.slots, { domain: 'light', state: 'on', area: ['Kitchen', 'Bedroom'] });
  assert.equal(handleIntent(q!, home, 'en').reply, '1: Kitchen Light.');
});

test('questions led in by "do you know", "i wonder", "tell me if …" keep their meaning, embedded word order too', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
  - {name: Garage, id: garage}
entities:
  - {name: Kitchen Light, id: light.kitchen, area: kitchen, state: "on"}
  - {name: Front Door, id: lock.front_door, state: locked}
  - {name: Porch Fan, id: fan.porch, state: "off"}
  - {name: Garage Motion, id: binary_sensor.garage_motion, area: garage, state: "on", attributes: {device_class: motion}}
  - {name: Tablet, id: binary_sensor.tablet_update, state: "on", attributes: {device_class: update}}
  - {name: Oslo, id: weather.oslo, state: rainy}
  - {name: Hall Thermostat, id: climate.hall, state: heat, attributes: {current_temperature: 20}}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('hey, do you know if the front door is locked'), { name: 'Front Door', state: 'locked', domain: 'lock' });
  assert.deepEqual(slots('can you tell me whether the kitchen light is still on'), { name: 'Kitchen Light', state: 'on', domain: 'light' });
  assert.deepEqual(slots('i wonder if any lights are on in the kitchen presently'), { domain: 'light', state: 'on', area: 'Kitchen' });
  assert.deepEqual(slots('are some lights on in the kitchen'), { domain: 'light', state: 'on', area: 'Kitchen' });
  assert.deepEqual(slots('did we lock the front door'), { state: 'locked', name: 'Front Door', domain: 'lock' });
  assert.deepEqual(slots('has the front door been unlocked'), { name: 'Front Door', state: 'unlocked', domain: 'lock' });
  assert.deepEqual(slots('what is the porch fan'), { name: 'Porch Fan', domain: 'fan' });
  assert.equal(slots('has any motion been spotted in the garage')?.device_class, 'motion');
  assert.deepEqual(slots('does the tablet have a software update waiting'), {
    state: 'on',
    name: 'Tablet',
    domain: 'binary_sensor',
    device_class: 'update',
  });
  assert.deepEqual(slots('ok, i want to know whats the weather in oslo'), { name: 'Oslo', domain: 'weather' });
  assert.deepEqual(slots('could you tell me what the temperature is around the kitchen'), { area: 'Kitchen' });
  assert.deepEqual(slots('please tell me what is the current temperature of the hall thermostat'), {
    name: 'Hall Thermostat',
    domain: 'climate',
  });
  // a lead-in is not a command: nothing is switched by a question
  assert.equal(r.recognize('do you know if the kitchen light is on')?.name, 'HassGetState');
});

test('state questions: a kind word after the name, "where\'s", "who\'s at …", what a vacuum or a named thing is doing, bare "status of"', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Hall, id: hall}
entities:
  - {name: Hall ceiling, id: light.hall_ceiling, area: hall, state: "on"}
  - {name: Attic, id: fan.attic, state: "on"}
  - {name: Cellar Door, id: lock.cellar, state: unlocked}
  - {name: Dryer, id: binary_sensor.dryer_running, state: "on", attributes: {device_class: running}}
  - {name: Dusty, id: vacuum.dusty, state: docked}
  - {name: Mia, id: person.mia, state: School}
  - {name: Hall Leak, id: binary_sensor.hall_leak, area: hall, state: "off", attributes: {device_class: moisture}}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('is the hall ceiling lamp still on'), { name: 'Hall ceiling', state: 'on', domain: 'light' });
  assert.deepEqual(slots('is the attic fan spinning'), { name: 'Attic', state: 'on', domain: 'fan' });
  assert.deepEqual(slots('is the cellar door deadbolt locked'), { name: 'Cellar Door', state: 'locked', domain: 'lock' });
  assert.deepEqual(slots("where's mia"), { name: 'Mia', domain: 'person' });
  assert.deepEqual(slots("who's at school"), { domain: 'person', state: 'School' });
  assert.deepEqual(slots('is dusty at its dock'), { name: 'Dusty', state: 'docked', domain: 'vacuum' });
  assert.deepEqual(slots('is the dusty robot vacuuming'), { name: 'Dusty', state: 'cleaning', domain: 'vacuum' });
  assert.equal(slots('what is the dryer doing')?.name, 'Dryer');
  assert.deepEqual(slots('status of the cellar door'), { name: 'Cellar Door', domain: 'lock' });
  assert.deepEqual(slots('cellar door status please'), { name: 'Cellar Door', domain: 'lock' });
  assert.equal(slots('is there a water leak in the hall')?.device_class, 'moisture');
});

test("a reading asked for by the device it belongs to and the quantity, not the sensor's whole name", () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Study, id: study}
entities:
  - {name: Dehumidifier power, id: sensor.dehum_power, state: "120", attributes: {device_class: power, unit_of_measurement: W}}
  - {name: Boiler CO2 sensor, id: sensor.boiler_co2, state: "400", attributes: {device_class: carbon_dioxide, unit_of_measurement: ppm}}
  - {name: Boiler NO2 sensor, id: sensor.boiler_no2, state: "12", attributes: {device_class: nitrogen_dioxide}}
  - {name: Tablet, id: sensor.tablet_battery, state: "80", attributes: {device_class: battery, unit_of_measurement: "%"}}
  - {name: Tablet wifi signal, id: sensor.tablet_signal, state: "-60", attributes: {device_class: signal_strength, unit_of_measurement: dBm}}
  - {name: Study humidity, id: sensor.study_humidity, area: study, state: "40", attributes: {device_class: humidity, unit_of_measurement: "%"}}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('how much power is the dehumidifier drawing'), {
    name: 'Dehumidifier power',
    domain: 'sensor',
    device_class: 'power',
  });
  assert.equal(slots('what is the co2 level of the boiler')?.name, 'Boiler CO2 sensor');
  assert.equal(slots("what's the boiler's no2 concentration")?.name, 'Boiler NO2 sensor');
  // the quantity must pick one of the boiler's sensors
  assert.equal(r.recognize('what is the pressure of the boiler'), null);
  // "tablet" is a whole name too: its battery, unless the quantity fits the other sensor
  assert.equal(slots('what is the battery level of the tablet')?.name, 'Tablet');
  assert.equal(slots('what is the signal strength of the tablet')?.name, 'Tablet wifi signal');
  // a question about something else is no reading: "how many lights are on in the study" has no quantity of the study
  assert.equal(r.recognize('how many tablets are charging in the dehumidifier'), null);
  // an area is never read as a device: the humidity in the study
  assert.deepEqual(slots('what is the humidity in the study'), { device_class: 'humidity', area: 'Study', domain: 'sensor' });
});

test('state questions about the whole home: "in the house", "anywhere", "around the house"', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Den, id: den}
entities:
  - {name: Den Lamp, id: light.den, area: den, state: "on"}
  - {name: House power, id: sensor.house_power, state: "900", attributes: {device_class: power, unit_of_measurement: W}}
`);
  const r = new IntentRecognizer(home, 'en');
  for (const s of ['how many lights are on in the house', 'are there any lights on anywhere', 'which lights are on around the house'])
    assert.deepEqual(r.recognize(s)?.slots, { domain: 'light', state: 'on' }, s);
  assert.match(handleIntent(r.recognize('are any lights on anywhere')!, home, 'en').reply, /Den Lamp/);
  assert.match(handleIntent(r.recognize('how much power is the house using')!, home, 'en').reply, /900/);
});

test('brightness and colour "at", "on", "up to"; a kind word after the light\'s name', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Loft, id: loft}
entities:
  - {name: Reading Nook, id: light.nook, area: loft, state: "off"}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('turn the reading nook up to 80%'), { name: 'Reading Nook', brightness: 80, domain: 'light' });
  assert.deepEqual(slots('set the loft lights at 60 percent'), { area: 'Loft', brightness: 60 });
  assert.deepEqual(slots('put the reading nook lamp on 25%'), { name: 'Reading Nook', brightness: 25, domain: 'light' });
  assert.deepEqual(slots('could you make the reading nook light green'), { name: 'Reading Nook', color: 'green', domain: 'light' });
  // without a level it is still switching on
  assert.equal(r.recognize('put the reading nook lamp on')?.name, 'HassTurnOn');
});

test('a plural name said in the singular; asking for light; "power up"', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Pantry, id: pantry}
entities:
  - {name: Pantry shelves, id: light.pantry_shelves, area: pantry, state: "off"}
  - {name: Patio Doors, id: lock.patio_doors, state: locked}
  - {name: Pantry Lamp, id: light.pantry_lamp, area: pantry, state: "off"}
  - {name: Radio, id: media_player.radio, state: "off"}
`);
  const r = new IntentRecognizer(home, 'en');
  const got = (s: string) => {
    const g = r.recognize(s);
    return g && { intent: g.name, ...g.slots };
  };
  assert.deepEqual(got('turn on the pantry shelf lights'), { intent: 'HassTurnOn', name: 'Pantry shelves', domain: 'light' });
  assert.deepEqual(got('is the patio door locked'), { intent: 'HassGetState', name: 'Patio Doors', state: 'locked', domain: 'lock' });
  // never the other way round: "the pantry lamps" are the pantry's lights
  assert.deepEqual(got('turn off the pantry lamps'), { intent: 'HassTurnOff', area: 'Pantry', domain: 'light' });
  assert.deepEqual(got('i need some light in the pantry'), { intent: 'HassTurnOn', domain: 'light', area: 'Pantry' });
  assert.deepEqual(got('we could use more light in here'), { intent: 'HassTurnOn', domain: 'light' });
  assert.equal(got('i need flour')?.intent, 'HassShoppingListAddItem');
  assert.equal(got('power up the radio')?.intent, 'HassTurnOn');
});

test('other ways to ask for something to be played, a camera to watch, and the weather', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Lounge, id: lounge}
entities:
  - {name: Projector, id: media_player.projector, area: lounge, state: idle}
  - {name: Porch, id: camera.porch}
  - {name: Oslo, id: weather.oslo, state: rainy}
`);
  const r = new IntentRecognizer(home, 'en');
  const got = (s: string) => {
    const g = r.recognize(s);
    return g && { intent: g.name, ...g.slots };
  };
  assert.deepEqual(got('i want to listen to the rolling stones'), { intent: 'HassMediaSearchAndPlay', search_query: 'the rolling stones' });
  assert.deepEqual(got("let's watch the matrix on the projector"), {
    intent: 'HassMediaSearchAndPlay',
    search_query: 'the matrix',
    name: 'Projector',
    domain: 'media_player',
  });
  assert.deepEqual(got('could you play some jazz in the lounge'), {
    intent: 'HassMediaSearchAndPlay',
    search_query: 'jazz',
    area: 'Lounge',
  });
  assert.deepEqual(got('play something by abba on the projector'), {
    intent: 'HassMediaSearchAndPlay',
    media_class: 'artist',
    search_query: 'abba',
    name: 'Projector',
    domain: 'media_player',
  });
  assert.equal(got("let's watch the porch feed")?.intent, 'ButlerShowCamera');
  for (const s of [
    'tell me about the weather',
    "how's the weather looking",
    "what's it like outside",
    'is it nice out there',
    'current weather',
  ])
    assert.deepEqual(got(s), { intent: 'HassGetWeather' }, s);
  for (const s of ["what's oslo like today", 'how hot is it in oslo', 'oslo weather please', "what's the temperature in oslo"])
    assert.deepEqual(got(s), { intent: 'HassGetWeather', name: 'Oslo', domain: 'weather' }, s);
  // a room is still a room
  assert.deepEqual(got("what's the temperature in the lounge"), { intent: 'HassClimateGetTemperature', area: 'Lounge' });
});

test('binary sensors and covers: negative questions, "has … been", "going off", possessives, problems, positions', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Attic, id: attic}
entities:
  - {name: Back Gate, id: lock.back_gate, state: locked}
  - {name: Attic Smoke, id: binary_sensor.attic_smoke, area: attic, state: "off", attributes: {device_class: smoke}}
  - {name: Alarm Bell, id: binary_sensor.bell, state: "on", attributes: {device_class: sound}}
  - {name: Safe, id: binary_sensor.safe_tamper, state: "off", attributes: {device_class: tamper}}
  - {name: Watch, id: binary_sensor.watch_battery, state: "on", attributes: {device_class: battery}}
  - {name: Watch, id: binary_sensor.watch_charging, state: "off", attributes: {device_class: battery_charging}}
  - {name: Grid, id: binary_sensor.grid, state: "on", attributes: {device_class: power}}
  - {name: Boiler, id: binary_sensor.boiler_problem, state: "off", attributes: {device_class: problem}}
  - {name: Study Blind, id: cover.study_blind, state: open, attributes: {device_class: blind, current_position: 40}}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots("isn't the back gate locked"), { name: 'Back Gate', state: 'locked', domain: 'lock' });
  assert.equal(slots('has the safe been tampered with')?.device_class, 'tamper');
  assert.deepEqual(slots('is the alarm bell going off'), {
    name: 'Alarm Bell',
    state: 'on',
    domain: 'binary_sensor',
    device_class: 'sound',
  });
  assert.equal(slots('is the attic smoke detector going off')?.device_class, 'smoke');
  assert.deepEqual(slots("is the watch's battery low"), { name: 'Watch', state: 'on', domain: 'binary_sensor', device_class: 'battery' });
  assert.equal(slots('is the watch on the charger')?.device_class, 'battery_charging');
  assert.equal(slots('is the grid power on')?.device_class, 'power');
  assert.deepEqual(slots('does the boiler have a problem'), {
    state: 'on',
    name: 'Boiler',
    domain: 'binary_sensor',
    device_class: 'problem',
  });
  assert.equal(slots('is there an issue with the boiler')?.name, 'Boiler');
  assert.equal(slots('any smoke in the attic')?.area, 'Attic');
  assert.equal(slots('how far open is the study blind')?.name, 'Study Blind');
  assert.equal(slots("what's the position of the study blind")?.name, 'Study Blind');
});

test("readings asked for by more of Home Assistant's sensor classes", () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Workshop, id: workshop}
entities:
  - {name: Router signal, id: sensor.router_signal, area: workshop, state: "-50", attributes: {device_class: signal_strength, unit_of_measurement: dBm}}
  - {name: Scale, id: sensor.scale, state: "72", attributes: {device_class: weight, unit_of_measurement: kg}}
  - {name: Air VOC, id: sensor.air_voc, state: "12", attributes: {device_class: volatile_organic_compounds}}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.deepEqual(r.recognize("what's the signal strength in the workshop")?.slots, {
    device_class: 'signal_strength',
    area: 'Workshop',
    domain: 'sensor',
  });
  assert.equal(r.recognize('what is the weight')?.slots.device_class, 'weight');
  assert.equal(r.recognize('what is the voc level')?.slots.device_class, 'volatile_organic_compounds');
  // a class no sensor here has is not a reading
  assert.equal(r.recognize('what is the nitrous oxide level'), null);
});

test('climate modes, what a player is playing, where a vacuum is, "which lights did we leave on", a named sensor elsewhere', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Nursery, id: nursery}
entities:
  - {name: Nursery Lamp, id: light.nursery, area: nursery, state: "on"}
  - {name: Light, id: binary_sensor.light_level, state: "off", attributes: {device_class: light}}
  - {name: Heat Pump, id: climate.heat_pump, state: cool}
  - {name: Stereo, id: media_player.stereo, state: playing}
  - {name: Robbie, id: vacuum.robbie, state: cleaning}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  // the sensor named "Light" is not in the nursery: the nursery's light is meant
  assert.deepEqual(slots('is the light in the nursery on'), { domain: 'light', area: 'Nursery', state: 'on' });
  assert.deepEqual(slots('is the heat pump cooling'), { name: 'Heat Pump', state: 'cool', domain: 'climate' });
  assert.deepEqual(slots('what mode is the heat pump in'), { name: 'Heat Pump', domain: 'climate' });
  assert.deepEqual(slots('what is the stereo playing'), { name: 'Stereo', domain: 'media_player' });
  assert.deepEqual(slots('is anything playing on the stereo'), { name: 'Stereo', domain: 'media_player' });
  assert.deepEqual(slots('where is robbie'), { name: 'Robbie', domain: 'vacuum' });
  assert.deepEqual(slots("what's robbie doing"), { name: 'Robbie', domain: 'vacuum' });
  assert.deepEqual(slots('which lights did we leave on'), { domain: 'light', state: 'on' });
});

test('weather asked about when and where in either order, and in looser words', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
entities:
  - {name: Lisbon, id: weather.lisbon, state: sunny}
  - {name: Kitchen Thermostat, id: climate.kitchen, area: kitchen, state: heat, attributes: {current_temperature: 20}}
`);
  const r = new IntentRecognizer(home, 'en');
  const got = (s: string) => {
    const g = r.recognize(s);
    return g && { intent: g.name, ...g.slots };
  };
  for (const s of [
    "how's the weather in lisbon looking",
    "what's the forecast for tomorrow in lisbon",
    "what's the weather going to be like in lisbon this weekend",
    'is the weather nice in lisbon',
    'do i need an umbrella in lisbon',
    "what's the temperature outside in lisbon",
  ])
    assert.deepEqual(got(s), { intent: 'HassGetWeather', name: 'Lisbon', domain: 'weather' }, s);
  for (const s of ["what's it doing outside", 'hows the weather', 'what kind of weather are we having', 'give me the weather report'])
    assert.deepEqual(got(s), { intent: 'HassGetWeather' }, s);
  assert.equal(got("what's the temperature in the kitchen")?.intent, 'HassClimateGetTemperature');
});

test('either-or questions ask about the first state; people who left or got home; covers that have been closed', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Den, id: den}
entities:
  - {name: Side Gate, id: lock.side_gate, state: unlocked}
  - {name: Den Lamp, id: light.den, area: den, state: "off"}
  - {name: Sam, id: person.sam, state: not_home}
  - {name: Den Blind, id: cover.den_blind, area: den, state: closed, attributes: {device_class: blind}}
  - {name: Occupancy, id: binary_sensor.den_occupancy, area: den, state: "on", attributes: {device_class: occupancy}}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('is the side gate locked or unlocked'), { name: 'Side Gate', state: 'locked', domain: 'lock' });
  assert.deepEqual(slots('is the den lamp on or not'), { name: 'Den Lamp', state: 'on', domain: 'light' });
  assert.deepEqual(slots('has sam left'), { name: 'Sam', state: 'not_home', domain: 'person' });
  assert.deepEqual(slots('has sam got home yet'), { name: 'Sam', state: 'home', domain: 'person' });
  assert.deepEqual(slots('is sam out of the house'), { name: 'Sam', state: 'not_home', domain: 'person' });
  assert.deepEqual(slots('has the den blind been closed'), { name: 'Den Blind', state: 'closed', domain: 'cover', device_class: 'blind' });
  // someone in a room is still a sensor question, not a person's whereabouts
  assert.equal(slots('is someone in the den')?.device_class, 'occupancy');
});

test('a name that starts with its area may be said without it, unless what is left is a plain kind word', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
  - {name: Bedroom, id: bedroom}
entities:
  - {name: Kitchen island, id: light.kitchen_island, area: kitchen, state: "on"}
  - {name: Kitchen Lamp, id: light.kitchen_lamp, area: kitchen, state: "off"}
  - {name: Bedroom Lamp, id: light.bedroom_lamp, area: bedroom, state: "off"}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('turn on the island lights'), { name: 'Kitchen island', domain: 'light' });
  assert.deepEqual(slots('is the island light on'), { name: 'Kitchen island', state: 'on', domain: 'light' });
  // "lamp" is a kind word: every lamp, not the kitchen's
  assert.deepEqual(slots('turn on the lamp'), { domain: 'light' });
});

test('"when\'s" a date, how much it rained, how much a device has produced or used', () => {
  const home = HomeModel.fromFixtures(`
entities:
  - {name: Next holiday, id: sensor.next_holiday, state: "2026-12-24", attributes: {device_class: date}}
  - {name: Rain gauge, id: sensor.rain_gauge, state: "4", attributes: {device_class: precipitation, unit_of_measurement: mm}}
  - {name: Roof solar energy, id: sensor.roof_solar_energy, state: "9", attributes: {device_class: energy, unit_of_measurement: kWh}}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.equal(r.recognize("when's the next holiday")?.slots.name, 'Next holiday');
  assert.equal(r.recognize('how much did it rain today')?.slots.device_class, 'precipitation');
  assert.equal(r.recognize('how much energy has the roof solar generated')?.slots.name, 'Roof solar energy');
});

test('"how big", "how loud", "how heavy" ask for the device\'s reading of that quantity', () => {
  const home = HomeModel.fromFixtures(`
entities:
  - {name: Backup archive size, id: sensor.backup_size, state: "3", attributes: {device_class: data_size, unit_of_measurement: GB}}
  - {name: Backup archive age, id: sensor.backup_age, state: "2", attributes: {device_class: duration, unit_of_measurement: d}}
  - {name: Subwoofer sound level, id: sensor.sub_db, state: "70", attributes: {device_class: sound_pressure, unit_of_measurement: dB}}
`);
  const r = new IntentRecognizer(home, 'en');
  assert.equal(r.recognize('how big is the backup archive')?.slots.name, 'Backup archive size');
  assert.equal(r.recognize('how loud is the subwoofer')?.slots.name, 'Subwoofer sound level');
  // nothing of the backup archive weighs anything
  assert.equal(r.recognize('how heavy is the backup archive'), null);
});

test('"get the fan going", "illuminate the kitchen", "please thank you", a short plural name in the singular', () => {
  const home = HomeModel.fromFixtures(`
areas:
  - {name: Kitchen, id: kitchen}
entities:
  - {name: Kitchen shelves, id: light.kitchen_shelves, area: kitchen, state: "off"}
  - {name: Attic Fan, id: fan.attic, state: "off"}
`);
  const r = new IntentRecognizer(home, 'en');
  const slots = (s: string) => r.recognize(s)?.slots;
  assert.deepEqual(slots('get the attic fan going'), { name: 'Attic Fan', domain: 'fan' });
  assert.deepEqual(slots('illuminate the kitchen'), { domain: 'light', area: 'Kitchen' });
  assert.deepEqual(slots('turn on the attic fan please thank you'), { name: 'Attic Fan', domain: 'fan' });
  assert.deepEqual(slots('turn the shelf lights on'), { name: 'Kitchen shelves', domain: 'light' });
  // going is not stopping
  assert.equal(r.recognize('get the attic fan going')?.name, 'HassTurnOn');
});
