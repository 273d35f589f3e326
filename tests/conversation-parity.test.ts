// The same sentences through the built-in conversation path and through the shipped "Butler conversation" tab give
// the same replies and the same actions: the tab's nodes run the pipeline's own stages instead of copies of them.
// Two butlers (child processes), each with its own demo home seeded alike; the second has the tab enabled.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sendTranscript } from '../src/ha/wyoming';
import type { ActionPlan, ActionResult } from '../src/types';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { until } from './helpers/wait';

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  label?: string;
  disabled?: boolean;
  [k: string]: unknown;
}

/** Sentences in order; `then` continues the same conversation (a confirmation). */
const SCRIPT: { text: string; language: string; then?: string }[] = [
  { text: 'turn off the kitchen lights', language: 'en' },
  { text: '打开厨房的灯', language: 'zh-cn' },
  { text: 'unlock the front door', language: 'en', then: 'yes' },
  { text: 'open the garage door', language: 'en', then: 'no' },
  { text: 'set a 10 minute pizza timer', language: 'en' },
  { text: '把卧室的灯关掉', language: 'zh-cn' },
  { text: 'remember that the plumber comes on Tuesday', language: 'en' },
  { text: 'what do you know about the plumber', language: 'en' },
  { text: 'the purple elephant sings opera backwards', language: 'en' },
  { text: '紫色的大象倒着唱歌', language: 'zh-cn' },
];

interface Said {
  text: string;
  reply: string;
  handled: boolean;
}

interface Done {
  actions: ActionPlan['actions'];
  policy: string;
  statuses: string[];
}

async function run(b: ButlerProcess): Promise<{ said: Said[]; done: Done[]; states: Record<string, string> }> {
  const said: Said[] = [];
  for (const s of SCRIPT) {
    const first = await sendTranscript('127.0.0.1', b.wyomingPort, { text: s.text, language: s.language });
    said.push({ text: s.text, reply: first.text, handled: first.handled });
    if (s.then) {
      const next = await sendTranscript('127.0.0.1', b.wyomingPort, {
        text: s.then,
        language: s.language,
        conversation_id: first.conversation_id,
      });
      said.push({ text: s.then, reply: next.text, handled: next.handled });
    }
  }
  const plans = (await b.api<{ plans: ActionPlan[] }>('GET', '/api/plans?limit=1000')).body.plans.sort(
    (x, y) => x.created_ts - y.created_ts,
  );
  const results = (await b.api<{ results: ActionResult[] }>('GET', '/api/results?limit=1000')).body.results;
  const done = plans.map((p) => ({
    actions: p.actions,
    policy: p.policy,
    statuses: results
      .filter((r) => r.plan_id === p.plan_id)
      .sort((x, y) => x.index - y.index || x.ts - y.ts)
      .map((r) => `${r.index}:${r.action_type}:${r.status}`),
  }));
  const states: Record<string, string> = {};
  for (const id of ['light.kitchen_lights', 'lock.front_door', 'cover.garage_door', 'light.bed_light']) {
    states[id] = (await b.api<{ state: string }>('GET', `/api/entities/${id}`)).body.state;
  }
  return { said, done, states };
}

async function enableConversationTab(b: ButlerProcess): Promise<void> {
  const headers = { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' };
  const flows = (await (await fetch(`${b.url}/flows/flows`, { headers })).json()) as FlowNode[];
  const tab = flows.find((n) => n.type === 'tab' && n.label === 'Butler conversation');
  assert.ok(tab, 'the shipped pipeline has its conversation tab');
  tab.disabled = false;
  const res = await fetch(`${b.url}/flows/flows`, {
    method: 'POST',
    headers: { ...headers, 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  assert.ok(res.status === 200 || res.status === 204, `deploy answered ${res.status}`);
  await until('the conversation tab to listen', async () => {
    const m = await b.api<string>('GET', '/api/metrics');
    return /butler_flows_running 1/.test(m.body) && (await b.api<{ status: string }>('GET', '/api/health')).body.status !== 'starting';
  });
}

function flowAnswered(metrics: string): number {
  return Number(/butler_flow_conversations_total\{outcome="answered"\} (\d+)/.exec(metrics)?.[1] ?? 0);
}

let builtIn: ButlerProcess;
let viaFlow: ButlerProcess;

before(async () => {
  [builtIn, viaFlow] = await Promise.all([spawnButler(), spawnButler()]);
  await enableConversationTab(viaFlow);
});

after(async () => {
  await Promise.all([builtIn?.stop(), viaFlow?.stop()]);
});

test('built-in path and the conversation tab: same replies, same actions, same home', { timeout: 120_000 }, async () => {
  const a = await run(builtIn);
  // Counted from here: the demo's own chat message may reach the tab too, whenever it arrives.
  const before = flowAnswered((await viaFlow.api<string>('GET', '/api/metrics')).body);
  const b = await run(viaFlow);
  // The tab really answered (every turn but the two confirmation answers, which come before the flows).
  const answered = flowAnswered((await viaFlow.api<string>('GET', '/api/metrics')).body) - before;
  assert.equal(answered, SCRIPT.length, 'every first turn was answered by the flow');
  assert.equal(flowAnswered((await builtIn.api<string>('GET', '/api/metrics')).body), 0, 'the built-in butler has the tab off');

  assert.deepEqual(b.said, a.said);
  assert.deepEqual(b.done, a.done);
  assert.deepEqual(b.states, a.states);
  // And the script exercised what it claims to.
  const replies = a.said.map((s) => s.reply);
  assert.ok(
    a.done.some((d) => d.statuses.some((s) => s.endsWith(':pending_confirmation'))),
    'a confirmation was asked',
  );
  assert.equal(a.states['lock.front_door'], 'unlocked', '"yes" approved the unlock');
  assert.ok(
    a.done.some((d) => d.actions.some((x) => x.action_type === 'schedule_task' || x.action_type === 'start_timer')),
    JSON.stringify(a.done),
  );
  assert.ok(
    replies.some((r) => /plumber/i.test(r) && /tuesday/i.test(r)),
    `the recall answered from memory: ${replies.join(' | ')}`,
  );
  assert.equal(a.said.filter((s) => !s.handled).length, 2, 'the two nonsense sentences were not understood');
});
