// Replies in the speaker's words, what the butler says when nothing understood, and understanding that generalises
// (forms no development sentence uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HomeModel } from '../src/brain/intents/home';
import { IntentRecognizer } from '../src/brain/intents/recognizer';
import { handleIntent } from '../src/brain/intents/handler';
import { Understander } from '../src/brain/understanding';
import { failureWords, groundedReply, notSaved, notUnderstood } from '../src/conversation/replies';
import type { HassState } from '../src/ha/types';

// A bilingual home: English names with Chinese aliases.
const HOME = `
areas:
  - {name: Kitchen, id: kitchen, aliases: [厨房]}
  - {name: Living Room, id: living_room, aliases: [客厅]}
  - {name: Bedroom, id: bedroom, aliases: [卧室]}
entities:
  - {name: Kitchen Ceiling, id: light.kitchen_ceiling, area: kitchen, state: "on", aliases: [厨房吊灯]}
  - {name: Bedroom Light, id: light.bedroom, area: bedroom, state: "off", aliases: [卧室灯]}
  - {name: Garage Door, id: cover.garage_door, state: closed, attributes: {device_class: garage}, aliases: [车库门]}
  - {name: Living Room Curtain, id: cover.living_room_curtain, area: living_room, state: open, attributes: {device_class: curtain}, aliases: [客厅窗帘]}
  - {name: TV, id: media_player.tv, area: living_room, state: idle, aliases: [电视]}
  - {name: Front Door, id: lock.front_door, state: locked, aliases: [前门]}
  - {name: Kitchen Leak, id: binary_sensor.kitchen_leak, area: kitchen, state: "off", attributes: {device_class: moisture}}
`;
const home = HomeModel.fromFixtures(HOME);
const en = new IntentRecognizer(home, 'en');
const zh = new IntentRecognizer(home, 'zh-cn');

function say(text: string, language: 'en' | 'zh-cn' = 'en', area?: string) {
  const i = (language === 'en' ? en : zh).recognize(text, area ? { area } : undefined);
  assert.ok(i, `not understood: ${text}`);
  return { intent: i, ...handleIntent(i, home, language) };
}

const targetsOf = (o: { actions: { params: Record<string, unknown> }[] }): string[] =>
  o.actions.flatMap((a) => (a.params.target as { entity_id: string[] } | undefined)?.entity_id ?? []);

test('a Chinese reply names areas and things by their Chinese aliases, an English one by their friendly names', () => {
  assert.equal(say('打开卧室灯', 'zh-cn').reply, '已打开卧室灯。');
  assert.equal(say('打开厨房的灯', 'zh-cn').reply, '已打开厨房的灯。');
  assert.equal(say('turn on the bedroom light').reply, 'Turned on the Bedroom Light.');
  assert.equal(say('锁上前门', 'zh-cn').reply, '已锁上前门。');
  assert.doesNotMatch(say('打开客厅窗帘', 'zh-cn').reply, /[A-Za-z]/, 'no English name in a Chinese reply');
});

test('a state or a colour said in a Chinese reply is in Chinese words, in an English one as Home Assistant has it', () => {
  assert.equal(say('前门没锁吗', 'zh-cn').reply, '不是，前门：已上锁。');
  assert.equal(say('电视是开着的吗', 'zh-cn').reply, '不是，电视：空闲。');
  assert.equal(say('把卧室灯调成红色', 'zh-cn').reply, '已将卧室灯调成红色。');
  assert.equal(say('is the front door unlocked').reply, 'No, Front Door is locked.');
});

test('the reply says what was done to what: the garage door, not "all the covers"', () => {
  const o = say('open the garage door');
  assert.deepEqual(targetsOf(o), ['cover.garage_door']);
  assert.equal(o.reply, 'Opened the Garage Door.');
  const z = say('打开车库门', 'zh-cn');
  assert.deepEqual(targetsOf(z), ['cover.garage_door']);
  assert.equal(z.reply, '已打开车库门。');
});

test('timers are said in a person’s units', () => {
  const o = say('set a timer for 5 minutes');
  assert.equal(o.reply, '5-minute timer started.');
  assert.equal(o.actions[0].params.delay_sec, 300);
  assert.equal(say('set a timer for an hour and a half').reply, 'Timer for 1 hour 30 minutes started.');
  assert.equal(say('设一个五分钟的计时器', 'zh-cn').reply, '已开始5分钟的计时。');
  const q = say('一刻钟的计时器', 'zh-cn');
  assert.equal(q.actions[0].params.delay_sec, 900);
});

