import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HomeModel } from '../src/brain/intents/home';
import { IntentRecognizer } from '../src/brain/intents/recognizer';
import { handleIntent } from '../src/brain/intents/handler';
import { EN_HOME, ZH_HOME } from './intents-fixture';

const home = HomeModel.fromFixtures(EN_HOME);
const en = new IntentRecognizer(home, 'en');
const zhHome = HomeModel.fromFixtures(ZH_HOME);
const zh = new IntentRecognizer(zhHome, 'zh-cn');

function outcome(text: string, area?: string) {
  const i = en.recognize(text, area ? { area } : undefined);
  assert.ok(i, `not understood: ${text}`);
  return handleIntent(i, home, 'en');
}

test('turn on by area becomes one service call with the resolved entities', () => {
  const o = handleIntent({ name: 'HassTurnOn', slots: { area: 'Kitchen', domain: 'light' } }, home, 'en');
  assert.deepEqual(o.actions, [
    {
      action_type: 'ha_call_service',
      params: { domain: 'light', service: 'turn_on', target: { entity_id: ['light.kitchen_ceiling', 'light.kitchen_counter'] } },
    },
  ]);
  assert.equal(o.reply, 'Turned on the kitchen lights.');
  const z = handleIntent({ name: 'HassTurnOn', slots: { area: '厨房', domain: 'light' } }, zhHome, 'zh-cn');
  assert.equal(z.reply, '已打开厨房的灯。');
  assert.deepEqual((z.actions[0].params.target as { entity_id: string[] }).entity_id, ['light.kitchen']);
});

test('domain-specific services: locks, covers, brightness, volume', () => {
  assert.equal(outcome('unlock the front door').actions[0].params.service, 'unlock');
  assert.match(outcome('unlock the front door').reply, /^Unlocked /, 'a lock is unlocked, not "turned off"');
  assert.match(outcome('open curtain left').reply, /^Opened /);
  assert.equal(outcome('open curtain left').actions[0].params.service, 'open_cover');
  assert.deepEqual(outcome('set the bedroom lamp brightness to 40%').actions[0].params.data, { brightness_pct: 40 });
  assert.deepEqual(outcome('set the volume to 30 percent', 'Living Room').actions[0].params.data, { volume_level: 0.3 });
  const zo = handleIntent(zh.recognize('打开前门的锁')!, zhHome, 'zh-cn');
  assert.equal(zo.actions[0].params.service, 'unlock');
});

test('questions are answered from the home model without actions', () => {
  const q = outcome('is the front door locked?');
  assert.equal(q.query, true);
  assert.deepEqual(q.actions, []);
  assert.equal(q.reply, 'Yes.');
  const t = outcome('what is the temperature in the living room?');
  assert.match(t.reply, /21/);
  assert.equal(outcome('what time is it').query, true);
});

test("a device's temperature by name is its own, never a thermostat's", () => {
  const fan = en.recognize("what's the ceiling fan temperature");
  assert.deepEqual([fan?.name, fan?.slots.name], ['HassClimateGetTemperature', 'Ceiling Fan']);
  assert.equal(handleIntent(fan!, home, 'en').reply, "I don't know the temperature.");
  assert.match(outcome('how warm is the thermostat').reply, /21/);
});

test('timers, butler intents', () => {
  const t = outcome('set a timer for 5 minutes');
  assert.equal(t.actions[0].action_type, 'schedule_task');
  assert.equal(t.actions[0].params.delay_sec, 300);
  assert.deepEqual(outcome('cancel the pizza timer').actions[0], { action_type: 'cancel_task', params: { name: 'timer:pizza' } });
  assert.deepEqual(outcome('pause the pizza timer').actions[0], { action_type: 'pause_timer', params: { name: 'pizza' } });
  assert.deepEqual(outcome('resume my timer').actions[0], { action_type: 'resume_timer', params: {} });
  const more = outcome('add 90 seconds to the timer');
  assert.deepEqual(more.actions[0], { action_type: 'adjust_timer', params: { seconds: 90 } });
  assert.equal(more.reply, 'Added 1 minute 30 seconds to the timer.');
  assert.deepEqual(outcome('take 2 minutes off the pizza timer').actions[0], {
    action_type: 'adjust_timer',
    params: { name: 'pizza', seconds: -120 },
  });
  const zhPause = handleIntent(zh.recognize('暂停计时器')!, zhHome, 'zh-cn');
  assert.deepEqual(zhPause.actions[0], { action_type: 'pause_timer', params: {} });
  assert.equal(zhPause.reply, '已暂停计时器。');
  assert.deepEqual(outcome('turn on privacy mode').actions, [{ action_type: 'set_privacy', params: { enabled: true } }]);
  assert.deepEqual(outcome('good night').actions, [{ action_type: 'set_mode', params: { mode: 'night' } }]);
  assert.deepEqual(outcome('tell Anna that dinner is ready').actions, [
    { action_type: 'send_message', params: { to: 'Anna', message: 'dinner is ready' } },
  ]);
  assert.deepEqual(outcome('remember that the spare key is in the drawer').actions, [
    { action_type: 'memory_remember', params: { text: 'the spare key is in the drawer' } },
  ]);
  assert.deepEqual(outcome('show me the front door camera').actions[0].params, {
    preset: 'Front Door Camera',
    camera: 'camera.front_door',
  });
  const z = handleIntent(zh.recognize('开启隐私模式')!, zhHome, 'zh-cn');
  assert.equal(z.reply, '隐私模式已开启。');
});

test('nothing to act on gives no actions and says so', () => {
  const o = handleIntent({ name: 'HassTurnOn', slots: { area: 'Garage', domain: 'light' } }, home, 'en');
  assert.deepEqual(o.actions, []);
  assert.match(o.reply, /couldn't find/);
  assert.deepEqual(handleIntent({ name: 'NoSuchIntent', slots: {} }, home, 'en').actions, []);
});

test('several areas in one sentence: one call for all their devices, the reply names each area', () => {
  const o = outcome('turn off the lights in the kitchen and the bedroom');
  assert.deepEqual(o.actions, [
    {
      action_type: 'ha_call_service',
      params: {
        domain: 'light',
        service: 'turn_off',
        target: { entity_id: ['light.kitchen_ceiling', 'light.kitchen_counter', 'light.bedroom_lamp'] },
      },
    },
  ]);
  assert.match(o.reply, /Kitchen and Bedroom/i, o.reply);
  const z = handleIntent(zh.recognize('把厨房和卧室的灯都关掉')!, zhHome, 'zh-cn');
  assert.deepEqual((z.actions[0].params.target as { entity_id: string[] }).entity_id, ['light.kitchen', 'light.bedroom_lamp']);
  assert.match(z.reply, /厨房和卧室/, z.reply);
  // the same area twice is one area
  assert.equal(en.recognize('turn on the kitchen and kitchen lights')?.slots.area, 'Kitchen');
});
