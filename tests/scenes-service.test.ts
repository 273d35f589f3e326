// Scenes on the real core and the demo home: presets really work, bad scenes are refused, failures are reported.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoHome } from '../src/demo/home/server';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { InvalidError } from '../src/errors';
import { SCENE_PRESETS } from '../src/brain/scenes/presets';
import { startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import type { Origin } from '../src/types';

const admin: Origin = { source: 'api', trusted: true, user: 'admin' };
let home: DemoHome;

let core: Core;
let brain: BrainServices;

let env: HomeAndCore;

before(async () => {
  env = await startHomeAndCore();
  ({ home, core } = env);
  brain = await startBrainWith(env.brainDeps());
});

after(async () => {
  await brain.stop();
  await env.stop();
});

test('every preset names registered actions with valid params', () => {
  for (const p of SCENE_PRESETS) assert.doesNotThrow(() => brain.scenes.validate(p), p.id);
  assert.deepEqual(
    brain.scenes.list().map((s) => s.id),
    ['away', 'home', 'movie', 'sleep', 'wake'],
  );
});

for (const id of ['away', 'sleep', 'movie', 'wake', 'home']) {
  test(`preset ${id} really works on the demo home: one plan, every action ok`, async () => {
    const res = await brain.scenes.activate(id, admin);
    assert.equal(res.ok, true, JSON.stringify(res.results.filter((r) => r.status !== 'ok')));
    assert.equal(res.results.length, brain.scenes.get(id)!.actions.length);
    assert.equal(core.audit.getPlan(res.plan_id)?.results.length, res.results.length);
  });
}

test('the presets change the home: away locks and switches off, sleep sets night mode', async () => {
  await brain.scenes.activate('away', admin);
  assert.equal(home.getState('lock.kitchen_door')?.state, 'locked');
  assert.equal(home.getState('light.kitchen_lights')?.state, 'off');
  assert.equal(core.modes.mode, 'away');
  await brain.scenes.activate('sleep', admin);
  assert.equal(core.modes.mode, 'night');
  assert.equal(home.getState('light.bed_light')?.state, 'on');
});

test('a scene naming an unknown action or bad params is refused when saved, naming the field', () => {
  assert.throws(
    () =>
      brain.scenes.create({
        name: 'Party',
        actions: [
          { action_type: 'disco_ball_on' },
          { action_type: 'set_brightness', params: { device_id: 'light.bed_light', brightness: 300 } },
        ],
      }),
    (e: InvalidError) => {
      assert.ok(e instanceof InvalidError && e.details);
      assert.match(e.details.join('\n'), /\/actions\/0\/action_type: unknown action "disco_ball_on"/);
      assert.match(e.details.join('\n'), /\/actions\/1\/params\/brightness: must be <= 100/);
      return true;
    },
  );
  const invalidScene = (e: unknown) => e instanceof InvalidError && /^invalid scene: /.test(e.message);
  assert.throws(() => brain.scenes.create({ name: '', actions: [] }), invalidScene);
  assert.throws(() => brain.scenes.create('garbage'), invalidScene);
  assert.equal(brain.scenes.get('party'), null);
});

test('a failing action makes the scene not ok and says exactly which one failed; activate_scene reports it as an error', async () => {
  const changes: number[] = [];
  const off = brain.scenes.onChange((all) => changes.push(all.length));
  brain.scenes.create({
    id: 'half_broken',
    name: 'Half broken',
    actions: [
      { action_type: 'device_turn_on', params: { device_id: 'light.kitchen_lights' } },
      { action_type: 'device_turn_on', params: { device_id: 'light.does_not_exist' } },
    ],
  });
  off();
  assert.deepEqual(changes, [6]);
  const res = await brain.scenes.activate('half_broken', admin);
  assert.equal(res.ok, false);
  assert.equal(res.failed, 1);
  assert.deepEqual(
    res.results.map((r) => r.status),
    ['ok', 'error'],
  );
  const out = await core.door.execute({ actions: [{ action_type: 'activate_scene', params: { scene_id: 'half_broken' } }], origin: admin });
  assert.equal(out.results[0].status, 'error');
  assert.match(JSON.stringify(out.results[0].output), /1 of 2 actions did not succeed.*#1 device_turn_on: error/);
  const listed = await core.door.execute({ actions: [{ action_type: 'get_scenes', params: {} }], origin: admin });
  assert.equal(listed.results[0].status, 'ok');
  assert.ok((listed.results[0].output as { scenes: { id: string }[] }).scenes.some((s) => s.id === 'half_broken'));
  const missing = await core.door.execute({ actions: [{ action_type: 'activate_scene', params: { scene_id: 'nope' } }], origin: admin });
  assert.match(JSON.stringify(missing.results[0].output), /no scene with id \\"nope\\"/);
});

test('scenes persist; a deleted preset stays deleted after a restart', async () => {
  assert.equal(brain.scenes.remove('movie'), true);
  brain.scenes.update('home', { name: 'Home (edited)', actions: [{ action_type: 'set_mode', params: { mode: 'home' } }] });
  await brain.stop();
  brain = await startBrainWith(env.brainDeps());
  assert.equal(brain.scenes.get('movie'), null);
  assert.equal(brain.scenes.get('home')?.name, 'Home (edited)');
  assert.equal(brain.scenes.get('half_broken')?.actions.length, 2);
});
