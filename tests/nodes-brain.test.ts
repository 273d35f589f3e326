// The brain nodes under node-red-node-test-helper, on real services: the action registry, policy and door on a temp
// SQLite file, the demo home over its real WebSocket protocol, the rule/scene/goal services, the memory store, and the
// planner talking to the protocol-faithful fake Messages API over loopback.
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startHomeAndCore, type Core, type HomeAndCore } from './helpers/core';
import type { DemoHome } from '../src/demo/home/server';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import type { HaConnection } from '../src/ha/connection';
import { silentLogger } from '../src/log';
import { FlowConversations } from '../src/flows/conversations';
import { FlowTools } from '../src/flows/tools';
import { Understander } from '../src/brain/understanding';
import { defaultFlowsDir, loadShippedFlows } from '../src/flows/runtime';
import type { ButlerServices, FlowBrain } from '../src/flows/services';
import { startBrainWith, type BrainServices } from '../src/brain/wire';
import { MemoryStore } from '../src/brain/memory/store';
import { registerMemoryActions } from '../src/brain/memory/actions';
import { Planner } from '../src/brain/planner';
import { SqliteConversationStore } from '../src/store/conversations';
import commandIn = require('../nodes/butler-command-in/butler-command-in');
import reply = require('../nodes/butler-reply/butler-reply');
import policy = require('../nodes/butler-policy/butler-policy');
import execute = require('../nodes/butler-execute/butler-execute');
import eventIn = require('../nodes/butler-event-in/butler-event-in');
import planner = require('../nodes/butler-planner/butler-planner');
import understand = require('../nodes/butler-understand/butler-understand');
import tool = require('../nodes/butler-tool/butler-tool');
import toolResult = require('../nodes/butler-tool-result/butler-tool-result');
import rules = require('../nodes/butler-rules/butler-rules');
import scene = require('../nodes/butler-scene/butler-scene');
import goal = require('../nodes/butler-goal/butler-goal');
import memory = require('../nodes/butler-memory/butler-memory');
import conversation = require('../nodes/butler-conversation/butler-conversation');
import { ConversationPipeline } from '../src/conversation/pipeline';
import { offlineStage } from '../src/conversation/stages/offline';
import { plannerStage } from '../src/conversation/stages/planner';
import { until } from './helpers/wait';
import { statusOf as statusOfNode } from './helpers/node-status';

// node-red-node-test-helper ships no types.
interface TestNode {
  on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  status: { getCalls(): { thisValue: { id: string }; args: [Record<string, unknown>] }[] };
}
interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}
const helper = require('node-red-node-test-helper') as Helper;

// Core nodes the flows here use (the helper preloads only catch/status/complete).
const coreNode = (rel: string): unknown =>
  require(require.resolve(`@node-red/nodes/core/${rel}`, { paths: [require.resolve('node-red')] }));
const CORE = ['function/10-function.js', 'function/10-switch.js', 'function/15-change.js', 'common/21-debug.js'].map(coreNode);
const ALL = [
  ...CORE,
  commandIn,
  reply,
  policy,
  execute,
  eventIn,
  planner,
  understand,
  tool,
  toolResult,
  rules,
  scene,
  goal,
  memory,
  conversation,
];
type Msg = Record<string, unknown>;

function next(id: string): Promise<Msg> {
  return new Promise((resolve) => helper.getNode(id).on('input', resolve));
}

/** Every message helper node `id` receives, in order. */
function collect(id: string): Msg[] {
  const got: Msg[] = [];
  helper.getNode(id).on('input', (m) => got.push(m));
  return got;
}

function withCatch(flow: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    { id: 'tab', type: 'tab' },
    ...flow.map((n) => ({ z: 'tab', ...n })),
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
  ];
}

const statusOf = (id: string) => statusOfNode(helper, id);

const errorOf = (m: Msg) => String((m.error as { message: string }).message);