test('"play some music in the living room" says what it did, on which player', () => {
  const o = say('play some music in the living room');
  assert.deepEqual(targetsOf(o), ['media_player.tv']);
  assert.equal(o.actions[0].params.service, 'play_media');
  assert.equal(o.reply, 'Playing music on the TV in the living room.');
  assert.equal(say('play jazz on the tv').reply, 'Playing jazz on the TV.');
});

test('"what can you do?" answers with examples from this home, in the speaker’s language; greetings and thanks are short', () => {
  const o = say('what can you do?');
  assert.deepEqual(o.actions, []);
  assert.match(o.reply, /"turn on the (kitchen|bedroom) lights"/);
  assert.match(o.reply, /timer/);
  const z = say('你能做什么', 'zh-cn');
  assert.match(z.reply, /“打开(厨房|卧室)的灯”/);
  assert.doesNotMatch(z.reply, /[A-Za-z]{3,}/, 'the Chinese answer uses the Chinese aliases');
  assert.equal(say('hello').reply, 'Hello! What can I do for you?');
  assert.equal(say('thanks a lot').reply, "You're welcome.");
  assert.equal(say('你好', 'zh-cn').reply, '你好！有什么可以帮您？');
  assert.equal(say('谢谢你', 'zh-cn').reply, '不客气。');
});

test('not understood: sorry, then what the butler can do; without that list the short sentence alone', () => {
  const turn = { conversation_id: 'c1', language: 'zh-cn' };
  const r = notUnderstood(turn, '我可以……比如说：“打开厨房的灯”。');
  assert.equal(r.handled, false);
  assert.equal(r.reply, '抱歉，我没听懂。我可以……比如说：“打开厨房的灯”。');
  assert.equal(notUnderstood({ conversation_id: 'c2', language: 'en' }).reply, "Sorry, I didn't understand that.");
  assert.match(
    notUnderstood({ conversation_id: 'c3', language: 'en' }, 'I can set timers.').reply,
    /^Sorry, I didn't understand that\. I can/,
  );
});

test('recall answers natural questions about what was remembered', () => {
  const o = say('when does the plumber come?');
  assert.equal(o.intent.name, 'ButlerRecall');
  assert.deepEqual(o.actions, [{ action_type: 'memory_recall', params: { query: 'the plumber come' } }]);
  assert.equal(say('水管工什么时候来', 'zh-cn').actions[0].params.query, '水管工');
  assert.equal(say('remember that the plumber comes on Tuesday').intent.name, 'ButlerRemember');
});

test('forms no development sentence uses: traditional characters, statements vs questions, device classes', () => {
  assert.deepEqual(say('關掉客廳的燈', 'zh-cn').intent, { name: 'HassTurnOff', slots: { area: 'Living Room', domain: 'light' } });
  assert.deepEqual(say('有沒有燈開著', 'zh-cn').intent.slots, { domain: 'light', state: 'on' }, '著 is 着, 沒 is 没');
  assert.equal(say('客厅窗帘关', 'zh-cn').intent.name, 'HassTurnOff', 'a statement is a command');
  assert.equal(say('客厅窗帘关着吗', 'zh-cn').intent.name, 'HassGetState', 'a question asks');
  assert.equal(say('可以帮我把卧室灯关了吗', 'zh-cn').intent.name, 'HassTurnOff', 'a request asked as a question is a command');
  assert.equal(say('卧室灯关了吗', 'zh-cn').intent.name, 'HassGetState', 'without a request opener it asks');
  assert.equal(say('开前门', 'zh-cn').intent.name, 'HassTurnOff', '开 a lock unlocks it');
  const wet = say('is the floor wet in the kitchen');
  assert.deepEqual([wet.intent.name, wet.intent.slots.device_class, wet.intent.slots.state], ['HassGetState', 'moisture', 'on']);
  assert.equal(say('tell me the temperature').intent.name === 'ButlerSendMessage', false, '"tell me" is not a message to a person');
  assert.deepEqual(say('broadcast dinner is ready').actions[0].params.message, 'dinner is ready');
});

