// GET /api/export and POST /api/import through two whole butlers: what one exports, the other takes in (flows with
// their credentials still encrypted, rules, scenes, goals, memories, IR codes), no secret leaves, and a document with
// anything wrong in it changes nothing and says what was wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { decryptCredentials, encryptCredentials } from '../src/flows/credentials';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';

const SECRET = 'export-test-credential-secret';
const LLM_KEY = 'sk-ant-export-test-9f8e7d6c5b4a';
const MQTT_PASSWORD = 'broker-pass-5a4b3c';
const env = { BUTLER_CREDENTIAL_SECRET: SECRET, BUTLER_LLM_API_KEY: LLM_KEY, BUTLER_LLM_BASE_URL: 'http://127.0.0.1:9' };

let a: ButlerProcess;
let b: ButlerProcess;

interface ExportDoc {
  format: string;
  version: number;
  migration: string;
  flows: { flows: { id: string; type: string; [k: string]: unknown }[]; credentials: { $: string } | null } | null;
  rules: { id: string }[];
  scenes: { id: string; name: string; preset: boolean; actions?: unknown }[];
  goals: { goal_id: string; status: string; steps: { status: string }[] }[];
  memories: { text: string; subject: string | null }[];
  ir_codes: { device: string; command: string; codes: unknown }[];
  options: Record<string, unknown>;
}

const rule = {
  id: 'doorbell_note',
  name: 'Doorbell makes a note',
  triggers: [{ kind: 'event', type: 'doorbell.pressed' }],
  actions: [{ action_type: 'notify', params: { message: 'someone rang' } }],
};
const scene = { id: 'reading', name: 'Reading', actions: [{ action_type: 'notify', params: { message: 'reading time' } }] };

