import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HomeModel, HomeModelError } from '../src/brain/intents/home';
import { IntentRecognizer, detectLanguage } from '../src/brain/intents/recognizer';
import { canBegin, expandStrings, firstWords, parseTemplate, SentenceMatcher, TemplateError } from '../src/brain/intents/template';
import { tokenStrings } from '../src/brain/intents/tokenize';
import { EN_HOME, ZH_HOME } from './intents-fixture';

const en = new IntentRecognizer(HomeModel.fromFixtures(EN_HOME), 'en');
const zh = new IntentRecognizer(HomeModel.fromFixtures(ZH_HOME), 'zh-cn');

function rec(r: IntentRecognizer, text: string, area?: string) {
  return r.recognize(text, area ? { area } : undefined);
}

describe('template engine', () => {
  test('tokenizer splits Han characters, keeps decimals and contractions', () => {
    assert.deepEqual(tokenStrings("What's PM2.5 at 20.5%?"), ['what', "'s", 'pm2.5', 'at', '20.5', '%']);
    assert.deepEqual(tokenStrings('打开TV的灯'), ['打', '开', 'tv', '的', '灯']);
  });
  test('expands names written as templates', () => {
    assert.deepEqual(expandStrings("Trader Joe[']s").sort(), ["Trader Joe's", 'Trader Joes']);
  });
  test('the words a template can begin with: through optionals, across alternatives, anything at a slot', () => {
    const none = () => ({ k: 'seq' as const, items: [] });
    const f = firstWords(parseTemplate('[please] (turn|switch) [the] {name} on', none));
    assert.deepEqual([...f.words].sort(), ['please', 'switch', 'turn']);
    assert.equal(f.open, false);
    assert.ok(canBegin(f, 'turn') && canBegin(f, 'please') && !canBegin(f, 'the') && !canBegin(f, null));
    assert.equal(firstWords(parseTemplate('[the] {area} lights', none)).open, true, 'a slot after an optional: anything');
    assert.equal(firstWords(parseTemplate('[please]', none)).empty, true);
    // pruning changes nothing a template reads: optional words skipped, the right alternative found after a miss
    const lists = (name: string) => (name === 'name' ? { kind: 'wildcard' as const } : undefined);
    const node = parseTemplate('[please] (switch|turn) [the] {name} (on|off)', none);
    for (const text of ['turn the porch light on', 'please switch porch off', 'switch on', 'the porch on']) {
      const parses = SentenceMatcher.of(text, lists as never).matchAll(node);
      assert.equal(parses.length > 0, !['switch on', 'the porch on'].includes(text), text);
    }
  });
  test('bad templates are rejected with the reason', () => {
    assert.throws(() => parseTemplate('turn (on|off', () => ({ k: 'seq', items: [] })), TemplateError);
    assert.throws(() => parseTemplate('turn {name', () => ({ k: 'seq', items: [] })), /unclosed/);
  });
});