test('"turn off the kitchen lights in 10 minutes" schedules that command, not a bare timer', () => {
  const states = new Map<string, HassState>();
  const areas = [
    { area_id: 'kitchen', name: 'Kitchen', aliases: ['厨房'], floor_id: null },
    { area_id: 'bedroom', name: 'Bedroom', aliases: [], floor_id: null },
  ];
  const entities = [
    { entity_id: 'light.kitchen_ceiling', area_id: 'kitchen', name: 'Kitchen Ceiling', aliases: [] },
    { entity_id: 'light.bedroom', area_id: 'bedroom', name: 'Bedroom Light', aliases: [] },
  ];
  for (const e of entities)
    states.set(e.entity_id, { entity_id: e.entity_id, state: 'on', attributes: {}, last_changed: '', last_updated: '' } as HassState);
  const u = new Understander({
    bus: { on: () => undefined, removeOwner: () => undefined } as never,
    ha: { registries: () => ({ areas, floors: [], devices: [], entities }) as never, states: () => states },
  });
  const out = u.understand('turn off the kitchen lights in 10 minutes', 'en');
  assert.ok(out);
  assert.equal(out.actions.length, 1);
  const task = out.actions[0];
  assert.equal(task.action_type, 'schedule_task');
  assert.equal(task.params.delay_sec, 600);
  const inner = task.params.actions as { action_type: string; params: { service: string; target: { entity_id: string[] } } }[];
  assert.deepEqual(
    inner.map((a) => [a.action_type, a.params.service, a.params.target.entity_id]),
    [['ha_call_service', 'turn_off', ['light.kitchen_ceiling']]],
  );
  assert.equal(out.reply, 'OK, in 10 minutes: turned off the kitchen light.');
  // nothing understandable after "in 10 minutes": not understood rather than a timer that does nothing
  assert.equal(u.understand('frobnicate the wombat in 10 minutes', 'en'), null);
  assert.match(u.capabilities('zh-cn'), /“打开厨房的灯”/);
  u.stop();
});

test('Chinese measure words before a kind of device: 这盏灯, 那扇窗帘', () => {
  assert.deepEqual(say('把这盏灯关了', 'zh-cn', 'Bedroom').intent.slots, { domain: 'light', area: 'Bedroom' });
  assert.equal(say('打开那扇窗帘', 'zh-cn', 'Living Room').intent.slots.device_class, 'curtain');
});

test('a failure is said in the speaker’s language where its code has words; otherwise its own words are kept', () => {
  const paused = {
    error: 'no tea timer is paused (paused: pizza, eggs)',
    code: 'no_such_timer',
    args: { name: 'tea', state: 'paused', known: ['pizza', 'eggs'] },
  };
  assert.equal(failureWords(paused, 'error', true), '没有叫“tea”的计时器在暂停（暂停中的有：pizza、eggs）');
  assert.equal(failureWords(paused, 'error', false), 'no tea timer is paused (paused: pizza, eggs)');
  const which = { error: '2 timers are running (a, b): say which', code: 'which_timer', args: { state: 'running', known: ['a', 'b'] } };
  assert.equal(failureWords(which, 'error', true), '有2个计时器在运行（a、b），请说是哪一个');
  const away = { error: 'not connected to Home Assistant (reconnecting, attempt 2)', code: 'not_connected' };
  assert.equal(failureWords(away, 'error', true), '现在连不上 Home Assistant');
  const rejected = { error: 'Home Assistant rejected light.turn_on: bad brightness', code: 'invalid_format' };
  assert.equal(failureWords(rejected, 'error', true), rejected.error, 'no words for it: Home Assistant’s own message');
  assert.equal(failureWords({ reason: 'quiet hours' }, 'denied', true), 'quiet hours');
  assert.equal(
    failureWords({ error: 'no pending task', code: 'no_such_task', args: { name: 'water the plants' } }, 'error', true),
    '没有叫“water the plants”的待执行任务',
  );
  assert.equal(notSaved('disk full', '已打开厨房的灯。', true), '没能保存（disk full）。已打开厨房的灯。');
  assert.equal(notSaved('disk full', 'Done.', false), "I couldn't save that (disk full). Done.");
  assert.equal(failureWords(null, 'error', true), 'error');
  const g = groundedReply({
    items: [
      { what: '打开厨房的灯', status: 'error', detail: away.error, output: away },
      {
        what: 'unlock Front Door',
        status: 'pending_confirmation',
        detail: 'proposed by the model, not asked for',
        output: { reason: 'lock.unlock was proposed by the model, not asked for', code: 'proposed' },
      },
    ],
    refused: [],
    modelText: '',
    dropped: false,
    language: 'zh-cn',
  });
  assert.match(g, /没能完成：打开厨房的灯（现在连不上 Home Assistant）/);
  assert.match(g, /等待确认：unlock Front Door（这是模型提出的，不是你要求的）/);
  assert.equal(
    failureWords({ reason: '"rm" is not in exec_allowlist', code: 'not_allowlisted', args: { what: 'rm' } }, 'denied', true),
    '“rm”不在允许列表里',
  );
});