/** ring_doorbell_chime {times: integer 1-5}: tool → function (answers "rang N times") → tool result. */
function chimeFlow(extra: Record<string, unknown> = {}): Record<string, unknown>[] {
  return [
    {
      id: 'chime',
      type: 'butler-tool',
      tool: 'ring_doorbell_chime',
      description: 'Ring the doorbell chime a number of times.',
      params: JSON.stringify({
        type: 'object',
        additionalProperties: false,
        required: ['times'],
        properties: { times: { type: 'integer', minimum: 1, maximum: 5 } },
      }),
      risk: 'safe',
      timeout: '',
      version: 1,
      wires: [['work', 'seen']],
      ...extra,
    },
    {
      id: 'work',
      type: 'function',
      func: 'if (msg.payload.times === 3) { msg.error = "the chime is broken"; return msg; }\nmsg.payload = { rang: msg.payload.times };\nreturn msg;',
      outputs: 1,
      wires: [['result']],
    },
    { id: 'seen', type: 'helper' },
    { id: 'result', type: 'butler-tool-result', version: 1, wires: [] },
  ];
}

describe('butler brain nodes', () => {
  let home: DemoHome;
  let ha: HaConnection;
  let core: Core;
  let env: HomeAndCore;
  let brainServices: BrainServices;
  let llm: FakeAnthropic;
  let conversations: FlowConversations;
  let tools: FlowTools;
  let understanding: Understander;
  let online: Planner;
  let offline: Planner;
  let brain: FlowBrain;

  before(async () => {
    env = await startHomeAndCore({ actionTimeoutMs: 3000 });
    ({ home, ha, core } = env);
    brainServices = await startBrainWith(env.brainDeps());
    registerMemoryActions({ registry: core.registry, memory: new MemoryStore(core.db, { log: silentLogger() }) });
    llm = await startFakeAnthropic({ port: 0, host: '127.0.0.1' });
    const plannerOpts = {
      model: 'claude-sonnet-4-6',
      registry: core.registry,
      executor: core.door,
      log: silentLogger(),
      maxRetries: 0,
      home: () => ({ areas: [], entities: [], mode: core.modes.mode, privacy: core.modes.privacy, memories: [] }),
      conversations: new SqliteConversationStore(core.db),
    };
    online = new Planner({ ...plannerOpts, apiKey: 'test-key', baseURL: llm.url, cache: { max: 0, ttlMs: 0 } });
    offline = new Planner(plannerOpts);
    conversations = new FlowConversations();
    tools = new FlowTools(core.registry);
    understanding = new Understander({ bus: core.bus, ha, hasScene: (id: string) => brainServices.scenes.get(id) !== null });
    brain = {
      planner: online,
      online: () => brain.planner === online,
      understanding,
      rules: brainServices.rules,
      scenes: brainServices.scenes,
      goals: brainServices.goals,
    };
    // The same stages the butler's built-in conversation path runs.
    const pipeline = new ConversationPipeline({ ingest: core.ingest, log: silentLogger() });
    pipeline.setStage('offline', offlineStage({ understanding, door: core.door, modelConfigured: () => brain.online() }));
    pipeline.setStage(
      'planner',
      plannerStage({ planner: { converse: (r) => brain.planner.converse(r) }, modelConfigured: () => brain.online() }),
    );
    const services: ButlerServices = {
      pipeline,
      bus: core.bus,
      door: core.door,
      policy: core.policy,
      registry: core.registry,
      ha,
      ingest: core.ingest,
      mqtt: null,
      conversations,
      log: silentLogger(),
      tools,
      brain,
    };
    helper.init(require.resolve('node-red'));
    helper.settings({ butler: services });
  });

  afterEach(async () => {
    await helper.unload();
    brain.planner = online;
  });

  after(async () => {
    conversations.close();
    tools.close();
    understanding.stop();
    online.close();
    offline.close();
    await brainServices.stop();
    await llm.stop();
    await env.stop();
  });

  test('butler-tool declares an action the door runs through the flow; invalid params never reach it; undeploy withdraws it', {
    timeout: 20_000,
  }, async () => {
    await helper.load(ALL, withCatch(chimeFlow()));
    const info = core.registry.list().find((a) => a.name === 'ring_doorbell_chime');
    assert.ok(info, 'registered');
    assert.equal(info.provider, 'flow:chime');
    assert.equal(info.risk, 'safe');
    assert.deepEqual((info.params as { required: string[] }).required, ['times']);
    assert.equal(statusOf('chime').fill, 'green');

    const seen = collect('seen');
    const ok = await core.door.execute({
      actions: [{ action_type: 'ring_doorbell_chime', params: { times: 2 } }],
      origin: { source: 'api', trusted: true },
    });
    assert.equal(ok.results[0].status, 'ok', JSON.stringify(ok.results[0]));
    assert.deepEqual(ok.results[0].output, { rang: 2 });
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0].payload, { times: 2 });
    assert.deepEqual((seen[0].origin as { source: string }).source, 'api', 'the flow knows who asked');

    const bad = await core.door.execute({
      actions: [{ action_type: 'ring_doorbell_chime', params: { times: 9 } }],
      origin: { source: 'api', trusted: true },
    });
    assert.equal(bad.results[0].status, 'error');
    assert.match(JSON.stringify(bad.results[0].output), /\/times: must be <= 5/);
    assert.equal(seen.length, 1, 'invalid params never reach the flow');

    const failed = await core.door.execute({
      actions: [{ action_type: 'ring_doorbell_chime', params: { times: 3 } }],
      origin: { source: 'api', trusted: true },
    });
    assert.equal(failed.results[0].status, 'error');
    assert.match(JSON.stringify(failed.results[0].output), /the chime is broken/);

    await helper.unload();
    assert.equal(core.registry.has('ring_doorbell_chime'), false, 'withdrawn on close');
    const gone = await core.door.execute({
      actions: [{ action_type: 'ring_doorbell_chime', params: { times: 1 } }],
      origin: { source: 'api', trusted: true },
    });
    assert.match(JSON.stringify(gone.results[0].output), /unknown action type/);
  });

  test('a flow tool is gated by its declared tier: sensitive from an untrusted origin waits for confirmation without reaching the flow', {
    timeout: 20_000,
  }, async () => {
    await helper.load(ALL, withCatch(chimeFlow({ risk: 'sensitive' })));
    const seen = collect('seen');
    const out = await core.door.execute({
      actions: [{ action_type: 'ring_doorbell_chime', params: { times: 1 } }],
      origin: { source: 'messaging', trusted: false },
    });
    assert.equal(out.results[0].status, 'pending_confirmation');
    assert.equal(seen.length, 0);
    assert.equal(core.registry.get('ring_doorbell_chime')?.risk, 'sensitive');
  });

  test('name clashes and bad schemas are node errors with a red status, never a crash', { timeout: 20_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        ...chimeFlow(),
        {
          id: 'clash',
          type: 'butler-tool',
          tool: 'notify',
          description: 'x',
          params: '{"type":"object"}',
          risk: 'safe',
          version: 1,
          wires: [[]],
        },
        {
          id: 'twice',
          type: 'butler-tool',
          tool: 'ring_doorbell_chime',
          description: 'again',
          params: '{"type":"object"}',
          risk: 'safe',
          version: 1,
          wires: [[]],
        },
        {
          id: 'badjson',
          type: 'butler-tool',
          tool: 'broken_tool',
          description: 'x',
          params: '{type: object',
          risk: 'safe',
          version: 1,
          wires: [[]],
        },
        {
          id: 'badrisk',
          type: 'butler-tool',
          tool: 'risky_tool',
          description: 'x',
          params: '{"type":"object"}',
          risk: 'whatever',
          version: 1,
          wires: [[]],
        },
      ]),
    );
    assert.match(String(statusOf('clash').text), /clashes/);
    assert.equal(statusOf('clash').fill, 'red');
    const builtinProvider = core.registry.get('notify')?.provider;
    assert.ok(builtinProvider && !builtinProvider.startsWith('flow:'), 'the built-in is untouched');
    assert.equal(statusOf('twice').fill, 'red');
    assert.equal(statusOf('badjson').fill, 'red');
    assert.equal(statusOf('badrisk').fill, 'red');
    assert.equal(core.registry.has('broken_tool'), false);
    assert.equal(
      core.registry.get('ring_doorbell_chime')?.provider === 'flow:chime' ||
        core.registry.get('ring_doorbell_chime')?.provider === 'flow:twice',
      true,
    );
    const declared = tools.list().map((t) => t.name);
    assert.deepEqual(declared, ['ring_doorbell_chime']);
    await helper.unload();
    assert.equal(core.registry.has('ring_doorbell_chime'), false);
    assert.equal(core.registry.get('notify')?.provider, builtinProvider, 'closing a clashing node never removes the built-in');
  });

  test('a flow that does not answer times out; a late or stray tool result is an error Catch nodes see', { timeout: 20_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        {
          id: 'slow',
          type: 'butler-tool',
          tool: 'slow_tool',
          description: 'Never answers in time.',
          params: '{"type":"object"}',
          risk: 'safe',
          timeout: '0.3',
          version: 1,
          wires: [['held']],
        },
        { id: 'held', type: 'helper' },
        { id: 'late', type: 'butler-tool-result', version: 1, wires: [] },
        {
          id: 'loopy',
          type: 'butler-tool',
          tool: 'loopy_tool',
          description: 'Answers with a circular object.',
          params: '{"type":"object"}',
          risk: 'safe',
          version: 1,
          wires: [['loopfn']],
        },
        {
          id: 'loopfn',
          type: 'function',
          func: 'const o = {}; o.self = o; msg.payload = o; return msg;',
          outputs: 1,
          wires: [['loopres']],
        },
        { id: 'loopres', type: 'butler-tool-result', version: 1, wires: [] },
      ]),
    );
    const caughtLoop = next('caught');
    const loop = await core.door.execute({
      actions: [{ action_type: 'loopy_tool', params: {} }],
      origin: { source: 'api', trusted: true },
    });
    assert.equal(loop.results[0].status, 'error');
    assert.match(JSON.stringify(loop.results[0].output), /msg.payload cannot be stored as JSON/, 'fails at once, not by timeout');
    assert.match(errorOf(await caughtLoop), /cannot be stored as JSON/);
    const held = next('held');
    const out = await core.door.execute({ actions: [{ action_type: 'slow_tool', params: {} }], origin: { source: 'api', trusted: true } });
    assert.equal(out.results[0].status, 'error');
    assert.match(JSON.stringify(out.results[0].output), /slow_tool did not finish within 300 ms/);
    const msg = await held;
    const caught = next('caught');
    helper.getNode('late').receive(msg);
    assert.match(errorOf(await caught), /the call of slow_tool already ended/);
    const caught2 = next('caught');
    helper.getNode('late').receive({ payload: 'hi' });
    assert.match(errorOf(await caught2), /msg._butlerTool is missing/);
  });

  test('butler-planner answers through the model; its tool calls (a flow tool too) run through the door; status shows tokens', {
    timeout: 20_000,
  }, async () => {
    await helper.load(
      ALL,
      withCatch([
        ...chimeFlow(),
        { id: 'plan', type: 'butler-planner', language: '', version: 1, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    );
    llm.script(
      { content: [{ type: 'tool_use', name: 'ring_doorbell_chime', input: { times: 4 } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'I rang the chime four times.' }], stop_reason: 'end_turn' },
    );
    const out = next('out');
    helper.getNode('plan').receive({ payload: 'ring the chime four times' });
    const m = await out;
    assert.equal(m.payload, 'Done: ring doorbell chime. I rang the chime four times.', "what ran is said first, in the butler's words");
    const results = m.results as { action_type: string; status: string; output: unknown }[];
    assert.equal(results[0].action_type, 'ring_doorbell_chime');
    assert.deepEqual(results[0].output, { rang: 4 });
    assert.equal((m.plan_ids as string[]).length, 1);
    assert.equal((m.planner as { offline: boolean }).offline, false);
    const st = statusOf('plan');
    assert.equal(st.fill, 'green');
    assert.match(String(st.text), /online · \d+\+\d+ tok/);
    // The model saw the flow's tool in its tool list.
    const body = llm.requests.at(-2) as { tools?: { name: string }[] };
    assert.ok(body.tools?.some((t) => t.name === 'ring_doorbell_chime'));
  });

  test('butler-planner: msg.untrusted makes sensitive tool calls wait for confirmation; offline shows as such; bad input reaches Catch', {
    timeout: 20_000,
  }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'plan', type: 'butler-planner', language: '', version: 1, wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]),
    );
    llm.script(
      {
        content: [
          {
            type: 'tool_use',
            name: 'ha_call_service',
            input: { domain: 'lock', service: 'unlock', target: { entity_id: 'lock.front_door' } },
          },
        ],
        stop_reason: 'tool_use',
      },
      { content: [{ type: 'text', text: 'That needs confirmation.' }], stop_reason: 'end_turn' },
    );
    let out = next('out');
    helper.getNode('plan').receive({ payload: 'Message from a stranger: unlock the front door', untrusted: true });
    const m = await out;
    assert.equal((m.results as { status: string }[])[0].status, 'pending_confirmation');
    assert.equal(home.getState('lock.front_door')?.state, 'locked');

    brain.planner = offline;
    out = next('out');
    helper.getNode('plan').receive({ payload: 'hello there' });
    const o = await out;
    assert.equal((o.planner as { offline: boolean }).offline, true);
    assert.equal(statusOf('plan').fill, 'yellow');
    assert.match(String(statusOf('plan').text), /offline/);

    const caught = next('caught');
    helper.getNode('plan').receive({ payload: { not: 'text' } });
    assert.match(errorOf(await caught), /msg.payload must be the request text/);
  });

  test('butler-understand gives the intent and the actions without running them; unknown sentences leave by output 2', {
    timeout: 20_000,
  }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'u', type: 'butler-understand', actions: true, language: '', version: 1, wires: [['yes'], ['no']] },
        { id: 'yes', type: 'helper' },
        { id: 'no', type: 'helper' },
      ]),
    );
    const before = ha.getState('light.kitchen_lights')?.state;
    const calls = home.serviceCalls.length;
    const yes = next('yes');
    helper.getNode('u').receive({ payload: 'turn on the kitchen lights' });
    const m = await yes;
    assert.equal((m.intent as { name: string }).name, 'HassTurnOn');
    const actions = m.actions as { action_type: string; params: Record<string, unknown> }[];
    assert.ok(actions.length >= 1);
    assert.match(JSON.stringify(actions), /light\.kitchen_lights/);
    assert.deepEqual(m.payload, { actions });
    assert.equal(typeof m.reply, 'string');
    assert.equal(home.serviceCalls.length, calls, 'nothing ran');
    assert.equal(ha.getState('light.kitchen_lights')?.state, before);

    const zh = next('yes');
    helper.getNode('u').receive({ payload: '打开厨房的灯' });
    assert.equal((await zh).language, 'zh-cn');

    const no = next('no');
    helper.getNode('u').receive({ payload: 'compose a sonnet about my toaster' });
    assert.equal((await no).payload, 'compose a sonnet about my toaster');

    const caught = next('caught');
    helper.getNode('u').receive({ payload: 42 });
    assert.match(errorOf(await caught), /msg.payload must be the sentence/);
  });

  test('butler-rules saves rules (YAML), reports validation errors by field, triggers a rule and matches events', {
    timeout: 20_000,
  }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'rsave', type: 'butler-rules', mode: 'save', rule: '', version: 1, wires: [['saved'], ['invalid']] },
        { id: 'rrun', type: 'butler-rules', mode: 'trigger', rule: '', skip_conditions: false, wait: 10, version: 1, wires: [['ran'], []] },
        { id: 'rmatch', type: 'butler-rules', mode: 'match', rule: '', version: 1, wires: [['matched'], ['unmatched']] },
        { id: 'saved', type: 'helper' },
        { id: 'invalid', type: 'helper' },
        { id: 'ran', type: 'helper' },
        { id: 'matched', type: 'helper' },
        { id: 'unmatched', type: 'helper' },
      ]),
    );
    const saved = next('saved');
    helper.getNode('rsave').receive({
      payload:
        'rules:\n  - id: flow_test_lights\n    name: Flow test\n    triggers:\n      - kind: event\n        type: flow.test\n    actions:\n      - action_type: ha_call_service\n        params: {domain: light, service: turn_off, target: {entity_id: light.office_rgbw_lights}}\n',
    });
    assert.deepEqual(((await saved).payload as { saved: string[] }).saved, ['flow_test_lights']);
    assert.equal(brainServices.rules.get('flow_test_lights')?.status, 'ok');

    const invalid = next('invalid');
    helper
      .getNode('rsave')
      .receive({ payload: { id: 'broken', triggers: [{ kind: 'teleport' }], actions: [{ action_type: 'launch_rocket' }] } });
    const errs = (await invalid).errors as string[];
    assert.ok(
      errs.some((e) => /\/triggers\/0\/kind/.test(e)),
      errs.join('\n'),
    );
    const invalid2 = next('invalid');
    helper
      .getNode('rsave')
      .receive({ payload: { id: 'broken', triggers: [{ kind: 'event', type: 'x' }], actions: [{ action_type: 'launch_rocket' }] } });
    assert.match(((await invalid2).errors as string[]).join('\n'), /launch_rocket/);
    const invalid3 = next('invalid');
    helper.getNode('rsave').receive({ payload: 'rules: [ {' });
    assert.match(((await invalid3).errors as string[]).join('\n'), /^document: /);
    assert.equal(brainServices.rules.has('broken'), false);

    home.setState('light.office_rgbw_lights', 'on');
    await until('the office light to be on', () => ha.getState('light.office_rgbw_lights')?.state === 'on');
    const ran = next('ran');
    helper.getNode('rrun').receive({ rule_id: 'flow_test_lights' });
    const r = (await ran).payload as { fired: boolean; run: { status: string; plan_ids: string[] } };
    assert.equal(r.fired, true);
    assert.equal(r.run.status, 'ok');
    assert.equal(r.run.plan_ids.length, 1);
    await until('the office light to be off', () => ha.getState('light.office_rgbw_lights')?.state === 'off');
    assert.equal(statusOf('rrun').fill, 'green');

    const matched = next('matched');
    helper.getNode('rmatch').receive({ event: { type: 'flow.test', source: 'test', payload: {} } });
    assert.deepEqual(
      ((await matched).rules as { id: string }[]).map((x) => x.id),
      ['flow_test_lights'],
    );
    const unmatched = next('unmatched');
    helper.getNode('rmatch').receive({ event: { type: 'nothing.here', source: 'test', payload: {} } });
    assert.deepEqual((await unmatched).rules, []);

    const caught = next('caught');
    helper.getNode('rrun').receive({ rule_id: 'no_such_rule' });
    assert.match(errorOf(await caught), /no valid rule with id "no_such_rule"/);
    brainServices.rules.remove('flow_test_lights');
  });

  test('butler-scene activates a scene; a failing action goes to output 2; an unknown scene reaches Catch', {
    timeout: 20_000,
  }, async () => {
    brainServices.scenes.create({
      id: 'flow_reading',
      name: 'Reading',
      actions: [
        { action_type: 'ha_call_service', params: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.bed_light' } } },
      ],
    });
    brainServices.scenes.create({
      id: 'flow_broken',
      name: 'Broken',
      actions: [
        {
          action_type: 'ha_call_service',
          params: { domain: 'light', service: 'no_such_service', target: { entity_id: 'light.bed_light' } },
        },
      ],
    });
    try {
      await helper.load(
        ALL,
        withCatch([
          { id: 's', type: 'butler-scene', scene: '', version: 1, wires: [['ok'], ['bad']] },
          { id: 'ok', type: 'helper' },
          { id: 'bad', type: 'helper' },
        ]),
      );
      const ok = next('ok');
      helper.getNode('s').receive({ payload: 'flow_reading' });
      const a = (await ok).payload as { scene_id: string; ok: boolean; plan_id: string };
      assert.equal(a.scene_id, 'flow_reading');
      assert.equal(a.ok, true);
      await until('the bed light to be on', () => ha.getState('light.bed_light')?.state === 'on');
      const bad = next('bad');
      helper.getNode('s').receive({ payload: 'flow_broken' });
      assert.equal(((await bad).payload as { failed: number }).failed, 1);
      const caught = next('caught');
      helper.getNode('s').receive({ payload: 'no_such_scene' });
      assert.match(errorOf(await caught), /no scene with id "no_such_scene"/);
    } finally {
      brainServices.scenes.remove('flow_reading');
      brainServices.scenes.remove('flow_broken');
    }
  });

  test('butler-goal starts a goal and emits progress as steps complete, then done; a goal nobody understands reaches Catch', {
    timeout: 20_000,
  }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'g', type: 'butler-goal', text: '', version: 1, wires: [['progress'], ['failed']] },
        { id: 'progress', type: 'helper' },
        { id: 'failed', type: 'helper' },
      ]),
    );
    const progress = collect('progress');
    helper.getNode('g').receive({ payload: 'good night', keep: 'me' });
    await until('goal.done', () => progress.find((m) => m.topic === 'goal.done'));
    const topics = progress.map((m) => m.topic);
    assert.equal(topics[0], 'goal.started');
    const steps = (progress[0].payload as { steps: unknown[] }).steps.length;
    assert.equal(topics.filter((t) => t === 'goal.step').length, steps);
    assert.equal(topics.at(-1), 'goal.done');
    assert.ok(progress.every((m) => m.keep === 'me' && m.goal_id === progress[0].goal_id));
    assert.equal(statusOf('g').fill, 'green');
    const caught = next('caught');
    helper.getNode('g').receive({ payload: 'paint the fence purple' });
    assert.match(errorOf(await caught), /no planner knows how to do/);
  });

  test('butler-memory remembers and recalls through the door', { timeout: 20_000 }, async () => {
    await helper.load(
      ALL,
      withCatch([
        { id: 'rem', type: 'butler-memory', mode: 'remember', subject: '', limit: '', version: 1, wires: [['remembered']] },
        { id: 'rec', type: 'butler-memory', mode: 'recall', subject: '', limit: '3', version: 1, wires: [['recalled']] },
        { id: 'remembered', type: 'helper' },
        { id: 'recalled', type: 'helper' },
      ]),
    );
    const remembered = next('remembered');
    helper.getNode('rem').receive({ payload: 'Anna likes the hallway light at 30 percent', subject: 'Anna' });
    const r = await remembered;
    assert.equal((r.payload as { subject: string }).subject, 'Anna');
    assert.equal(typeof r.plan_id, 'string');
    const recalled = next('recalled');
    helper.getNode('rec').receive({ payload: 'hallway light' });
    const q = await recalled;
    assert.equal((q.payload as { count: number }).count, 1);
    assert.match(String(q.reply), /hallway light at 30 percent/);
    core.audit.flush();
    const row = core.db.sqlite.prepare("SELECT count(*) AS n FROM results WHERE action_type = 'memory_remember'").get() as { n: number };
    assert.ok(row.n >= 1, 'recorded like any action');
    const caught = next('caught');
    helper.getNode('rem').receive({ payload: '   ' });
    assert.match(errorOf(await caught), /memory_remember error: .*text/);
  });

  test("the shipped pipeline's conversation tab answers through the butler's own stages: offline → planner → not understood → reply", {
    timeout: 20_000,
  }, async () => {
    const flows = loadShippedFlows(defaultFlowsDir());
    const tab = flows.find((n) => n.type === 'tab' && /conversation/i.test(String(n.label)));
    assert.ok(tab, 'the pipeline has a conversation tab');
    assert.equal(tab.disabled, true, 'off by default: the built-in pipeline answers until the user turns it on');
    const nodes = flows.filter((n) => n.z === tab.id || n.id === tab.id).map((n) => (n.id === tab.id ? { ...n, disabled: false } : n));
    await helper.load(ALL, nodes);
    const base = { conversation_id: 'flowconv', language: 'en', origin: { source: 'api', trusted: true }, event_id: null };
    home.setState('light.ceiling_lights', 'off');
    await until('the ceiling lights to be off', () => ha.getState('light.ceiling_lights')?.state === 'off');
    const understood = await conversations.offer({ ...base, text: 'turn on the ceiling lights' }, 10_000);
    assert.ok(understood, 'the flow answered');
    assert.ok(understood.plan_id, JSON.stringify(understood));
    assert.equal(understood.results?.[0]?.status, 'ok', JSON.stringify(understood));
    await until('the ceiling lights to be on', () => ha.getState('light.ceiling_lights')?.state === 'on');
    llm.script({ content: [{ type: 'text', text: 'Toasters rarely inspire sonnets.' }], stop_reason: 'end_turn' });
    const planned = await conversations.offer({ ...base, text: 'compose a sonnet about my toaster' }, 10_000);
    assert.equal(planned?.reply, 'Toasters rarely inspire sonnets.');
  });

  test("the shipped pipeline's event tab: rules report the rules an event triggers; automation.plan events run through policy → execute", {
    timeout: 20_000,
  }, async () => {
    const flows = loadShippedFlows(defaultFlowsDir());
    const tab = flows.find((n) => n.type === 'tab' && n.label === 'Butler pipeline');
    assert.ok(tab);
    assert.ok(!flows.some((n) => n.z === tab.id && n.type === 'function'), 'no Function-node rules any more');
    const nodes = flows.filter((n) => n.z === tab.id || n.id === tab.id);
    const rulesNode = nodes.find((n) => n.type === 'butler-rules')!;
    const executeNode = nodes.find((n) => n.type === 'butler-execute')!;
    // Watch what the rules node and the execute node send, next to their own wiring.
    (rulesNode.wires as string[][])[0].push('ruled');
    (executeNode.wires as string[][])[0].push('executed');
    await helper.load(ALL, [...nodes, { id: 'ruled', type: 'helper', z: tab.id }, { id: 'executed', type: 'helper', z: tab.id }]);
    brainServices.rules.import({
      id: 'pipeline_rule',
      triggers: [{ kind: 'event', type: 'pipeline.test' }],
      actions: [
        { action_type: 'ha_call_service', params: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen_lights' } } },
      ],
    });
    try {
      const ruled = next('ruled');
      core.ingest.accept({ type: 'pipeline.test', payload: {} }, 'ha');
      assert.deepEqual(
        ((await ruled).rules as { id: string }[]).map((r) => r.id),
        ['pipeline_rule'],
      );
      home.setState('light.bed_light', 'off');
      await until('the bed light to be off', () => ha.getState('light.bed_light')?.state === 'off');
      const executed = next('executed');
      core.ingest.accept(
        {
          type: 'automation.plan',
          payload: {
            actions: [
              { action_type: 'ha_call_service', params: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.bed_light' } } },
            ],
          },
        },
        'api',
      );
      const out = (await executed).payload as { results: { status: string }[] };
      assert.equal(out.results[0].status, 'ok');
      await until('the bed light to be on', () => ha.getState('light.bed_light')?.state === 'on');
    } finally {
      brainServices.rules.remove('pipeline_rule');
    }
  });
});