describe('English', () => {
  test('area + domain, floor, name, context', () => {
    assert.deepEqual(rec(en, 'turn on the kitchen lights')?.slots, { area: 'Kitchen', domain: 'light' });
    assert.deepEqual(rec(en, 'turn on the kitchen lights')?.entities?.sort(), ['light.kitchen_ceiling', 'light.kitchen_counter']);
    assert.equal(rec(en, 'switch off all lights on the first floor')?.slots.floor, 'First Floor');
    const r = rec(en, 'turn the kitchen ceiling off');
    assert.equal(r?.name, 'HassTurnOff');
    assert.equal(r?.slots.name, 'Kitchen Ceiling');
    assert.deepEqual(r?.entities, ['light.kitchen_ceiling']);
    assert.deepEqual(rec(en, 'turn off the lights', 'Bedroom')?.slots, { domain: 'light', area: 'Bedroom' });
    assert.equal(rec(en, 'lights on in the lounge')?.slots.area, 'Living Room');
  });
  test('names with template syntax and shared names', () => {
    const r = rec(en, 'put apples on the trader joes list');
    assert.equal(r?.name, 'HassListAddItem');
    assert.equal(r?.slots.item, 'apples');
    assert.equal(r?.slots.name, 'Trader Joes');
    const p = rec(en, 'is the phone unplugged?');
    assert.deepEqual(p?.slots, { name: 'Phone', domain: 'binary_sensor', device_class: 'plug', state: 'off' });
    assert.deepEqual(p?.entities, ['binary_sensor.phone_plug']);
  });
  test('numbers, durations, colours', () => {
    assert.deepEqual(rec(en, 'set the bedroom lamp brightness to 40%')?.slots, { name: 'Bedroom Lamp', brightness: 40, domain: 'light' });
    assert.equal(rec(en, 'make the lights blue in here', 'Kitchen')?.slots.color, 'blue');
    assert.deepEqual(rec(en, 'set a timer for one hour and 15 minutes')?.slots, { hours: 1, minutes: 15 });
    assert.deepEqual(rec(en, 'set a timer for twenty five minutes')?.slots, { minutes: 25 });
    assert.equal(rec(en, 'set brightness to 150%', 'Bedroom'), null, 'brightness is a 0-100 range');
  });
  test('questions and media', () => {
    assert.deepEqual(rec(en, 'is the front door locked?')?.slots, { name: 'Front Door', state: 'locked', domain: 'lock' });
    assert.equal(rec(en, 'which lights are on in the kitchen?')?.slots.state, 'on');
    assert.deepEqual(rec(en, 'play Abbey Road album on the TV')?.slots, {
      search_query: 'Abbey Road',
      media_class: 'album',
      name: 'TV',
      domain: 'media_player',
    });
    assert.equal(rec(en, "what's the time")?.name, 'HassGetCurrentTime');
  });
  test("the butler's own intents", () => {
    assert.deepEqual(rec(en, 'turn on privacy mode')?.slots, { enabled: 'on' });
    assert.deepEqual(rec(en, 'privacy mode off please')?.slots, { enabled: 'off' });
    assert.deepEqual(rec(en, "I'm leaving")?.slots, { mode: 'away' });
    assert.deepEqual(rec(en, 'good night')?.slots, { mode: 'night' });
    assert.deepEqual(rec(en, "I'm back")?.slots, { mode: 'home' });
    assert.deepEqual(rec(en, 'set home mode to away')?.slots, { mode: 'away' });
    assert.deepEqual(rec(en, 'show me the front door')?.slots, { name: 'front door' });
    assert.deepEqual(rec(en, 'show me the front door camera')?.slots.name, 'Front Door Camera');
    const m = rec(en, 'tell Anna that dinner is ready');
    assert.equal(m?.name, 'ButlerSendMessage');
    assert.deepEqual(m?.slots, { person: 'Anna', message: 'dinner is ready' });
    assert.deepEqual(rec(en, 'remember that I like the bedroom at 20 degrees')?.slots, { fact: 'I like the bedroom at 20 degrees' });
    assert.deepEqual(rec(en, 'what do you know about the bedroom')?.slots, { topic: 'bedroom' });
  });
  test('several areas at once become a list, with the devices of all of them', () => {
    const r = rec(en, 'turn off the lights in the kitchen and the bedroom');
    assert.deepEqual(r?.slots, { domain: 'light', area: ['Kitchen', 'Bedroom'] });
    assert.deepEqual(r?.entities?.sort(), ['light.bedroom_lamp', 'light.kitchen_ceiling', 'light.kitchen_counter']);
    assert.deepEqual(rec(en, 'switch on the kitchen, lounge and bedroom lights')?.slots.area, ['Kitchen', 'Living Room', 'Bedroom']);
    assert.deepEqual(rec(en, 'close the curtains in the living room and the bedroom')?.slots, {
      domain: 'cover',
      device_class: 'curtain',
      area: ['Living Room', 'Bedroom'],
    });
    assert.deepEqual(rec(zh, '打开厨房和卧室的灯')?.slots, { area: ['厨房', '卧室'], domain: 'light' });
  });
  test("Home Assistant's shorter forms: a name alone, a colour without a verb, a doubled determiner", () => {
    assert.deepEqual(rec(en, 'the ceiling fan'), {
      name: 'HassTurnOn',
      slots: { name: 'Ceiling Fan', domain: 'fan' },
      entities: ['fan.ceiling'],
    });
    // only things with an obvious "on": a lock or a curtain named alone is no command
    assert.equal(rec(en, 'the front door'), null);
    assert.equal(rec(en, 'curtain left'), null);
    assert.deepEqual(rec(en, 'bedroom lamp to red')?.slots, { name: 'Bedroom Lamp', color: 'red', domain: 'light' });
    assert.equal(rec(en, 'the kitchen ceiling to off')?.name, 'HassTurnOff');
    // "my the", "the the": the second determiner is the one that counts, and the rest of the sentence still reads
    assert.deepEqual(rec(en, 'turn on my the kitchen lights')?.slots, { area: 'Kitchen', domain: 'light' });
    assert.equal(rec(en, 'play the the office')?.slots.search_query, 'the office');
  });
  test('garbage gives null, never throws', () => {
    for (const junk of ['', '   ', '???', 'colorless green ideas sleep furiously', '\u0000\uffff', 'turn'.repeat(200)]) {
      assert.equal(en.recognize(junk), null, junk.slice(0, 20));
    }
  });
});

