// email_send through the door against a real SMTP server in this process (smtp-server): someone in the household
// directory is written to at once, a stranger waits for a trusted person (a chat cannot approve it), a wrong login and
// bad params are clear errors that never show the password, and nothing configured says how to turn it on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EmailPart } from '../src/drivers/email/part';
import { silentLogger } from '../src/log';
import type { JsonObject } from '../src/types';
import { buildCore } from './helpers/core';
import { freePort } from './helpers/ports';
import { startSmtp, type TestSmtp } from './helpers/smtp';
import { until } from './helpers/wait';

describe('email_send', () => {
  const core = buildCore({ actionTimeoutMs: 20_000 });
  let smtp: TestSmtp;
  const parts: EmailPart[] = [];
  const chat = { source: 'openclaw:telegram', trusted: false };

  const start = (password: string) => {
    const c = buildCore({ actionTimeoutMs: 20_000 });
    const part = new EmailPart({
      smtp: { host: smtp.host, port: smtp.port, username: 'butler', password, from: 'butler@home.example', tls: false },
      isKnownAddress: (a) => a === 'mum@example.com',
    });
    part.start({ registry: c.registry, ingest: c.ingest, log: silentLogger() });
    parts.push(part);
    return { core: c, part };
  };

  before(async () => {
    smtp = await startSmtp({ username: 'butler', password: 'smtp-secret' });
    const part = new EmailPart({
      smtp: { host: smtp.host, port: smtp.port, username: 'butler', password: 'smtp-secret', from: 'butler@home.example', tls: false },
      isKnownAddress: (a) => a === 'mum@example.com',
    });
    part.start({ registry: core.registry, ingest: core.ingest, log: silentLogger() });
    parts.push(part);
  });
  after(async () => {
    for (const p of parts) await p.stop();
    await smtp.stop();
    core.close();
  });

  const run = (params: JsonObject, origin: { source: string; trusted: boolean } = { source: 'api', trusted: true }, c = core) =>
    c.door.execute({ actions: [{ action_type: 'email_send', params }], origin });

  test('a mail to someone in the directory leaves at once, even when a chat asks', async () => {
    const out = await run({ to: 'mum@example.com', subject: 'Door', body: 'The front door is open.' }, chat);
    assert.equal(out.results[0].status, 'ok', JSON.stringify(out.results[0]));
    const mail = smtp.received.at(-1)!;
    assert.equal(mail.from, 'butler@home.example');
    assert.deepEqual(mail.to, ['mum@example.com']);
    assert.match(mail.raw, /^Subject: Door$/m);
    assert.match(mail.raw, /The front door is open\./);
    const output = out.results[0].output as JsonObject;
    assert.deepEqual(output.accepted, ['mum@example.com']);
    assert.match(String(output.message_id), /@home\.example>$/);
  });

  test('a stranger waits for confirmation; the chat that asked cannot approve it; a trusted person can send', async () => {
    const before = smtp.received.length;
    const out = await run({ to: ['mum@example.com', 'eve@evil.example'], subject: 'Codes', body: 'the alarm code' }, chat);
    assert.equal(out.results[0].status, 'pending_confirmation');
    assert.equal(smtp.received.length, before, 'nothing left');
    const conf = core.confirmations.list('pending').find((c) => c.plan_id === out.plan_id);
    assert.ok(conf, 'a confirmation waits');
    const trusted = await run({ to: 'eve@evil.example', subject: 'Hello', body: 'from a person' });
    assert.equal(trusted.results[0].status, 'ok');
    assert.deepEqual(smtp.received.at(-1)!.to, ['eve@evil.example']);
    assert.equal(core.registry.riskOf('email_send', { to: 'MUM@example.com', subject: 's', body: 'b' }), 'safe');
  });

  test('a wrong login is a clear error without the password, and health says why', async () => {
    const { core: c, part } = start('wrong-password-123');
    try {
      const out = await run({ to: 'mum@example.com', subject: 's', body: 'b' }, { source: 'api', trusted: true }, c);
      assert.equal(out.results[0].status, 'error');
      const err = String((out.results[0].output as JsonObject).error);
      assert.match(err, /email not sent: the SMTP server refused the login of "butler" \(check smtp_username and smtp_password\)/);
      assert.doesNotMatch(err, /wrong-password-123/);
      const h = await until('health to say the login failed', () => (part.health().ok === false ? part.health() : null));
      assert.match(String(h.detail), /refused the login/);
      assert.doesNotMatch(JSON.stringify(h), /wrong-password-123/);
    } finally {
      c.close();
    }
  });

  test('bad params are named; an unreachable server is a clear error', async () => {
    const out = await core.door.execute({
      actions: [
        { action_type: 'email_send', params: { to: 'not an address', subject: 's', body: 'b' } },
        { action_type: 'email_send', params: { to: 'mum@example.com', body: 'b' } },
        { action_type: 'email_send', params: { to: 'mum@example.com', subject: 's', body: 'b', cc: 'x@y.z' } },
      ],
      origin: { source: 'api', trusted: true },
    });
    assert.match(String((out.results[0].output as JsonObject).error), /to/);
    assert.match(String((out.results[1].output as JsonObject).error), /subject/);
    assert.match(String((out.results[2].output as JsonObject).error), /cc/);
    const c = buildCore({ actionTimeoutMs: 20_000 });
    const closed = await freePort();
    const part = new EmailPart({ smtp: { host: '127.0.0.1', port: closed, from: 'butler@home.example', tls: false } });
    part.start({ registry: c.registry, ingest: c.ingest, log: silentLogger() });
    parts.push(part);
    const down = await run({ to: 'a@b.example', subject: 's', body: 'b' }, { source: 'api', trusted: true }, c);
    assert.match(
      String((down.results[0].output as JsonObject).error),
      /email not sent: cannot connect to the SMTP server at 127\.0\.0\.1:\d+/,
    );
    c.close();
  });

  test('without smtp_host the action says how to turn it on', async () => {
    const c = buildCore();
    const part = new EmailPart({});
    part.start({ registry: c.registry, ingest: c.ingest, log: silentLogger() });
    const out = await run({ to: 'a@b.example', subject: 's', body: 'b' }, { source: 'api', trusted: true }, c);
    assert.match(String((out.results[0].output as JsonObject).error), /no SMTP server is configured \(set smtp_host/);
    assert.deepEqual(part.health(), { ok: true, detail: 'off: no smtp_host or imap_host is set' });
    c.close();
  });
});