before(async () => {
  [a, b] = await Promise.all([spawnButler({ env: { ...env, BUTLER_MQTT_PASSWORD: MQTT_PASSWORD } }), spawnButler({ env })]);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

async function exportOf(butler: ButlerProcess): Promise<{ doc: ExportDoc; text: string }> {
  const res = await fetch(`${butler.url}/api/export`, { headers: { authorization: `Bearer ${butler.token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="butler-export-\d{4}-\d{2}-\d{2}\.json"/);
  const text = await res.text();
  return { doc: JSON.parse(text) as ExportDoc, text };
}

test('what one butler exports, another imports: every section, credentials still encrypted, no secret in it', async () => {
  assert.equal((await a.api('POST', '/api/rules', rule)).status, 201);
  assert.equal((await a.api('POST', '/api/scenes', scene)).status, 201);
  assert.equal((await a.api('POST', '/api/memories', { text: 'Anna likes the bedroom at 20 degrees', subject: 'Anna' })).status, 201);
  const ir = await a.api<{ results: { status: string }[] }>('POST', '/api/command', {
    actions: [
      { action_type: 'ir_import_codes', params: { format: 'homeassistant', codes: { tv: { power: 'JgBQAAABKZIUEhQ3FBIUEg==' } } } },
    ],
  });
  assert.equal(ir.body.results[0].status, 'ok', JSON.stringify(ir.body));

  const { doc, text } = await exportOf(a);
  assert.equal(doc.format, 'smart-butler-export');
  assert.equal(doc.version, 1);
  assert.match(doc.migration, /^\d{4}_/);
  assert.ok(doc.flows && doc.flows.flows.length > 0, 'the deployed flows are exported');
  assert.deepEqual(
    doc.rules.map((r) => r.id),
    ['doorbell_note'],
  );
  assert.ok(doc.scenes.some((s) => s.id === 'reading' && !s.preset));
  assert.deepEqual(
    doc.memories.map((m) => [m.text, m.subject]),
    [['Anna likes the bedroom at 20 degrees', 'Anna']],
  );
  assert.deepEqual(
    doc.ir_codes.map((c) => [c.device, c.command, c.codes]),
    [['tv', 'power', ['JgBQAAABKZIUEhQ3FBIUEg==']]],
  );
  assert.equal(doc.options.language, 'en', 'the options in effect are there');
  for (const secret of [SECRET, LLM_KEY, MQTT_PASSWORD]) assert.ok(!text.includes(secret), `the export holds no secret (${secret})`);
  assert.ok(!('llm_api_key' in doc.options) && !('credential_secret' in doc.options) && !('mqtt_password' in doc.options));

  // A credential-bearing config node, as the flow editor would store it (encrypted with the shared secret).
  const broker = { id: 'broker1', type: 'mqtt-broker', name: 'house broker', broker: '127.0.0.1', port: '1', autoConnect: false };
  doc.flows!.flows.push(broker);
  doc.flows!.credentials = encryptCredentials(SECRET, { broker1: { user: 'nr', password: 'flow-cred-pass-77' } }) as { $: string };
  doc.goals.push({
    goal_id: 'goal-from-elsewhere',
    text: 'warm the house before we arrive',
    status: 'running',
    steps: [{ index: 0, step: { kind: 'action', action_type: 'notify', params: { message: 'x' } }, status: 'running' }],
  } as unknown as ExportDoc['goals'][number]);

  const imported = await b.api<{ imported: Record<string, unknown> }>('POST', '/api/import', doc);
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  assert.deepEqual(imported.body.imported.flows, { deployed: true, nodes: doc.flows!.flows.length });
  assert.equal(imported.body.imported.rules, 1);
  assert.deepEqual(imported.body.imported.memories, { added: 1, already_there: 0 });
  assert.equal(imported.body.imported.options, 'not applied');

  const rules = await b.api<{ rules: { id: string; valid: boolean }[] }>('GET', '/api/rules');
  assert.deepEqual(
    rules.body.rules.map((r) => r.id),
    ['doorbell_note'],
    'the imported rule is installed',
  );
  assert.equal((await b.api<{ name: string }>('GET', '/api/scenes/reading')).body.name, 'Reading');
  const recall = await b.api<{ memories: { text: string }[] }>('GET', '/api/memories?q=bedroom');
  assert.ok(
    recall.body.memories.some((m) => m.text.includes('20 degrees')),
    'the imported memory is searchable',
  );
  const codes = await b.api<{ results: { output: unknown }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'ir_list_commands', params: {} }],
  });
  assert.match(JSON.stringify(codes.body.results[0].output), /power/);
  const goal = await b.api<{ status: string; error: string; steps: { status: string }[] }>('GET', '/api/goals/goal-from-elsewhere');
  assert.equal(goal.body.status, 'cancelled', 'a goal running elsewhere is not started here');
  assert.match(goal.body.error, /not resumed/);
  assert.equal(goal.body.steps[0].status, 'cancelled');

  // The flows were deployed, and b exports the credentials encrypted, never in clear.
  const again = await exportOf(b);
  assert.ok(again.doc.flows!.flows.some((n) => n.id === 'broker1'));
  assert.ok(!again.text.includes('flow-cred-pass-77'), 'flow credentials are never exported in clear');
  const creds = decryptCredentials(SECRET, again.doc.flows!.credentials!) as Record<string, { password?: string }>;
  assert.equal(creds.broker1?.password, 'flow-cred-pass-77');

  // Importing the same document again adds nothing twice.
  const twice = await b.api<{ imported: { memories: unknown; goals: unknown } }>('POST', '/api/import', doc);
  assert.equal(twice.status, 200);
  assert.deepEqual(twice.body.imported.memories, { added: 0, already_there: 1 });
  assert.deepEqual(twice.body.imported.goals, { added: 0, already_there: 1 });
});

test('a bad import changes nothing and names what was wrong; the butler keeps serving', async () => {
  const { doc } = await exportOf(a);
  const rulesBefore = (await b.api<{ rules: unknown[] }>('GET', '/api/rules')).body.rules.length;
  const fresh = (d: ExportDoc): ExportDoc => ({
    ...structuredClone(d),
    scenes: [{ id: 'must_not_land', name: 'x', actions: [], preset: false }],
  });

  const cases: [string, unknown, RegExp][] = [
    ['a list', [1, 2], /\(root\): send the JSON object GET \/api\/export answers/],
    ['another format', { ...doc, format: 'node-red' }, /\/format: must be "smart-butler-export"/],
    ['a newer version', { ...doc, version: 99 }, /\/version: 99 is newer than this butler reads \(1\)/],
    ['an unknown database version', { ...doc, migration: '9999_future' }, /\/migration: "9999_future".*update the butler first/],
    ['an unknown section', { ...doc, cameras: [] }, /unknown property "cameras"/],
    [
      'a rule naming an unknown action',
      { ...fresh(doc), rules: [{ ...rule, id: 'r2', actions: [{ action_type: 'launch_rocket', params: {} }] }] },
      /\/rules\/0\/actions\/0.*launch_rocket/,
    ],
    [
      'a scene with bad params',
      { ...doc, scenes: [{ id: 's', name: 's', actions: [{ action_type: 'notify', params: { volume: 3 } }] }] },
      /\/scenes\/0\/actions\/0\/params/,
    ],
    [
      'credentials of another secret',
      { ...fresh(doc), flows: { flows: doc.flows!.flows, credentials: encryptCredentials('some-other-secret', { n: { password: 'p' } }) } },
      /\/flows\/credentials: encrypted with another credential secret/,
    ],
    [
      'two flow nodes with one id',
      { ...fresh(doc), flows: { flows: [...doc.flows!.flows, doc.flows!.flows[0]], credentials: null } },
      /\/flows\/flows\/\d+\/id: ".+" appears twice/,
    ],
    ['a memory too long', { ...fresh(doc), memories: [{ text: 'x'.repeat(2001) }] }, /\/memories\/0\/text/],
    [
      'an IR code that is not base64',
      { ...fresh(doc), ir_codes: [{ device: 'tv', command: 'up', codes: ['not base64!'] }] },
      /\/ir_codes\/0\/codes/,
    ],
    [
      'a goal step of an unknown kind',
      { ...fresh(doc), goals: [{ goal_id: 'g', text: 't', status: 'done', steps: [{ index: 0, step: { kind: 'fly' }, status: 'ok' }] }] },
      /\/goals\/0\/steps\/0\/step\/kind/,
    ],
  ];
  for (const [what, body, expected] of cases) {
    const res = await b.api<{ error: string; details?: string[] }>('POST', '/api/import', body);
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assert.match(res.body.error, /^import rejected, nothing was changed: /, what);
    assert.match(res.body.error, expected, `${what}: ${res.body.error}`);
  }
  const notJson = await fetch(`${b.url}/api/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
    body: '{"format": "smart-butler-export", ',
  });
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: string }).error, /JSON/i);

  // Nothing of the rejected documents landed, not even their valid parts.
  assert.equal((await b.api<{ rules: unknown[] }>('GET', '/api/rules')).body.rules.length, rulesBefore);
  assert.equal((await b.api('GET', '/api/scenes/must_not_land')).status, 404);
  const noToken = await fetch(`${b.url}/api/export`);
  assert.equal(noToken.status, 401);
  const health = await b.api<{ status: string }>('GET', '/api/health');
  assert.notEqual(health.body.status, 'down');
});
