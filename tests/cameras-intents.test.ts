// The offline understanding's camera questions: "what's happening at the front door?" / "门口有什么?" and their variants
// become camera_describe (a place stays in the question; a name the sentence calls a camera picks that camera), in
// English and Chinese; sentences about devices keep their own intents.
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

const look = (text: string, lang: 'en' | 'zh-cn' = 'en') => {
  const i = lang === 'en' ? en.recognize(text) : zh.recognize(text);
  assert.ok(i, `not understood: ${text}`);
  assert.equal(i.name, 'ButlerDescribeCamera', `${text} → ${i.name} ${JSON.stringify(i.slots)}`);
  const o = handleIntent(i, lang === 'en' ? home : zhHome, lang);
  assert.equal(o.actions.length, 1);
  assert.equal(o.actions[0].action_type, 'camera_describe');
  return o;
};

test('English: a place in the question, or a camera by name', () => {
  for (const [text, place] of [
    ["what's happening at the front door?", 'front door'],
    ['who is at the door', 'door'],
    ['is anyone outside the garage', 'garage'],
    ["what's going on in the backyard", 'backyard'],
    ['could you tell me who is at the gate please', 'gate'],
  ]) {
    const o = look(text);
    assert.equal(o.actions[0].params.camera, undefined, text);
    assert.match(String(o.actions[0].params.question), new RegExp(`at the ${place}\\?`), text);
  }
  for (const [text, camera] of [
    ['show me the porch camera', 'porch'],
    ['take a look at the driveway cam', 'driveway'],
    ['what does the garden camera see', 'garden'],
  ])
    assert.equal(look(text).actions[0].params.camera, camera, text);
});

test('Chinese: 门口有什么 and its variants', () => {
  for (const [text, place] of [
    ['门口有什么？', '门口'],
    ['前门那边怎么样', '前门'],
    ['谁在门口', '门口'],
    ['看看车库外面有没有人', '车库'],
  ]) {
    const o = look(text, 'zh-cn');
    assert.equal(o.actions[0].params.camera, undefined, text);
    assert.match(String(o.actions[0].params.question), new RegExp(`^${place}有什么`), text);
  }
  assert.equal(look('门口的摄像头拍到了什么', 'zh-cn').actions[0].params.camera, '门口');
});

test('device sentences keep their intents', () => {
  assert.notEqual(en.recognize('unlock the front door')?.name, 'ButlerDescribeCamera');
  assert.notEqual(en.recognize('is the front door locked')?.name, 'ButlerDescribeCamera');
  assert.notEqual(zh.recognize('打开前门的锁')?.name, 'ButlerDescribeCamera');
});
