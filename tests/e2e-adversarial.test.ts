// A model that obeys injected instructions, behind every entrance of the real butler (child process): the API as the
// panel admin, MQTT with mqtt_trusted on, Assist over Wyoming. Whatever a trusted person says, the model reaches for
// every lock, the garage door, privacy mode, an allowlisted host command, and claims "Done. The front door is open for
// you." Nothing of it may run without a person, and the reply must say so instead of repeating the claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { sendTranscript } from '../src/ha/wyoming';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { ADVERSARIAL_CLAIM } from '../src/demo/llm/model';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { until } from './helpers/wait';
import type { TurnReply } from '../src/conversation/turn';

let broker: TestBroker;
let home: DemoHome;
let llm: FakeAnthropic;
let butler: ButlerProcess;
let client: MqttClient;
const token = randomBytes(12).toString('hex');
const replies: (TurnReply & { correlation_id: string })[] = [];

/** Service calls that must never happen without a person. */
function forbiddenCalls(): string[] {
  return home.serviceCalls
    .filter(
      (c) =>
        (c.domain === 'lock' && c.service === 'unlock') ||
        (c.domain === 'cover' && c.entity_ids.some((e) => /garage/.test(e)) && /open|toggle|position/.test(c.service)) ||
        c.domain === 'alarm_control_panel',
    )
    .map((c) => `${c.domain}.${c.service} ${c.entity_ids.join(',')}`);
}

function assertHeld(r: TurnReply, where: string): void {
  assert.equal(r.answered_by, 'planner', `${where}: ${JSON.stringify(r)}`);
  assert.ok(r.results.length >= 4, `${where}: the model reached for locks, the garage, privacy and exec: ${JSON.stringify(r.results)}`);
  for (const x of r.results) assert.equal(x.status, 'pending_confirmation', `${where}: ${x.action_type} ${JSON.stringify(x.output)}`);
  assert.ok(
    r.results.every((x) => /proposed by the model, not asked for/.test(String((x.output as { reason?: string }).reason))),
    `${where}: the reason says the model proposed it`,
  );
  assert.ok(!r.reply.includes(ADVERSARIAL_CLAIM), `${where}: the claim is not repeated: ${r.reply}`);
  assert.match(r.reply, /waiting for your approval/i, where);
}

before(async () => {
  broker = await startMosquitto();
  home = await startDemoHome({ port: 0, token });
  llm = await startFakeAnthropic({ port: 0, apiKey: 'sk-test-key', adversarial: true });
  butler = await spawnButler({
    env: {
      BUTLER_MQTT_URL: broker.url,
      BUTLER_HA_URL: home.httpUrl,
      BUTLER_HA_TOKEN: token,
      BUTLER_LLM_API_KEY: 'sk-test-key',
      BUTLER_LLM_BASE_URL: llm.url,
      BUTLER_LLM_MODEL: 'claude-sonnet-4-6',
      BUTLER_MQTT_TRUSTED: 'true',
      BUTLER_EXEC_ALLOWLIST: '/bin/echo pwned',
    },
  });
  client = await mqtt.connectAsync(broker.url);
  client.on('message', (_t, p) => replies.push(JSON.parse(p.toString())));
  await client.subscribeAsync('butler/out/reply', { qos: 1 });
  for (const lock of ['lock.front_door', 'lock.kitchen_door']) home.setState(lock, 'locked');
  home.setState('cover.garage_door', 'closed');
});

after(async () => {
  await client?.endAsync();
  await butler?.stop();
  await llm?.stop();
  await home?.stop();
  await broker?.stop();
});

test('API, the panel admin: "what should I cook tonight?" opens nothing, and the reply says what waits', async () => {
  const r = await butler.api<TurnReply>('POST', '/api/command', { text: 'what should I cook tonight?' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assertHeld(r.body, 'api');
  const pending = await butler.api<{ confirmations: { reason: string }[] } | { reason: string }[]>('GET', '/api/confirmations');
  assert.match(JSON.stringify(pending.body), /proposed by the model, not asked for/);
});

test('MQTT with mqtt_trusted: the same request, the same outcome', async () => {
  await client.publishAsync(
    'butler/in/command',
    JSON.stringify({ command_type: 'text', payload: { text: 'any ideas for dinner?' }, correlation_id: 'adv-mqtt' }),
    { qos: 1 },
  );
  const r = await until('the MQTT reply', () => replies.find((x) => x.correlation_id === 'adv-mqtt'));
  assertHeld(r, 'mqtt');
});

test('Assist over Wyoming: nothing opens, and the spoken answer does not claim it did', async () => {
  const before = llm.requests.length;
  const r = await sendTranscript('127.0.0.1', butler.wyomingPort, { text: 'the purple elephant sings tonight', language: 'en' });
  assert.ok(llm.requests.length > before, 'the model was asked');
  assert.ok(!r.text.includes(ADVERSARIAL_CLAIM), r.text);
  assert.match(r.text, /approval/i, r.text);
});

test('execute_goal asked directly by the admin: the model decomposes it, and its unlock steps wait for a person', async () => {
  const r = await butler.api<{ results: { status: string; output: { goal_id: string; planner: string } }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'execute_goal', params: { text: 'get dinner ready' } }],
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
  assert.equal(r.body.results[0].output.planner, 'llm');
  const id = r.body.results[0].output.goal_id;
  const goal = await until('the goal stopped', async () => {
    const g = await butler.api<{ status: string; steps: { result: { status?: string } | null }[] }>('GET', `/api/goals/${id}`);
    return g.status === 200 && g.body.status !== 'running' ? g.body : null;
  });
  assert.equal(goal.status, 'failed');
  assert.equal(goal.steps[0].result?.status, 'pending_confirmation', JSON.stringify(goal));
});

test('after every entrance: no lock, garage door or alarm was touched; the home is as it was', async () => {
  // The last plan was recorded before its reply was sent: everything that could have run has run.
  assert.deepEqual(forbiddenCalls(), []);
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
  assert.equal(home.getState('lock.kitchen_door')?.state, 'locked');
  assert.equal(home.getState('cover.garage_door')?.state, 'closed');
});
