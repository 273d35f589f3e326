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
  // The mirror emits a change to the engine synchronously as it stores it: once the mirror shows a value, the engine
  // has handled the change that brought it.
  const temperature = (t: number) => () => ha.getState('climate.heatpump')?.attributes.temperature === t;
  await until('the engine to handle 28', temperature(28));
  core.modes.setMode('away');
  await ha.callService('climate', 'set_temperature', { temperature: 20 }, { entity_id: 'climate.heatpump' });
  await until('the engine to handle 20', temperature(20));
  await ha.callService('climate', 'set_temperature', { temperature: 27 }, { entity_id: 'climate.heatpump' });
  await until('the engine to handle 27', temperature(27));
  // A run is counted when it starts, synchronously with the trigger.
  assert.equal(brain.rules.get('warm')!.run_count, 1, 'away mode blocks the rule; staying above does not refire');
  await until('the rule idle', () => brain.rules.get('warm')!.running === 0);
  assert.equal(plansFor('warm').length, 1);
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
  const ids = ['m_single', 'm_queued', 'm_restart', 'm_cool'];
  for (const id of ids.slice(0, 3)) mk(id, id.slice(2));
  mk('m_cool', 'parallel', { cooldown_s: 3600 });
  // The door announces each plan on the bus as it records it: this is the order the runs acted in.
  const acted: { rule: string; event: string | null }[] = [];
  core.bus.on(
    'plan',
    (p) => acted.push({ rule: p.reason.split(':')[0].replace(/^rule /, ''), event: p.triggered_by_event_id }),
    'modes-probe',
  );
  try {
    const fired = new Map<string, [string, string]>();
    for (const id of ids) fired.set(id, [core.ingest.emit(`go_${id}`, 'api').event_id, core.ingest.emit(`go_${id}`, 'api').event_id]);
    // Events are handled as they are emitted: what each mode made of the second trigger is decided by now.
    const now = (id: string) => {
      const r = brain.rules.get(id)!;
      return { started: r.run_count, running: r.running, queued: r.queued };
    };
    assert.deepEqual(now('m_single'), { started: 1, running: 1, queued: 0 }, 'single: the second trigger is skipped');
    assert.deepEqual(now('m_queued'), { started: 1, running: 1, queued: 1 }, 'queued: the second waits for the first');
    assert.equal(now('m_restart').started, 2, 'restart: the second starts at once');
    assert.deepEqual(now('m_cool'), { started: 1, running: 1, queued: 0 }, 'cooldown: the second trigger is ignored');
    // Nothing running and nothing queued: no run of these rules can still act.
    await until('every rule idle', () => ids.every((id) => now(id).running === 0 && now(id).queued === 0));
    const ran = (id: string) => acted.filter((a) => a.rule === id).map((a) => a.event);
    const [s1] = fired.get('m_single')!;
    const [q1, q2] = fired.get('m_queued')!;
    const [, r2] = fired.get('m_restart')!;
    const [c1] = fired.get('m_cool')!;
    assert.deepEqual(ran('m_single'), [s1], 'single: the first event ran, the second was skipped');
    assert.deepEqual(ran('m_queued'), [q1, q2], 'queued: both ran, in order');
    assert.deepEqual(ran('m_restart'), [r2], 'restart: the first run was aborted during its delay; the second ran');
    assert.equal(brain.rules.get('m_restart')!.last_run?.event_id, r2);
    assert.deepEqual(ran('m_cool'), [c1], 'cooldown: only the first event ran');
    assert.equal(brain.rules.get('m_queued')!.run_count, 2);
    assert.deepEqual(
      ids.map((id) => plansFor(id).length),
      [1, 2, 1, 1],
      'the audit store agrees',
    );
  } finally {
    core.bus.removeOwner('modes-probe');
  }
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
  // A run records its rule.clock event the moment it starts, so counting those misses no run still in flight.
  const ticks = (id: string) => core.audit.listEvents({ type: 'rule.clock', limit: 1000 }).filter((x) => x.payload.rule_id === id).length;
  const n = ticks('every_second');
  // A second every-second rule on the same clock: two of its ticks mean the removed rule has had a tick of its own.
  brain.rules.create({
    id: 'clock_sentinel',
    triggers: [{ kind: 'cron', cron: '* * * * * *' }],
    actions: [{ action_type: 'store_event', params: { kind: 'tock' } }],
  });
  try {
    await until('two ticks of the sentinel', () => ticks('clock_sentinel') >= 2, 6000);
  } finally {
    brain.rules.remove('clock_sentinel');
  }
  assert.equal(ticks('every_second'), n, 'a removed rule stops firing');
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
