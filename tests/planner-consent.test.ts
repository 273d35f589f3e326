// The model proposes, the person disposes: a sensitive action the planner proposes runs without a confirmation only
// when the person's own words asked for that action on that target; everything else sensitive waits with the reason
// "proposed by the model, not asked for" — through the real door, policy and demo home, with the real SDK against the
// fake Messages API.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { Planner } from '../src/brain/planner/planner';
import { InMemoryConversationStore } from '../src/brain/planner/conversations';
import { homeContext } from '../src/brain/planner/part';
import { Understander } from '../src/brain/understanding';
import { PROPOSED_NOT_ASKED, wasAskedFor } from '../src/actions/policy';
import { groundedReply } from '../src/conversation/replies';
import { silentLogger } from '../src/log';
import type { Origin } from '../src/types';
import { startHomeAndCore, type HomeAndCore } from './helpers/core';
import { until } from './helpers/wait';

const anna: Origin = { source: 'panel', trusted: true, user: 'anna' };
const unlock = (entity: string) => ({
  type: 'tool_use' as const,
  name: 'ha_call_service',
  input: { domain: 'lock', service: 'unlock', target: { entity_id: entity } },
});
const said = (text: string) => ({ content: [{ type: 'text' as const, text }], stop_reason: 'end_turn' as const });

let env: HomeAndCore;
let llm: FakeAnthropic;
let planner: Planner;
let understanding: Understander;

before(async () => {
  env = await startHomeAndCore({ execAllowlist: ['/bin/echo hello'] });
  llm = await startFakeAnthropic({ port: 0 });
  understanding = new Understander({ bus: env.core.bus, ha: env.ha });
  planner = new Planner({
    apiKey: 'sk-test',
    baseURL: llm.url,
    model: 'claude-sonnet-4-6',
    registry: env.core.registry,
    executor: env.core.door,
    home: (req) => homeContext({ ha: env.ha, modes: env.core.modes, memory: null }, req.text),
    conversations: new InMemoryConversationStore(),
    log: silentLogger(),
    cache: { max: 0, ttlMs: 0 },
    ground: groundedReply,
    intended: (text, language) => understanding.understand(text, language)?.actions ?? [],
  });
  env.core.scheduler.start(env.core.door);
});

after(async () => {
  planner?.close();
  understanding?.stop();
  env.core.scheduler.stop();
  await llm?.stop();
  await env?.stop();
});

async function locked(entity: string): Promise<void> {
  await env.ha.callService('lock', 'lock', {}, { entity_id: entity });
  await until(`${entity} locked`, () => env.home.getState(entity)?.state === 'locked');
}

describe('planner consent', () => {
  test('"what should I cook tonight?" from a trusted person: the model unlocks the front door — it waits, for the right reason', async () => {
    await locked('lock.front_door');
    llm.script({ content: [unlock('lock.front_door')], stop_reason: 'tool_use' }, said('Done. The front door is open for you.'));
    const r = await planner.converse({ text: 'what should I cook tonight?', origin: anna });
    assert.equal(r.results.length, 1);
    assert.equal(r.results[0].status, 'pending_confirmation', JSON.stringify(r.results));
    assert.match(String((r.results[0].output as { reason: string }).reason), new RegExp(PROPOSED_NOT_ASKED));
    assert.equal(env.home.getState('lock.front_door')?.state, 'locked');
    // The reply says what happened, not what the model claimed.
    assert.doesNotMatch(r.reply, /Done\.|open for you/, r.reply);
    assert.match(r.reply, /waiting for your approval: unlock Front Door \(.*proposed by the model, not asked for\)/, r.reply);
    const pending = env.core.confirmations.get(String((r.results[0].output as { confirmation_id: string }).confirmation_id));
    assert.equal(pending?.status, 'pending');
    // A person approves: now it runs.
    const decided = await env.core.door.decide(pending!.id, true, 'anna');
    assert.equal(decided.result?.status, 'ok', JSON.stringify(decided.result));
    await until('front door unlocked', () => env.home.getState('lock.front_door')?.state === 'unlocked');
  });

  test('the same person asking for that action on that target is obeyed without a confirmation', async () => {
    await locked('lock.front_door');
    llm.script({ content: [unlock('lock.front_door')], stop_reason: 'tool_use' }, said('Unlocked.'));
    const r = await planner.converse({ text: 'unlock the front door', origin: anna });
    assert.equal(r.results[0]?.status, 'ok', JSON.stringify(r.results));
    await until('front door unlocked', () => env.home.getState('lock.front_door')?.state === 'unlocked');
  });

  test('asked for one lock, the model unlocks another as well: only the asked one runs', async () => {
    await locked('lock.front_door');
    await locked('lock.kitchen_door');
    llm.script({ content: [unlock('lock.front_door'), unlock('lock.kitchen_door')], stop_reason: 'tool_use' }, said('Both open.'));
    const r = await planner.converse({ text: 'unlock the front door and tell me a joke', origin: anna });
    assert.deepEqual(
      r.results.map((x) => x.status),
      ['ok', 'pending_confirmation'],
      JSON.stringify(r.results),
    );
    await until('front door unlocked', () => env.home.getState('lock.front_door')?.state === 'unlocked');
    assert.equal(env.home.getState('lock.kitchen_door')?.state, 'locked');
  });

  test('an allowlisted command the model reaches for still waits: the person never asked for it', async () => {
    llm.script(
      { content: [{ type: 'tool_use', name: 'system_exec', input: { command: '/bin/echo', args: ['hello'] } }], stop_reason: 'tool_use' },
      said('Ran it.'),
    );
    const r = await planner.converse({ text: 'say hello to the house', origin: anna });
    assert.equal(r.results[0]?.status, 'pending_confirmation', JSON.stringify(r.results));
    assert.match(String((r.results[0].output as { reason: string }).reason), new RegExp(PROPOSED_NOT_ASKED));
  });

  test('a safe action the model proposes runs as before', async () => {
    llm.script(
      { content: [{ type: 'tool_use', name: 'device_turn_on', input: { device_id: 'light.bed_light' } }], stop_reason: 'tool_use' },
      said('Light on.'),
    );
    const r = await planner.converse({ text: 'I would like to read in bed', origin: anna });
    assert.equal(r.results[0]?.status, 'ok', JSON.stringify(r.results));
  });

  test('a task the model schedules carries the conversation’s trust: the unlock inside waits when it runs', async () => {
    await locked('lock.front_door');
    llm.script(
      {
        content: [
          {
            type: 'tool_use',
            name: 'schedule_task',
            input: {
              name: 'let them in',
              delay_sec: 0,
              actions: [{ action_type: 'ha_call_service', params: unlock('lock.front_door').input }],
            },
          },
        ],
        stop_reason: 'tool_use',
      },
      said('Scheduled.'),
    );
    const r = await planner.converse({ text: 'plan dinner for tonight', origin: anna });
    assert.equal(r.results[0]?.status, 'ok', JSON.stringify(r.results));
    const taskId = String((r.results[0].output as { task_id: string }).task_id);
    const task = await until('the task ran', () => env.core.scheduler.list().find((t) => t.task_id === taskId && t.status !== 'pending'));
    assert.ok(task.plan_id);
    const plan = env.core.audit.getPlan(task.plan_id!);
    assert.deepEqual(
      plan?.results.map((x) => x.status),
      ['pending_confirmation'],
    );
    assert.equal(env.home.getState('lock.front_door')?.state, 'locked');
  });
});