describe('Chinese', () => {
  test('devices and butler intents', () => {
    assert.deepEqual(rec(zh, '打开卧室的灯')?.slots, { area: '卧室', domain: 'light' });
    assert.deepEqual(rec(zh, '把卧室灯关闭')?.slots, { name: '卧室灯', domain: 'light' });
    assert.equal(rec(zh, '打开前门的锁')?.name, 'HassTurnOff');
    assert.deepEqual(rec(zh, '设置一个十五分钟的计时器')?.slots, { minutes: 15 });
    assert.deepEqual(rec(zh, '开启隐私模式')?.slots, { enabled: 'on' });
    assert.deepEqual(rec(zh, '关闭隐私模式')?.slots, { enabled: 'off' });
    assert.deepEqual(rec(zh, '我出门了')?.slots, { mode: 'away' });
    assert.deepEqual(rec(zh, '告诉小明晚饭好了')?.slots, { person: '小明', message: '晚饭好了' });
    assert.equal(zh.recognize('！？。'), null);
  });
  test('detectLanguage', () => {
    assert.equal(detectLanguage('开灯'), 'zh-cn');
    assert.equal(detectLanguage('turn on the TV'), 'en');
  });
});

describe('HomeModel', () => {
  test('fixtures errors name the problem', () => {
    assert.throws(() => HomeModel.fromFixtures('areas: 5'), /"areas" must be a list/);
    assert.throws(() => HomeModel.fromFixtures('entities:\n  - {name: X, id: nodot}'), HomeModelError);
    assert.throws(() => HomeModel.fromFixtures('{ : ['), /not valid YAML/);
  });
  test('from Home Assistant registries and states', () => {
    const states = new Map([
      ['light.a', { entity_id: 'light.a', state: 'on', attributes: { friendly_name: 'Desk Light' }, last_changed: '', last_updated: '' }],
      ['light.b', { entity_id: 'light.b', state: 'off', attributes: {}, last_changed: '', last_updated: '' }],
      ['light.c', { entity_id: 'light.c', state: 'off', attributes: {}, last_changed: '', last_updated: '' }],
    ]);
    const home = HomeModel.fromHomeAssistant(
      {
        areas: [{ area_id: 'study', name: 'Study', floor_id: null, aliases: ['Office'] }],
        floors: [],
        devices: [{ id: 'd1', name: 'Lamp', name_by_user: null, area_id: 'study', manufacturer: null, model: null }],
        entities: [
          { entity_id: 'light.b', name: null, original_name: 'Reading Lamp', area_id: null, device_id: 'd1', aliases: ['Book Light'] },
          { entity_id: 'light.c', name: 'Hidden', area_id: null, device_id: null, hidden_by: 'user' },
        ],
      },
      states,
    );
    assert.equal(home.entities.length, 2);
    const r = new IntentRecognizer(home, 'en');
    assert.deepEqual(r.recognize('turn on the book light')?.entities, ['light.b']);
    assert.deepEqual(r.recognize('turn off the lights in the office')?.entities, ['light.b']);
    assert.deepEqual(r.recognize('turn off desk light')?.entities, ['light.a']);
    assert.equal(r.recognize('turn off hidden'), null);
  });
});
