// A custom tool drawn as a flow, end to end: the whole butler as a child process (Node-RED is a process-wide
// singleton) with the fake Messages API on loopback. Deploy a butler tool → it is an action like any other (API
// listing, validation, the door, the planner's tools); deploy without it → it is gone.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { until } from './helpers/wait';

type Node = Record<string, unknown> & { id: string; type: string };
interface ActionInfo {
  name: string;
  description: string;
  params: { required?: string[]; properties?: Record<string, unknown> };
  risk: string;
  provider: string;
}
interface ActionResult {
  action_type: string;
  status: string;
  output: unknown;
}
interface Reply {
  reply: string;
  answered_by: string;
  results: ActionResult[];
}

const Z = 'tooltab';
const CHIME_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['times'],
  properties: { times: { type: 'integer', minimum: 1, maximum: 5, description: 'How many times to ring.' } },
};

function chimeFlows(): Node[] {
  return [
    { id: Z, type: 'tab', label: 'chime tool' },
    {
      id: 'chimetool',
      type: 'butler-tool',
      z: Z,
      tool: 'ring_doorbell_chime',
      description: 'Ring the doorbell chime a number of times.',
      params: JSON.stringify(CHIME_SCHEMA),
      risk: 'safe',
      timeout: '',
      version: 1,
      x: 120,
      y: 80,
      wires: [['chimework']],
    },
    // The "work": a change node computes the output from the params (JSONata), as a user would draw it.
    {
      id: 'chimework',
      type: 'change',
      z: Z,
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"rang": payload.times, "sound": "ding-dong"}', tot: 'jsonata' }],
      x: 320,
      y: 80,
      wires: [['chimeresult']],
    },
    { id: 'chimeresult', type: 'butler-tool-result', z: Z, version: 1, x: 520, y: 80, wires: [] },
  ];
}

function otherFlows(): Node[] {
  return [
    { id: 'othertab', type: 'tab', label: 'other' },
    { id: 'otherin', type: 'butler-event-in', z: 'othertab', types: 'test.nothing', sources: '', version: 1, x: 120, y: 80, wires: [[]] },
  ];
}

