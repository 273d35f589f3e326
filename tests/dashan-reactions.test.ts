// The DaShan robot reacts to the planner, through a real broker and the real planner part (the real SDK against the
// fake Messages API): "think" while the model is being asked, "happy" when the request is done, "sad" when an action
// failed, "confused" when the model cannot be reached. Each reaction is a door request from the butler; a robot that
// is offline is skipped and the planner's answer is unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PlannerPart } from '../src/brain/planner/part';
import { Understander } from '../src/brain/understanding';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import type { SimulatedRobot } from '../src/demo/dashan/robot';
import type { DashanPart } from '../src/drivers/dashan/part';
import { EXPRESSIONS } from '../src/drivers/dashan/protocol';
import { REACTIONS } from '../src/drivers/dashan/reactions';
import { silentLogger } from '../src/log';
import type { ActionPlan, Origin, PlannerActivity } from '../src/types';
import { startHomeAndCore, type HomeAndCore } from './helpers/core';
import { type DashanRig, startDashan, startRobot } from './helpers/dashan';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

const anna: Origin = { source: 'panel', trusted: true, user: 'anna' };
const expressionsSeen = (robot: SimulatedRobot, from: number) =>
  robot.received.slice(from).flatMap((c) => (c.command === 'set_expression' ? [Number(c.params.expression_id)] : []));

describe('the DaShan robot reacts to the planner', () => {
  let broker: TestBroker;
  let env: HomeAndCore;
  let fake: FakeAnthropic;
  let robot: SimulatedRobot;
  let rig: DashanRig;
  let dashan: DashanPart;
  let planner: PlannerPart;
  let understanding: Understander;
  const activity: PlannerActivity[] = [];
  const plans: ActionPlan[] = [];
  /** What the robot's face showed when the planner's action ran (the plan was still under way). */
  let faceDuringPlan: number | undefined;

  before(async () => {
    broker = await startMosquitto();
    env = await startHomeAndCore({ actionTimeoutMs: 5000 });
    const c = env.core;
    c.bus.on('planner', (a) => activity.push(a), 'test');
    c.bus.on('plan', (p) => plans.push(p), 'test');
    c.registry.register({
      name: 'probe',
      description: 'Looks at the robot while the plan runs.',
      params: { type: 'object', additionalProperties: false, properties: {} },
      risk: 'safe',
      handler: async () => {
        // The reaction is asynchronous: wait (bounded) until the robot shows the thinking face, then note it.
        faceDuringPlan = await until(
          'the thinking face during the plan',
          () => (robot.state.expression === EXPRESSIONS.think ? robot.state.expression : null),
          4000,
        ).catch(() => robot.state.expression);
        return { face: faceDuringPlan };
      },
    });
    c.registry.register({
      name: 'breaks',
      description: 'Always fails.',
      params: { type: 'object', additionalProperties: false, properties: {} },
      risk: 'safe',
      handler: async () => {
        throw new Error('it broke');
      },
    });
    rig = await startDashan(broker, { prefix: 'daShan', offlineAfterMs: 600, core: c });
    dashan = rig.part;
    fake = await startFakeAnthropic({ minCacheableTokens: 0 });
    planner = new PlannerPart({
      apiKey: 'test-key',
      baseURL: fake.url,
      model: 'claude-sonnet-4-6',
      unreachableReply: (reason) => `offline: ${reason}`,
    });
    understanding = new Understander({ bus: c.bus, ha: env.ha });
    planner.start({
      understanding: () => understanding,
      ha: env.ha,
      modes: c.modes,
      memory: null,
      bus: c.bus,
      registry: c.registry,
      door: c.door,
      db: c.db,
      log: silentLogger(),
    });
    robot = await startRobot(rig);
  });

  after(async () => {
    planner.stop();
    understanding.stop();
    await robot.stop();
    await rig.stop();
    await fake.stop();
    await env.stop();
    await broker.stop();
  });

  const converse = (text: string) => planner.planner.converse({ text, origin: anna });

  test('"think" while the model is asked (seen from inside the plan), "happy" when it is done', async () => {
    const from = robot.received.length;
    fake.script(
      { content: [{ type: 'tool_use', name: 'probe', input: {} }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'I looked.' }] },
    );
    const reply = await converse('look at the robot');
    assert.equal(reply.offline, false);
    assert.equal(reply.results[0]?.status, 'ok', JSON.stringify(reply.results));
    assert.equal(faceDuringPlan, EXPRESSIONS.think, 'the robot was thinking while the plan ran');
    await until('the happy face', () => (robot.state.expression === EXPRESSIONS.happy ? true : null));
    assert.deepEqual(expressionsSeen(robot, from), [EXPRESSIONS.think, EXPRESSIONS.happy]);
    assert.deepEqual(
      activity.slice(-2).map((a) => [a.phase, a.outcome ?? null, a.conversation_id]),
      [
        ['thinking', null, reply.conversation_id],
        ['done', 'done', reply.conversation_id],
      ],
    );
    // Each reaction is its own door request from the butler, never part of the person's plan.
    const reactions = plans.filter((p) => p.source === 'butler');
    assert.deepEqual(
      reactions.slice(-2).map((p) => [p.actions[0].action_type, p.actions[0].params.expression, p.policy]),
      [
        ['dashan_expression', 'think', 'allow'],
        ['dashan_expression', 'happy', 'allow'],
      ],
    );
    const personal = plans.find((p) => p.plan_id === reply.plan_ids[0]);
    assert.deepEqual(
      personal?.actions.map((a) => a.action_type),
      ['probe'],
    );
  });

  test('an action that fails: "sad"; a model that cannot be reached: "confused"', async () => {
    let from = robot.received.length;
    fake.script(
      { content: [{ type: 'tool_use', name: 'breaks', input: {} }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'That did not work.' }] },
    );
    const failed = await converse('break something');
    assert.equal(failed.results[0]?.status, 'error');
    await until('the sad face', () => (robot.state.expression === EXPRESSIONS[REACTIONS.failed] ? true : null));
    assert.deepEqual(expressionsSeen(robot, from), [EXPRESSIONS.think, EXPRESSIONS.sad]);

    from = robot.received.length;
    fake.script({ kind: 'error', status: 400, message: 'bad request' });
    const lost = await converse('are you there');
    assert.equal(lost.offline, true);
    await until('the confused face', () => (robot.state.expression === EXPRESSIONS.confused ? true : null));
    assert.deepEqual(expressionsSeen(robot, from), [EXPRESSIONS.think, EXPRESSIONS.confused]);
  });

  test('the robot offline: no reaction is attempted and the planner answers as before', async () => {
    robot.pause();
    await until('the robot offline', () => (!dashan.online ? true : null));
    const sentBefore = robot.received.length;
    const reactionPlans = plans.filter((p) => p.source === 'butler').length;
    fake.script({ content: [{ type: 'text', text: 'Hello Anna.' }] });
    const reply = await converse('hello');
    assert.equal(reply.offline, false);
    assert.match(reply.reply, /Hello Anna/);
    assert.deepEqual(
      activity.slice(-2).map((a) => a.outcome ?? a.phase),
      ['thinking', 'answered'],
    );
    assert.equal(plans.filter((p) => p.source === 'butler').length, reactionPlans, 'no door request for an offline robot');
    assert.equal(robot.received.length, sentBefore);
    const m = dashan.metrics().find(([name]) => name === 'butler_dashan_reactions_total');
    const samples = Object.fromEntries((m?.[1].samples ?? []).map(([l, v]) => [l?.outcome, v]));
    assert.deepEqual(samples, { sent: 6, skipped_offline: 2, failed: 0 });
  });
});
