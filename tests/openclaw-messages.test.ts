// Messaging through the OpenClaw gateway, with the real butler (child process) connected to the gateway simulator:
// a chat message becomes message.received (untrusted) and goes through the conversation pipeline, the answer goes
// back to the same chat and thread; a sensitive request from a chat waits for a person and the chat cannot approve
// it; openclaw_message_send and send_message go out through the door with an idempotency key, once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenClawGatewaySimulator } from '../src/demo/openclaw/gateway';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { until } from './helpers/wait';

interface Ev {
  type: string;
  source: string;
  payload: Record<string, unknown>;
}
interface Result {
  status: string;
  output: Record<string, unknown>;
}

describe('OpenClaw messaging through the butler', () => {
  let gw: OpenClawGatewaySimulator;
  let butler: ButlerProcess;

  before(async () => {
    gw = new OpenClawGatewaySimulator({ token: 'gw-token-123456', channels: ['telegram', 'signal'], tickIntervalMs: 2000 });
    await gw.start();
    butler = await spawnButler({
      env: {
        BUTLER_OPENCLAW_URL: gw.url,
        BUTLER_OPENCLAW_TOKEN: 'gw-token-123456',
        BUTLER_PEOPLE: JSON.stringify([
          { name: 'Mum', aliases: ['mother'], openclaw: { channel: 'signal', target: '+4470000001' } },
          { name: 'Dad', email: 'dad@example.com' },
        ]),
      },
    });
    await until(
      'the butler connected to the gateway',
      () => gw.clientCount > 0 && gw.requests.some((r) => r.method === 'sessions.subscribe'),
    );
  });

  after(async () => {
    await butler?.stop();
    await gw?.stop();
  });

  test('health says connected, and never shows the token', async () => {
    const h = await until('openclaw healthy', async () => {
      const r = await butler.api<{ components: Record<string, { ok: boolean; detail: string }> }>('GET', '/api/health');
      return r.body.components?.openclaw?.ok ? r.body.components.openclaw : null;
    });
    assert.match(h.detail, /^connected to ws:\/\/127\.0\.0\.1:\d+\/ \(protocol 4/);
    assert.doesNotMatch(butler.output(), /gw-token-123456/);
  });

  test('a chat message is an untrusted event, is understood, and the answer goes back to the same chat and thread', async () => {
    gw.inbound({ channel: 'telegram', from: '5550001', senderName: 'Alex', text: 'turn on the kitchen lights', threadId: '77' });
    const reply = await until('the answer', () => gw.sent.find((m) => m.to === '5550001' && m.threadId === '77'));
    assert.equal(reply.channel, 'telegram');
    assert.match(reply.message ?? '', /kitchen/i);
    // The chat's next message arrives on the session subscription with its own id: the answer replies to it.
    const second = gw.inbound({
      channel: 'telegram',
      from: '5550001',
      senderName: 'Alex',
      text: 'turn off the kitchen lights',
      threadId: '77',
    });
    const reply2 = await until('the second answer', () => gw.sent.find((m) => m.to === '5550001' && m.replyToId === second.messageId));
    assert.equal(reply2.threadId, '77');
    const events = (await butler.api<{ events: Ev[] }>('GET', '/api/events?type=message.received')).body.events;
    const ev = events.find((e) => e.payload.message_id === second.messageId);
    assert.ok(ev, 'message.received recorded');
    assert.equal(ev.source, 'openclaw:telegram');
    assert.deepEqual(
      { channel: ev.payload.channel, from: ev.payload.from, text: ev.payload.text, thread_id: ev.payload.thread_id },
      { channel: 'telegram', from: 'Alex', text: 'turn off the kitchen lights', thread_id: '77' },
    );
    const plans = (await butler.api<{ plans: Array<{ source: string; trusted: boolean }> }>('GET', '/api/plans?source=openclaw:telegram'))
      .body.plans;
    assert.ok(plans.length > 0 && plans.every((p) => p.trusted === false), 'the plan ran as untrusted');
  });

  test('"unlock the front door" from a chat waits for a person, and "yes" from the chat does not approve it', async () => {
    gw.inbound({ channel: 'telegram', from: '5550002', text: 'unlock the front door' });
    const first = await until('the answer to the unlock', () => gw.sent.find((m) => m.to === '5550002'));
    assert.doesNotMatch(first.message ?? '', /^(Unlocked|Done)/i);
    const pending = await until('a pending confirmation', async () => {
      const r = await butler.api<{ confirmations: Array<{ id: string; action_type: string; origin: { source: string } }> }>(
        'GET',
        '/api/confirmations?status=pending',
      );
      return r.body.confirmations.find((c) => c.origin.source === 'openclaw:telegram');
    });
    gw.inbound({ channel: 'telegram', from: '5550002', text: 'yes' });
    await until('the answer to "yes"', () => gw.sent.filter((m) => m.to === '5550002').length >= 2);
    const still = (await butler.api<{ confirmations: Array<{ id: string }> }>('GET', '/api/confirmations?status=pending')).body
      .confirmations;
    assert.ok(
      still.some((c) => c.id === pending.id),
      'still pending after the chat said yes',
    );
    const lock = (await butler.api<{ state: string }>('GET', '/api/entities/lock.front_door')).body;
    assert.equal(lock.state, 'locked');
  });

  test('openclaw_message_send: sent once with the plan key even when the connection drops under it', async () => {
    gw.dropNext('send');
    const before = gw.sent.length;
    const r = await butler.api<{ plan_id: string; results: Result[] }>('POST', '/api/command', {
      actions: [
        {
          action_type: 'openclaw_message_send',
          params: { target: '@someone', message: 'The parcel arrived.', channel: 'telegram', thread_id: '9' },
        },
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body.results[0]));
    const mine = gw.sent.slice(before).filter((m) => m.message === 'The parcel arrived.');
    assert.equal(mine.length, 1, 'delivered once');
    assert.equal(mine[0].idempotencyKey, `butler:${r.body.plan_id}:0`);
    assert.equal(mine[0].threadId, '9');
    assert.equal(
      gw.requests.filter((q) => q.method === 'send' && (q.params as { idempotencyKey?: string }).idempotencyKey === mine[0].idempotencyKey)
        .length,
      2,
      'asked twice, delivered once',
    );
  });

  test('gateway errors come back as the action error, in words; bad params name the field', async () => {
    const r = await butler.api<{ results: Result[] }>('POST', '/api/command', {
      actions: [
        { action_type: 'openclaw_message_send', params: { target: '1', message: 'x', channel: 'fax' } },
        { action_type: 'openclaw_message_send', params: { target: '1', message: 'x', colour: 'red' } },
        { action_type: 'openclaw_message_send', params: { message: 'x' } },
      ],
    });
    const [unavailable, unknownKey, missing] = r.body.results;
    assert.equal(unavailable.status, 'error');
    assert.match(
      String(unavailable.output.error),
      /message not sent: the gateway or the channel is not available \(UNAVAILABLE: channel fax is not configured\)/,
    );
    assert.equal(unknownKey.status, 'error');
    assert.match(String(unknownKey.output.error), /colour/);
    assert.match(String(missing.output.error), /target/);
  });

  test('send_message finds Mum in the directory (by alias too) and reaches her chat', async () => {
    const r = await butler.api<{ results: Result[] }>('POST', '/api/command', {
      actions: [{ action_type: 'send_message', params: { person: 'mother', message: 'The door is open.' } }],
    });
    assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body.results[0]));
    assert.equal(r.body.results[0].output.to, 'Mum');
    assert.equal(r.body.results[0].output.via, 'openclaw');
    assert.ok(gw.sent.some((m) => m.to === '+4470000001' && m.channel === 'signal' && m.message === 'The door is open.'));
  });

  test('"tell Mum ..." in a chat reaches Mum; "tell Bob ..." names the people the butler knows', async () => {
    gw.inbound({ channel: 'telegram', from: '5550003', text: 'tell Mum that dinner is ready' });
    await until('Mum got it', () => gw.sent.find((m) => m.to === '+4470000001' && /dinner is ready/.test(m.message ?? '')));
    const r = await butler.api<{ results: Result[] }>('POST', '/api/command', {
      actions: [{ action_type: 'send_message', params: { person: 'Bob', message: 'hi' } }],
    });
    assert.equal(r.body.results[0].status, 'error');
    assert.match(String(r.body.results[0].output.error), /no one called "Bob".*known people: Mum, Dad/);
  });

  test('the butler keeps running after garbage from the gateway and answers the next message', async () => {
    gw.rawToAll('{not json');
    gw.rawToAll(JSON.stringify({ type: 'event', event: 'session.message', payload: { sessionKey: 42, message: 'nonsense' } }));
    gw.rawToAll(
      JSON.stringify({
        type: 'event',
        event: 'session.message',
        payload: { sessionKey: 'agent:main:main', message: { role: 'user', content: 'no chat' } },
      }),
    );
    gw.inbound({ channel: 'telegram', from: '5550004', text: 'turn off the kitchen lights' });
    await until('the answer after the garbage', () => gw.sent.find((m) => m.to === '5550004'));
    assert.equal((await butler.api('GET', '/api/health')).status, 200);
  });
});
