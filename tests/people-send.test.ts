// send_message through the door: people in the directory are reached without asking, anyone else waits for a trusted
// person (and an untrusted source cannot approve), the channel is picked from the directory, the rate limit holds.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PeoplePart } from '../src/people/part';
import { PeopleDirectory, RateLimiter } from '../src/people/directory';
import { silentLogger } from '../src/log';
import type { JsonObject } from '../src/types';
import { buildCore } from './helpers/core';

describe('send_message', () => {
  const core = buildCore();
  after(() => core.close());
  const sent: Array<{ via: string; to: string; message: string; key?: string }> = [];
  let failOpenclaw = false;
  const people = new PeoplePart({
    people: [
      { name: 'Mum', aliases: ['Mother'], openclaw: { channel: 'telegram', target: '111' }, email: 'mum@example.com' },
      { name: 'Sam', ha_notify: 'notify.mobile_app_sam' },
    ],
    ratePerMinute: 3,
    channels: {
      openclaw: async (to, message, key) => {
        if (failOpenclaw) throw new Error('message not sent: the gateway or the channel is not available (UNAVAILABLE: down)');
        sent.push({ via: 'openclaw', to: to.target, message, key });
        return { sent: true } as JsonObject;
      },
      email: async (to, _subject, body) => {
        sent.push({ via: 'email', to, message: body });
        return { sent: true } as JsonObject;
      },
      ha_notify: async (service, message) => {
        sent.push({ via: 'ha_notify', to: service, message });
        return { delivered_via: service } as JsonObject;
      },
    },
  });
  people.start({ registry: core.registry, log: silentLogger() });
  const chat = { source: 'openclaw:telegram', trusted: false };

  test('someone in the directory is reached at once, even when a chat asks; the key is plan + index', async () => {
    const out = await core.door.execute({
      actions: [{ action_type: 'send_message', params: { to: 'mother', message: 'hi' } }],
      origin: chat,
    });
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    assert.deepEqual(sent.at(-1), { via: 'openclaw', to: '111', message: 'hi', key: `butler:${out.plan_id}:0` });
  });

  test('an address outside the directory waits for confirmation, and the untrusted asker cannot approve it', async () => {
    const out = await core.door.execute({
      actions: [{ action_type: 'send_message', params: { target: '999', channel: 'telegram', message: 'send me the alarm code' } }],
      origin: chat,
    });
    assert.equal(out.results[0].status, 'pending_confirmation');
    const conf = core.confirmations.list('pending').find((c) => c.plan_id === out.plan_id);
    assert.ok(conf);
    assert.equal(sent.filter((s) => s.to === '999').length, 0);
    // The same target from a trusted person runs.
    const trusted = await core.door.execute({
      actions: [{ action_type: 'send_message', params: { target: '999', channel: 'telegram', message: 'ok' } }],
      origin: { source: 'api', trusted: true },
    });
    assert.equal(trusted.results[0].status, 'ok');
    // A target that is a directory member's address is not a stranger.
    assert.equal(core.registry.riskOf('send_message', { target: 'mum@example.com', message: 'x' }), 'safe');
    assert.equal(core.registry.riskOf('send_message', { target: 'eve@example.com', message: 'x' }), 'sensitive');
  });

  test('the channel falls back along the directory: chat down → email', async () => {
    failOpenclaw = true;
    try {
      const out = await core.door.execute({
        actions: [{ action_type: 'send_message', params: { person: 'Mum', message: 'fallback' } }],
        origin: { source: 'api', trusted: true },
      });
      assert.equal(out.results[0].status, 'ok');
      assert.equal((out.results[0].output as JsonObject).via, 'email');
      assert.match(String((out.results[0].output as JsonObject).tried), /openclaw: message not sent/);
    } finally {
      failOpenclaw = false;
    }
    const viaNotify = await core.door.execute({
      actions: [{ action_type: 'send_message', params: { person: 'sam', message: 'x', via: 'ha_notify' } }],
      origin: chat,
    });
    assert.equal(viaNotify.results[0].status, 'ok');
    assert.deepEqual(sent.at(-1), { via: 'ha_notify', to: 'notify.mobile_app_sam', message: 'x' });
    const noWay = await core.door.execute({
      actions: [{ action_type: 'send_message', params: { person: 'Sam', message: 'x', via: 'email' } }],
      origin: chat,
    });
    assert.match(String((noWay.results[0].output as JsonObject).error), /Sam has no email address/);
  });

  test('unknown names list the known people; bad params are named', async () => {
    const out = await core.door.execute({
      actions: [
        { action_type: 'send_message', params: { person: 'Bob', message: 'x' } },
        { action_type: 'send_message', params: { person: 'Mum' } },
        { action_type: 'send_message', params: { person: 'Mum', target: '1', message: 'x' } },
      ],
      origin: { source: 'api', trusted: true },
    });
    assert.match(
      String((out.results[0].output as JsonObject).error),
      /no one called "Bob" in the household directory; known people: Mum, Sam/,
    );
    assert.match(String((out.results[1].output as JsonObject).error), /message/);
    assert.match(String((out.results[2].output as JsonObject).error), /either person or target/);
  });

  test('the per-recipient rate limit refuses the extra message and says when to retry', async () => {
    const origin = { source: 'api', trusted: true };
    const statuses: string[] = [];
    for (let i = 0; i < 4; i++) {
      const out = await core.door.execute({
        actions: [{ action_type: 'send_message', params: { person: 'Sam', message: `n${i}` } }],
        origin,
      });
      statuses.push(out.results[0].status);
      if (out.results[0].status === 'error')
        assert.match(String((out.results[0].output as JsonObject).error), /most messages allowed in a minute; try again in \d+ s/);
    }
    // Sam got one message in the previous test: 3 per minute leaves two.
    assert.deepEqual(statuses, ['ok', 'ok', 'error', 'error']);
  });

  test('directory and limiter on their own', () => {
    const d = new PeopleDirectory([{ name: 'Ann Lee', aliases: ['Mom'] }]);
    assert.equal(d.find('  my mom ')?.name, 'Ann Lee');
    assert.equal(d.find('ann lee')?.name, 'Ann Lee');
    assert.equal(d.find('Anne'), null);
    const r = new RateLimiter(2, 1000);
    assert.equal(r.take('a', 0), 0);
    assert.equal(r.take('a', 10), 0);
    assert.equal(r.take('a', 20), 980);
    assert.equal(r.take('a', 1001), 0, 'the window slides');
  });
});
