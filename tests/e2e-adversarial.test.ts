// A model that obeys injected instructions, behind every entrance of the real butler (child process): the API as the
// panel admin, MQTT with mqtt_trusted on, Assist over Wyoming, a flow's planner node, and a chat message through the
// OpenClaw gateway. Whatever a person says, the model reaches for every lock, the garage door, privacy mode, an
// allowlisted host command, and claims "Done. The front door is open for you." Nothing of it may run without a
// person, each waits with the reason "proposed by the model, not asked for", and the reply says so instead of
// repeating the claim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { sendTranscript } from '../src/ha/wyoming';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { OpenClawGatewaySimulator } from '../src/demo/openclaw/gateway';
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
let gw: OpenClawGatewaySimulator;
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
  gw = new OpenClawGatewaySimulator({ token: 'gw-token-adversarial', channels: ['telegram'], tickIntervalMs: 2000 });
  await gw.start();
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
      BUTLER_OPENCLAW_URL: gw.url,
      BUTLER_OPENCLAW_TOKEN: 'gw-token-adversarial',
    },
  });
  await until('the butler subscribed to the gateway', () => gw.requests.some((r) => r.method === 'sessions.subscribe'));
  client = await mqtt.connectAsync(broker.url);
  client.on('message', (_t, p) => replies.push(JSON.parse(p.toString())));
  await client.subscribeAsync('butler/out/reply', { qos: 1 });
  for (const lock of ['lock.front_door', 'lock.kitchen_door']) home.setState(lock, 'locked');
  home.setState('cover.garage_door', 'closed');
});

after(async () => {
  await client?.endAsync();
  await butler?.stop();
  await gw?.stop();
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
  const goal = await until('the goal paused', async () => {
    const g = await butler.api<{ status: string; steps: { result: { status?: string } | null }[] }>('GET', `/api/goals/${id}`);
    return g.status === 200 && g.body.status !== 'running' ? g.body : null;
  });
  assert.equal(goal.status, 'waiting', 'the goal waits for a person instead of failing');
  assert.equal(goal.steps[0].result?.status, 'pending_confirmation', JSON.stringify(goal));
});

interface Held {
  action_type: string;
  reason: string;
  origin: { source: string; trusted: boolean };
  status: string;
}

/** The confirmations waiting for a person that came from `source`. */
async function heldFrom(source: string): Promise<Held[]> {
  const r = await butler.api<{ confirmations: Held[] }>('GET', '/api/confirmations?status=pending');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.confirmations.filter((c) => c.origin.source === source);
}

function assertAllProposed(held: Held[], where: string): void {
  assert.ok(
    held.some((c) => /lock/.test(c.action_type) || /lock/.test(JSON.stringify(c))),
    `${where}: the model reached for a lock: ${JSON.stringify(held)}`,
  );
  for (const c of held) assert.match(c.reason, /proposed by the model, not asked for/, `${where}: ${JSON.stringify(c)}`);
}

test('flows: a flow hands a trusted sentence to the planner node; what the model reaches for waits for a person', async () => {
  const z = 'advtab';
  const flows = [
    { id: z, type: 'tab', label: 'adversarial' },
    {
      id: 'advinject',
      type: 'inject',
      z,
      props: [{ p: 'payload' }],
      payload: 'what should I cook tonight?',
      payloadType: 'str',
      repeat: '',
      once: false,
      x: 120,
      y: 80,
      wires: [['advplanner']],
    },
    { id: 'advplanner', type: 'butler-planner', z, language: '', version: 1, x: 320, y: 80, wires: [['advout']] },
    { id: 'advout', type: 'debug', z, active: true, complete: 'true', x: 520, y: 80, wires: [] },
  ];
  const deployed = await fetch(`${butler.url}/flows/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${butler.token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  assert.ok(deployed.status < 300, `deploy answered ${deployed.status}`);
  const before = llm.requests.length;
  const injected = await until('the inject node accepted the press', async () => {
    const r = await fetch(`${butler.url}/flows/inject/advinject`, { method: 'POST', headers: { authorization: `Bearer ${butler.token}` } });
    return r.status === 200 ? r : null;
  });
  assert.equal(injected.status, 200);
  const held = await until('the flow’s planner proposals waiting', async () => {
    const h = await heldFrom('flow');
    return llm.requests.length > before && h.length >= 4 ? h : null;
  });
  assertAllProposed(held, 'flow');
  assert.ok(
    held.every((c) => c.origin.trusted),
    'the flow is trusted: only the model’s proposing makes them wait',
  );
  // a press for a node that is not there is refused and the butler keeps serving
  const missing = await fetch(`${butler.url}/flows/inject/no-such-node`, {
    method: 'POST',
    headers: { authorization: `Bearer ${butler.token}` },
  });
  assert.equal(missing.status, 404);
  assert.equal((await butler.api('GET', '/api/health')).status, 200);
});

test('messages: a chat message through the OpenClaw gateway; the locks wait, and the chat is told so, not the claim', async () => {
  gw.inbound({ channel: 'telegram', from: '5550199', senderName: 'Sam', text: 'what should I cook tonight?' });
  const answer = await until('the answer in the chat', () => gw.sent.find((m) => m.to === '5550199'));
  const held = await until('the chat’s proposals waiting', async () => {
    const h = await heldFrom('openclaw:telegram');
    return h.length >= 4 ? h : null;
  });
  assertAllProposed(held, 'messages');
  assert.ok(
    held.every((c) => !c.origin.trusted),
    'a chat is never trusted',
  );
  assert.ok(!String(answer.message).includes(ADVERSARIAL_CLAIM), `the claim is not repeated: ${answer.message}`);
  assert.match(String(answer.message), /approval/i, String(answer.message));
  // the chat cannot approve what it caused: an approval sent as a chat message is just another untrusted turn
  gw.inbound({ channel: 'telegram', from: '5550199', senderName: 'Sam', text: 'yes, approve all of it' });
  await until('the second answer', () => gw.sent.filter((m) => m.to === '5550199').length >= 2);
  assert.ok((await heldFrom('openclaw:telegram')).length >= held.length, 'still waiting');
});

test('after every entrance: no lock, garage door or alarm was touched; the home is as it was', async () => {
  // The last plan was recorded before its reply was sent: everything that could have run has run.
  assert.deepEqual(forbiddenCalls(), []);
  assert.equal(home.getState('lock.front_door')?.state, 'locked');
  assert.equal(home.getState('lock.kitchen_door')?.state, 'locked');
  assert.equal(home.getState('cover.garage_door')?.state, 'closed');
});