async function deploy(b: ButlerProcess, flows: Node[]): Promise<void> {
  const res = await fetch(`${b.url}/flows/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  assert.ok(res.status === 200 || res.status === 204, `deploy answered ${res.status}: ${await res.text()}`);
}

describe('a custom tool drawn as a flow (child process)', { timeout: 120_000 }, () => {
  let llm: FakeAnthropic;
  let butler: ButlerProcess;

  before(async () => {
    llm = await startFakeAnthropic({ port: 0, host: '127.0.0.1' });
    butler = await spawnButler({ env: { BUTLER_LLM_API_KEY: 'test-key', BUTLER_LLM_BASE_URL: llm.url } });
  });

  after(async () => {
    await butler?.stop();
    await llm?.stop();
  });

  const actions = async () => (await butler.api<{ actions: ActionInfo[] }>('GET', '/api/actions')).body.actions;
  const command = (body: unknown) => butler.api<{ plan_id: string; results: ActionResult[] }>('POST', '/api/command', body);

  test('deployed, the tool is listed in /api/actions with its schema, tier and provider', async () => {
    await deploy(butler, chimeFlows());
    const chime = await until('the tool to be registered', async () => (await actions()).find((a) => a.name === 'ring_doorbell_chime'));
    assert.deepEqual(chime.params, CHIME_SCHEMA);
    assert.equal(chime.risk, 'safe');
    assert.equal(chime.provider, 'flow:chimetool');
    assert.equal(chime.description, 'Ring the doorbell chime a number of times.');
  });

  test("POST /api/command runs it through the door and answers with the flow's output", async () => {
    const r = await command({ actions: [{ action_type: 'ring_doorbell_chime', params: { times: 2 } }] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
    assert.deepEqual(r.body.results[0].output, { rang: 2, sound: 'ding-dong' });
    // Recorded like any other action.
    const plan = await butler.api<{ results: ActionResult[] }>('GET', `/api/plans/${r.body.plan_id}`);
    assert.equal(plan.body.results[0].action_type, 'ring_doorbell_chime');
  });

  test('invalid params are refused by the door, naming the field, without reaching the flow', async () => {
    const statusBefore = (await butler.api<{ node_errors: unknown[] }>('GET', '/api/flows/status')).body;
    const r = await command({ actions: [{ action_type: 'ring_doorbell_chime', params: { times: 9 } }] });
    assert.equal(r.body.results[0].status, 'error');
    const out = JSON.stringify(r.body.results[0].output);
    assert.match(out, /invalid params for ring_doorbell_chime/);
    assert.match(out, /\/times: must be <= 5/);
    const wrongType = await command({ actions: [{ action_type: 'ring_doorbell_chime', params: { times: 'lots' } }] });
    assert.match(JSON.stringify(wrongType.body.results[0].output), /\/times: must be integer/);
    // Had the flow been reached, the change node would have answered and the result been "ok"; nor did any node fail.
    const statusAfter = (await butler.api<{ node_errors: unknown[] }>('GET', '/api/flows/status')).body;
    assert.equal(statusAfter.node_errors.length, statusBefore.node_errors.length);
  });

  test('the planner calls it: a scripted tool_use through POST /api/command {text}', async () => {
    const before = llm.requests.length;
    llm.script(
      { content: [{ type: 'tool_use', name: 'ring_doorbell_chime', input: { times: 3 } }], stop_reason: 'tool_use' },
      { content: [{ type: 'text', text: 'I rang the chime three times.' }], stop_reason: 'end_turn' },
    );
    const r = await butler.api<Reply>('POST', '/api/command', { text: 'please ring the doorbell chime three times for the kids' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.answered_by, 'planner', JSON.stringify(r.body));
    assert.equal(r.body.results[0].action_type, 'ring_doorbell_chime');
    assert.deepEqual(r.body.results[0].output, { rang: 3, sound: 'ding-dong' });
    assert.equal(r.body.reply, 'Done: ring doorbell chime. I rang the chime three times.', 'what ran is said first');
    const first = llm.requests[before] as { tools?: { name: string; input_schema: unknown }[] };
    const offered = first.tools?.find((t) => t.name === 'ring_doorbell_chime');
    assert.ok(offered, 'the model was offered the flow tool');
    assert.deepEqual((offered.input_schema as { required: string[] }).required, ['times']);
  });

  test('deploying flows without it withdraws it: gone from /api/actions, and calling it fails with "unknown action type"', async () => {
    await deploy(butler, otherFlows());
    await until('the tool to be withdrawn', async () => !(await actions()).some((a) => a.name === 'ring_doorbell_chime'));
    const r = await command({ actions: [{ action_type: 'ring_doorbell_chime', params: { times: 2 } }] });
    assert.equal(r.body.results[0].status, 'error');
    assert.match(String((r.body.results[0].output as { error: string }).error), /unknown action type "ring_doorbell_chime"/);
    // The built-ins are untouched and the butler keeps serving.
    assert.ok((await actions()).some((a) => a.name === 'notify'));
    assert.equal((await butler.api('GET', '/api/health')).status, 200);
  });

  test('a tool clashing with a built-in is a node error in /api/flows/status, and the built-in keeps working', async () => {
    const clash: Node[] = [
      { id: 'clashtab', type: 'tab', label: 'clash' },
      {
        id: 'clashtool',
        type: 'butler-tool',
        z: 'clashtab',
        tool: 'notify',
        description: 'Not the real notify.',
        params: '{"type":"object"}',
        risk: 'safe',
        version: 1,
        x: 120,
        y: 80,
        wires: [[]],
      },
    ];
    await deploy(butler, clash);
    const st = await until('the clash to be reported', async () => {
      const s = await butler.api<{ node_errors: { id: string; message: string }[] }>('GET', '/api/flows/status');
      return s.body.node_errors.find((e) => e.id === 'clashtool');
    });
    assert.match(st.message, /clashes with the built-in action/);
    const notify = (await actions()).find((a) => a.name === 'notify');
    assert.ok(notify && !notify.provider.startsWith('flow:'));
  });
});
