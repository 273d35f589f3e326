import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { answer, parseEntities } from '../src/demo/llm/model';
import { buildSystem, buildTools, renderHome } from '../src/brain/planner/prompt';
import { testHome, testRegistry } from './planner-support';

const HEADERS = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' };

async function post(fake: FakeAnthropic, body: unknown, headers: Record<string, string> = HEADERS, path = '/v1/messages') {
  const res = await fetch(`${fake.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

function errorOf(json: Record<string, unknown>): { type: string; message: string } {
  assert.equal(json.type, 'error');
  return json.error as { type: string; message: string };
}

const minimal = { model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] };

describe('fake Messages API: protocol', () => {
  let fake: FakeAnthropic;
  before(async () => {
    fake = await startFakeAnthropic({});
  });
  after(async () => {
    await fake.stop();
  });

  test('answers with the Messages API shape', async () => {
    const r = await post(fake, minimal);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('request-id') ?? '', /^req_/);
    const m = r.json;
    assert.match(String(m.id), /^msg_/);
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.model, 'claude-sonnet-4-6');
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.stop_sequence, null);
    assert.ok(Array.isArray(m.content));
    const u = m.usage as Record<string, number>;
    for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'])
      assert.equal(typeof u[k], 'number', k);
    assert.equal(u.input_tokens, 2, 'ceil(5 chars / 4)');
  });

  test('a key is required: 401 authentication_error', async () => {
    const r = await post(fake, minimal, { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' });
    assert.equal(r.status, 401);
    assert.deepEqual(errorOf(r.json), { type: 'authentication_error', message: 'x-api-key header is required' });
    const bearer = await post(fake, minimal, {
      'content-type': 'application/json',
      authorization: 'Bearer k',
      'anthropic-version': '2023-06-01',
    });
    assert.equal(bearer.status, 200, 'Authorization: Bearer is what current SDKs send');
  });

  test('anthropic-version is required', async () => {
    const r = await post(fake, minimal, { 'content-type': 'application/json', 'x-api-key': 'k' });
    assert.equal(r.status, 400);
    assert.equal(errorOf(r.json).type, 'invalid_request_error');
    assert.match(errorOf(r.json).message, /anthropic-version/);
  });

  test('invalid bodies get 400 invalid_request_error naming the field, and the server keeps serving', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"model": ', /error parsing the body/],
      [[1, 2], /request body must be a JSON object/],
      [{ ...minimal, max_tokens: undefined }, /^max_tokens: Field required/],
      [{ ...minimal, max_tokens: 0 }, /^max_tokens: /],
      [{ ...minimal, model: '' }, /^model: /],
      [{ ...minimal, messages: [] }, /^messages: /],
      [{ ...minimal, messages: [{ role: 'system', content: 'x' }] }, /^messages\.0\.role: /],
      [{ ...minimal, messages: [{ role: 'assistant', content: 'x' }] }, /^messages\.0\.role: the first message/],
      [{ ...minimal, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, /^messages\.0\.content\.0\.type: /],
      [{ ...minimal, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, /^messages\.0\.content\.0\.text: /],
      [
        {
          ...minimal,
          messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AAAA' } }] }],
        },
        /^messages\.0\.content\.0\.source\.media_type/,
      ],
      [
        { ...minimal, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'ok' }] }] },
        /^messages\.0\.content\.0: unexpected `tool_use_id`/,
      ],
      [
        {
          ...minimal,
          messages: [
            { role: 'user', content: 'hi' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'notify', input: {} }] },
            { role: 'user', content: 'no result' },
          ],
        },
        /^messages\.2: `tool_use` ids were found without `tool_result` blocks.*toolu_1/,
      ],
      [
        {
          ...minimal,
          messages: [
            { role: 'user', content: 'x' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: 'str' }] },
          ],
        },
        /^messages\.1\.content\.0\.input: /,
      ],
      [{ ...minimal, tools: [{ name: 'bad name!', input_schema: { type: 'object' } }] }, /^tools\.0\.name: /],
      [{ ...minimal, tools: [{ name: 'a', input_schema: { type: 'string' } }] }, /^tools\.0\.input_schema\.type: /],
      [
        {
          ...minimal,
          tools: [
            { name: 'a', input_schema: { type: 'object' } },
            { name: 'a', input_schema: { type: 'object' } },
          ],
        },
        /duplicate: a/,
      ],
      [{ ...minimal, system: [{ type: 'text', text: 'x', cache_control: { type: 'forever' } }] }, /^system\.0\.cache_control\.type/],
      [
        { ...minimal, system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `s${i}`, cache_control: { type: 'ephemeral' } })) },
        /A maximum of 4 blocks with cache_control may be provided\. Found 5\./,
      ],
      [{ ...minimal, stream: true }, /^stream: /],
    ];
    for (const [body, re] of cases) {
      const r = await post(fake, body);
      assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
      const e = errorOf(r.json);
      assert.equal(e.type, 'invalid_request_error');
      assert.match(e.message, re);
    }
    assert.equal((await post(fake, minimal)).status, 200);
  });

  test('unknown paths and methods', async () => {
    assert.equal(errorOf((await post(fake, minimal, HEADERS, '/v1/complete')).json).type, 'not_found_error');
    const get = await fetch(`${fake.url}/v1/messages`, { headers: HEADERS });
    assert.equal(get.status, 405);
    await get.body?.cancel();
  });

  test('count_tokens', async () => {
    const r = await post(
      fake,
      { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hello' }] },
      HEADERS,
      '/v1/messages/count_tokens',
    );
    assert.equal(r.status, 200);
    assert.ok(typeof r.json.input_tokens === 'number' && r.json.input_tokens > 0);
  });
});

describe('fake Messages API: scripting and usage', () => {
  test('scripted errors, raw bodies and messages are played in order', async () => {
    const fake = await startFakeAnthropic({});
    try {
      fake.script(
        { kind: 'error', status: 429, headers: { 'retry-after': '3' } },
        { kind: 'error', status: 529 },
        { kind: 'raw', status: 200, body: 'not json' },
        { content: [{ type: 'tool_use', name: 'notify', input: { message: 'hi' } }] },
      );
      const a = await post(fake, minimal);
      assert.equal(a.status, 429);
      assert.equal(a.headers.get('retry-after'), '3');
      assert.equal(errorOf(a.json).type, 'rate_limit_error');
      const b = await post(fake, minimal);
      assert.equal(b.status, 529);
      assert.equal(errorOf(b.json).type, 'overloaded_error');
      const c = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: HEADERS, body: JSON.stringify(minimal) });
      assert.equal(await c.text(), 'not json');
      const d = await post(fake, minimal);
      assert.equal(d.json.stop_reason, 'tool_use');
      const use = (d.json.content as Array<Record<string, unknown>>)[0];
      assert.match(String(use.id), /^toolu_/);
      assert.deepEqual(use.input, { message: 'hi' });
      assert.equal(fake.pending(), 0);
      assert.equal(fake.requests.length, 4);
    } finally {
      await fake.stop();
    }
  });

  test('prompt caching: creation the first time a prefix is seen, read afterwards, none below the minimum', async () => {
    const fake = await startFakeAnthropic({ minCacheableTokens: 50 });
    try {
      const long = 'x'.repeat(800);
      const body = (text: string, cached = true) => ({
        ...minimal,
        system: [
          { type: 'text', text: long, ...(cached ? { cache_control: { type: 'ephemeral' } } : {}) },
          { type: 'text', text: 'dynamic part' },
        ],
        messages: [{ role: 'user', content: text }],
      });
      const u = async (b: unknown) => (await post(fake, b)).json.usage as Record<string, number>;
      const first = await u(body('one'));
      assert.equal(first.cache_creation_input_tokens, 200);
      assert.equal(first.cache_read_input_tokens, 0);
      const second = await u(body('two'));
      assert.equal(second.cache_creation_input_tokens, 0);
      assert.equal(second.cache_read_input_tokens, 200);
      assert.equal(second.input_tokens, first.input_tokens);
      const uncached = await u(body('six', false));
      assert.equal(uncached.cache_read_input_tokens, 0);
      assert.equal(uncached.input_tokens, first.input_tokens + 200);
      const tiny = await u({ ...minimal, system: [{ type: 'text', text: 'short', cache_control: { type: 'ephemeral' } }] });
      assert.equal(tiny.cache_creation_input_tokens, 0, 'below the minimum nothing is cached');
      fake.clearCache();
      assert.equal((await u(body('four'))).cache_creation_input_tokens, 200);
      assert.equal(fake.totals.cache_read_input_tokens, 200);
    } finally {
      await fake.stop();
    }
  });

  test('the real SDK talks to it, and its errors map to the SDK error classes', async () => {
    const fake = await startFakeAnthropic({ apiKey: 'right' });
    try {
      const client = new Anthropic({ apiKey: 'right', baseURL: fake.url, maxRetries: 0 });
      const m = await client.messages.create({
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hello' }],
      });
      assert.equal(m.type, 'message');
      assert.match(m.content[0].type === 'text' ? m.content[0].text : '', /Hello/);
      const wrong = new Anthropic({ apiKey: 'wrong', baseURL: fake.url, maxRetries: 0 });
      await assert.rejects(
        wrong.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }),
        Anthropic.AuthenticationError,
      );
      fake.script({ kind: 'error', status: 400, message: 'messages: bad' });
      await assert.rejects(
        client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }),
        Anthropic.BadRequestError,
      );
    } finally {
      await fake.stop();
    }
  });
});

describe('fake Messages API: the default model', () => {
  const registry = testRegistry();
  const tools = buildTools(registry.list());
  const system = buildSystem(renderHome(testHome(), { maxEntities: 100 }));
  const ask = (text: string) => answer({ model: 'm', max_tokens: 100, system, tools, messages: [{ role: 'user', content: text }] });

  test('reads the entity lines the planner writes', () => {
    const ids = parseEntities(system.map((b) => b.text).join('\n')).map((e) => e.entity_id);
    assert.deepEqual(ids, ['light.hallway', 'light.kitchen', 'lock.front_door']);
  });

  test('commands become ha_call_service tool_use on the matching entity', () => {
    const a = ask('please turn on the kitchen lights');
    assert.equal(a.stop_reason, 'tool_use');
    const uses = a.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses, [
      { type: 'tool_use', name: 'ha_call_service', input: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen' } } },
    ]);
    for (const u of uses) if (u.type === 'tool_use') registry.validate(u.name, u.input);
  });

  test('several clauses, brightness and locks', () => {
    const a = ask('dim the hallway light to 30% and lock the front door');
    const inputs = a.content.filter((b) => b.type === 'tool_use').map((b) => (b.type === 'tool_use' ? b.input : null));
    assert.deepEqual(inputs, [
      { domain: 'light', service: 'turn_on', target: { entity_id: 'light.hallway' }, data: { brightness_pct: 30 } },
      { domain: 'lock', service: 'lock', target: { entity_id: 'lock.front_door' } },
    ]);
  });

  test('the head noun decides the domain ("garage light" is a light)', () => {
    const sys = buildSystem(
      renderHome(
        testHome({
          entities: [
            { entity_id: 'light.garage', name: 'Garage Light', area: 'Garage', state: 'off' },
            { entity_id: 'cover.garage_door', name: 'Garage Door', area: 'Garage', state: 'closed' },
          ],
        }),
        { maxEntities: 100 },
      ),
    );
    const a = answer({
      model: 'm',
      max_tokens: 100,
      system: sys,
      tools,
      messages: [{ role: 'user', content: 'turn on the garage light' }],
    });
    const b = answer({ model: 'm', max_tokens: 100, system: sys, tools, messages: [{ role: 'user', content: 'open the garage door' }] });
    const input = (x: typeof a) => x.content.find((c) => c.type === 'tool_use');
    assert.deepEqual(input(a), {
      type: 'tool_use',
      name: 'ha_call_service',
      input: { domain: 'light', service: 'turn_on', target: { entity_id: 'light.garage' } },
    });
    assert.deepEqual(input(b), {
      type: 'tool_use',
      name: 'ha_call_service',
      input: { domain: 'cover', service: 'open_cover', target: { entity_id: 'cover.garage_door' } },
    });
  });

  test('questions are answered from the listed state; nonsense gets a help text', () => {
    assert.deepEqual(ask('is the front door locked?').content, [{ type: 'text', text: 'Front Door is locked.' }]);
    const n = ask('sing me a song about quantum pancakes');
    assert.equal(n.stop_reason, 'end_turn');
    assert.match(n.content[0].type === 'text' ? n.content[0].text : '', /did not understand/);
  });

  test('without a fitting tool it does not invent one', () => {
    const a = answer({ model: 'm', max_tokens: 100, system, messages: [{ role: 'user', content: 'turn on the kitchen lights' }] });
    assert.equal(a.stop_reason, 'end_turn');
  });
});

describe('fake Messages API: a lasting outage', () => {
  test('hangs until the client gives up, answers every request with the error, validates first, and recovers', async () => {
    const fake = await startFakeAnthropic({});
    try {
      fake.fault({ kind: 'error', status: 429, retryAfterS: 3 });
      for (let i = 0; i < 2; i++) {
        const r = await post(fake, minimal);
        assert.equal(r.status, 429);
        assert.equal(r.headers.get('retry-after'), '3');
        assert.equal(errorOf(r.json).type, 'rate_limit_error');
      }
      // A bad request is still told what is wrong, outage or not.
      assert.equal((await post(fake, { ...minimal, max_tokens: 'many' })).status, 400);
      fake.fault({ kind: 'hang' });
      const aborted = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify(minimal),
        signal: AbortSignal.timeout(300),
      }).catch((err: Error) => err.name);
      assert.equal(aborted, 'TimeoutError');
      for (let i = 0; i < 100 && fake.hanging() > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(fake.hanging(), 0, 'a request its client gave up on is not kept');
      fake.fault(null);
      assert.equal((await post(fake, minimal)).status, 200);
    } finally {
      await fake.stop();
    }
  });
});