describe('grounded replies', () => {
  test('a model that claims an action it never called is not repeated', async () => {
    llm.script(said('Done. The front door is open for you.'));
    const r = await planner.converse({ text: 'what should I cook tonight?', origin: anna });
    assert.equal(r.results.length, 0);
    assert.equal(r.reply, 'I have not done anything.');
  });

  test('a chat answer without claims is passed on as it is', async () => {
    llm.script(said('How about a mushroom risotto?'));
    const r = await planner.converse({ text: 'what should I cook tonight?', origin: anna });
    assert.equal(r.reply, 'How about a mushroom risotto?');
  });

  test('what ran is named first; the model may add to it', async () => {
    llm.script(
      { content: [{ type: 'tool_use', name: 'device_turn_on', input: { device_id: 'light.bed_light' } }], stop_reason: 'tool_use' },
      said('I have switched on the bed light so you can read.'),
    );
    const r = await planner.converse({ text: 'I want to read', origin: anna });
    assert.equal(r.reply, 'Done: turn on Bed Light. I have switched on the bed light so you can read.');
  });

  test('a failure is said as a failure, whatever the model claims', async () => {
    llm.script(
      { content: [{ type: 'tool_use', name: 'device_turn_on', input: { device_id: 'light.attic_nowhere' } }], stop_reason: 'tool_use' },
      said("I've turned on the attic light."),
    );
    const r = await planner.converse({ text: 'light up the attic', origin: anna });
    assert.equal(r.results[0]?.status, 'error');
    assert.match(r.reply, /^Not done: turn on light\.attic_nowhere \(unknown entity/, r.reply);
    assert.doesNotMatch(r.reply, /I've turned on/);
  });

  test('in Chinese too: what waits is said, the claim is not', async () => {
    await locked('lock.front_door');
    llm.script({ content: [unlock('lock.front_door')], stop_reason: 'tool_use' }, said('已经打开前门了。'));
    const r = await planner.converse({ text: '今晚吃什么好？', origin: anna, language: 'zh-cn' });
    assert.equal(r.results[0]?.status, 'pending_confirmation');
    assert.match(r.reply, /等待确认：unlock Front Door/, r.reply);
    assert.doesNotMatch(r.reply, /已经打开/);
  });
});

describe('what the words asked for', () => {
  const front = { domain: 'lock', service: 'unlock', target: { entity_id: ['lock.front_door'] } };
  const asked = [{ action_type: 'ha_call_service', params: front }];
  test('the same effect in another action type counts; another target, verb or a wider target does not', () => {
    assert.ok(wasAskedFor('ha_call_service', { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } }, asked));
    assert.ok(wasAskedFor('device_turn_off', { device_id: 'lock.front_door' }, asked));
    assert.ok(!wasAskedFor('device_turn_off', { device_id: 'lock.kitchen_door' }, asked));
    assert.ok(!wasAskedFor('ha_call_service', { domain: 'lock', service: 'open', target: { entity_id: 'lock.front_door' } }, asked));
    assert.ok(!wasAskedFor('ha_call_service', { domain: 'lock', service: 'unlock' }, asked), 'no target = every lock');
    assert.ok(
      !wasAskedFor(
        'ha_call_service',
        { domain: 'lock', service: 'unlock', target: { entity_id: ['lock.front_door', 'lock.kitchen_door'] } },
        asked,
      ),
    );
    assert.ok(!wasAskedFor('ha_call_service', { domain: 'lock', service: 'unlock', target: { area_id: 'hallway' } }, asked));
    assert.ok(wasAskedFor('set_privacy', { enabled: false }, [{ action_type: 'set_privacy', params: { enabled: false } }]));
    assert.ok(!wasAskedFor('set_privacy', { enabled: false }, [{ action_type: 'set_privacy', params: { enabled: true } }]));
    assert.ok(!wasAskedFor('system_exec', { command: '/bin/echo', args: [] }, []));
  });
});
