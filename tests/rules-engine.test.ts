// Rules on the real core and the demo home: validation naming fields, triggers, conditions, modes, persistence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { DemoHome } from '../src/demo/home/server';
import type { HaConnection } from '../src/ha/connection';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { RuleValidationError } from '../src/brain/rules/schema';
import { topicMatches } from '../src/brain/rules/engine';
import { startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import type { ButlerEvent } from '../src/types';
import { until } from './helpers/wait';

let home: DemoHome;
let ha: HaConnection;
let core: Core;
let brain: BrainServices;

const plansFor = (ruleId: string) => {
  core.audit.flush();
  return core.audit.listPlans({ limit: 1000 }).filter((p) => p.reason.startsWith(`rule ${ruleId}:`));
};

let env: HomeAndCore;

before(async () => {
  env = await startHomeAndCore();
  ({ home, ha, core } = env);
  brain = await startBrainWith(env.brainDeps());
});

after(async () => {
  await brain.stop();
  await env.stop();
});

test('invalid rules are rejected with every error naming its field', () => {
  const bad = {
    id: 'bad one!',
    triggers: [{ kind: 'teleport' }, { kind: 'state' }, { kind: 'time', at: '25:99' }, { kind: 'cron', cron: 'not a cron x' }],
    conditions: [{ kind: 'mode', mode: 'party' }],
    actions: [{ action_type: 'launch_rocket' }, { action_type: 'set_mode', params: { mode: 'disco' } }, { delay: 'soon' }, { wat: 1 }],
  };
  let err: RuleValidationError | null = null;
  try {
    brain.rules.validate(bad);
  } catch (e) {
    err = e as RuleValidationError;
  }
  assert.ok(err instanceof RuleValidationError);
  const text = err.details.join('\n');
  assert.match(text, /\/id: must match pattern/);
  assert.match(text, /\/triggers\/0\/kind: must be one of "event", "state"/);
  assert.match(text, /\/triggers\/1: missing required property "entity_id"/);
  assert.match(text, /\/conditions\/0\/mode/);
  assert.match(text, /\/actions\/2\/delay/);
  assert.match(text, /\/actions\/3: a step needs one of "action_type", "delay" or "choose"/);
  // Registry checks need a schema-valid rule.
  assert.throws(
    () =>
      brain.rules.validate({
        triggers: [
          { kind: 'cron', cron: 'nope nope' },
          { kind: 'time', at: '25:00' },
        ],
        actions: [{ action_type: 'launch_rocket' }, { action_type: 'set_mode', params: { mode: 'disco' } }],
      }),
    (e: RuleValidationError) => {
      const t = e.details.join('\n');
      assert.match(t, /\/triggers\/0\/cron: /);
      assert.match(t, /\/triggers\/1\/at: "25:00" is not a time of day/);
      assert.match(t, /\/actions\/0\/action_type: unknown action "launch_rocket"/);
      assert.match(t, /\/actions\/1\/params\/mode: must be one of "home", "away", "night"/);
      return true;
    },
  );
  assert.equal(
    brain.rules.list().some((r) => r.id === 'bad one!'),
    false,
  );
});

test('an event trigger with source and payload match runs the actions through the door, linked to the event', async () => {
  brain.rules.create({
    id: 'doorbell_lights',
    triggers: [{ kind: 'event', type: 'doorbell', payload: { door: 'front' } }],
    actions: [{ action_type: 'device_turn_on', params: { device_id: 'light.entrance_color_white_lights' } }],
  });
  await ha.callService('light', 'turn_off', {}, { entity_id: 'light.entrance_color_white_lights' });
  core.ingest.emit('doorbell', 'api', { door: 'back' });
  const e = core.ingest.emit('doorbell', 'api', { door: 'front' });
  const plan = await until('the rule plan', () => plansFor('doorbell_lights')[0]);
  assert.equal(plansFor('doorbell_lights').length, 1, 'the back-door event must not match');
  assert.equal(plan.triggered_by_event_id, e.event_id);
  assert.equal(plan.source, 'rule');
  assert.equal(plan.trusted, true);
  await until('the light on', () => home.getState('light.entrance_color_white_lights')?.state === 'on');
});

test('an event from an untrusted source makes an untrusted run: a sensitive action waits for confirmation', async () => {
  brain.rules.create({
    id: 'mqtt_unlock',
    triggers: [{ kind: 'event', type: 'knock' }],
    actions: [{ action_type: 'ha_call_service', params: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } } }],
  });
  core.ingest.emit('knock', 'mqtt', {});
  const plan = await until('the plan', () => plansFor('mqtt_unlock')[0]);
  assert.equal(plan.trusted, false);
  const stored = await until('the result', () => core.audit.getPlan(plan.plan_id)?.results[0]);
  assert.equal(stored.status, 'pending_confirmation');
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
});

test('a state trigger with `for` waits, and a change back cancels the timer; the run links to a recorded ha.state_changed event', async () => {
  await ha.callService('switch', 'turn_off', {}, { entity_id: 'switch.decorative_lights' });
  await until('switch off', () => ha.getState('switch.decorative_lights')?.state === 'off');
  brain.rules.create({
    id: 'deco_for',
    triggers: [{ kind: 'state', entity_id: 'switch.decorative_lights', to: 'on', for: 0.3 }],
    actions: [{ action_type: 'store_event', params: { kind: 'deco_held' } }],
  });
  await ha.callService('switch', 'turn_on', {}, { entity_id: 'switch.decorative_lights' });
  await until('the timer', () => brain.rules.pendingTimers().includes('deco_for#0'));
  await ha.callService('switch', 'turn_off', {}, { entity_id: 'switch.decorative_lights' });
  await until('the timer cancelled', () => !brain.rules.pendingTimers().includes('deco_for#0'));
  assert.equal(plansFor('deco_for').length, 0);
  await ha.callService('switch', 'turn_on', {}, { entity_id: 'switch.decorative_lights' });
  const plan = await until('the rule plan', () => plansFor('deco_for')[0]);
  const ev = core.audit
    .listEvents({ type: 'ha.state_changed', limit: 10 })
    .find((x: ButlerEvent) => x.event_id === plan.triggered_by_event_id);
  assert.ok(ev, 'the plan links to a recorded ha.state_changed event');
  assert.equal(ev.payload.entity_id, 'switch.decorative_lights');
  assert.equal(ev.payload.to, 'on');
});

test('numeric state trigger fires when crossing into the range; conditions (mode, not, or) gate it; choose takes the first match', async () => {
  brain.rules.create({
    id: 'warm',
    triggers: [{ kind: 'numeric_state', entity_id: 'climate.heatpump', attribute: 'temperature', above: 25 }],
    conditions: [
      { kind: 'mode', mode: ['home', 'night'] },
      { kind: 'not', conditions: [{ kind: 'state', entity_id: 'switch.ac', state: 'unavailable' }] },
    ],
    actions: [
      {
        choose: [
          { conditions: [{ kind: 'mode', mode: 'night' }], actions: [{ action_type: 'store_event', params: { kind: 'warm_night' } }] },
          {
            conditions: [
              {
                kind: 'or',
                conditions: [
                  { kind: 'mode', mode: 'home' },
                  { kind: 'time', after: '00:00' },
                ],
              },
            ],
            actions: [{ action_type: 'store_event', params: { kind: 'warm_home' } }],
          },
        ],
      },
    ],
  });
  await ha.callService('climate', 'set_temperature', { temperature: 20 }, { entity_id: 'climate.heatpump' });
  await ha.callService('climate', 'set_temperature', { temperature: 27 }, { entity_id: 'climate.heatpump' });
  const plan = await until('the rule plan', () => plansFor('warm')[0]);
  assert.deepEqual(
    plan.actions.map((a: { params: { kind?: string } }) => a.params.kind),
    ['warm_home'],
  );
  // Staying above does not fire again.
  await ha.callService('climate', 'set_temperature', { temperature: 28 }, { entity_id: 'climate.heatpump' });
  core.modes.setMode('away');
  await ha.callService('climate', 'set_temperature', { temperature: 20 }, { entity_id: 'climate.heatpump' });
  await ha.callService('climate', 'set_temperature', { temperature: 27 }, { entity_id: 'climate.heatpump' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(plansFor('warm').length, 1, 'away mode blocks the rule; staying above does not refire');
  core.modes.setMode('home');
});

test('single mode skips while running, queued runs in order, restart aborts the delay; cooldown ignores triggers', async () => {
  const mk = (id: string, mode: string, extra: object = {}) =>
    brain.rules.create({
      id,
      mode,
      ...extra,
      triggers: [{ kind: 'event', type: `go_${id}` }],
      actions: [{ delay: 0.15 }, { action_type: 'store_event', params: { kind: id } }],
    });
  mk('m_single', 'single');
  mk('m_queued', 'queued');
  mk('m_restart', 'restart');
  mk('m_cool', 'parallel', { cooldown_s: 3600 });
  for (const id of ['m_single', 'm_queued', 'm_restart', 'm_cool']) {
    core.ingest.emit(`go_${id}`, 'api');
    core.ingest.emit(`go_${id}`, 'api');
  }
  await until('queued done', () => plansFor('m_queued').length === 2);
  await until(
    'others done',
    () => plansFor('m_single').length === 1 && plansFor('m_restart').length === 1 && plansFor('m_cool').length === 1,
  );
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(plansFor('m_single').length, 1);
  assert.equal(plansFor('m_restart').length, 1, 'the first run was aborted during its delay');
  assert.equal(plansFor('m_cool').length, 1);
  assert.equal(brain.rules.get('m_queued')!.run_count, 2);
});

test('time and cron triggers fire through the clock and record a rule.clock event', async () => {
  brain.rules.create({
    id: 'every_second',
    triggers: [{ kind: 'cron', cron: '* * * * * *' }],
    actions: [{ action_type: 'store_event', params: { kind: 'tick' } }],
  });
  const plan = await until('a cron run', () => plansFor('every_second')[0], 4000);
  const ev = core.audit.listEvents({ type: 'rule.clock', limit: 5 }).find((x: ButlerEvent) => x.event_id === plan.triggered_by_event_id);
  assert.ok(ev);
  brain.rules.remove('every_second');
  const n = plansFor('every_second').length;
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(plansFor('every_second').length, n, 'a removed rule stops firing');
});

test('import is all or nothing, accepts YAML, reports broken YAML; rules survive a restart of the services', async () => {
  const before = brain.rules.list().length;
  assert.throws(
    () => brain.rules.import('rules:\n  - triggers: [ {kind: event, type: a\n'),
    (e: RuleValidationError) => /^document: /.test(e.details[0]),
  );
  assert.throws(
    () =>
      brain.rules.import(
        `rules:\n  - id: ok_one\n    triggers: [{kind: event, type: x}]\n    actions: [{action_type: set_mode, params: {mode: home}}]\n  - id: bad_two\n    triggers: [{kind: wormhole}]\n    actions: [{action_type: nope}]\n`,
      ),
    (e: RuleValidationError) => e.details.some((d) => d.startsWith('/rules/1/triggers/0/kind')),
  );
  assert.equal(brain.rules.list().length, before, 'nothing from a rejected document is applied');
  assert.equal(brain.rules.get('ok_one'), null);
  const yaml = `- id: y1\n  name: From YAML\n  triggers:\n    - kind: mqtt\n      topic: home/+/button\n  actions:\n    - action_type: store_event\n      params: {kind: pressed}\n- id: y2\n  triggers: [{kind: time, at: "07:30"}]\n  actions: [{action_type: set_mode, params: {mode: home}}]\n`;
  const imported = brain.rules.import(yaml);
  assert.deepEqual(
    imported.map((r) => r.id),
    ['y1', 'y2'],
  );
  assert.equal(brain.rules.indexSizes().topics >= 1, true);
  // A stored row that went bad is listed as invalid, never crashes the load.
  core.db.sqlite
    .prepare("INSERT INTO rules (id, name, enabled, definition, created_ts, updated_ts) VALUES ('broken', 'broken', 1, '{not json', 0, 0)")
    .run();
  await brain.stop();
  brain = await startBrainWith(env.brainDeps());
  assert.equal(brain.rules.get('y1')?.rule?.name, 'From YAML');
  assert.equal(brain.rules.get('doorbell_lights')?.status, 'ok');
  assert.equal(brain.rules.get('broken')?.status, 'invalid');
  assert.equal(brain.rules.remove('broken'), true);
});

test('topic filters match MQTT wildcards', () => {
  assert.equal(topicMatches('home/+/button', 'home/hall/button'), true);
  assert.equal(topicMatches('home/#', 'home/a/b'), true);
  assert.equal(topicMatches('home/+/button', 'home/hall/switch'), false);
  assert.equal(topicMatches('home/x', 'home/x/y'), false);
});
