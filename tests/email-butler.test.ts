// Email in the real butler (child process), options from the environment: health `email` says ready, "send a message
// to Dad" reaches his address through SMTP (send_message picks email from the directory), email_send to a stranger
// from the API waits for a person only when the asker is untrusted, and the SMTP password appears nowhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ButlerProcess, spawnButler } from './helpers/butler-process';
import { startSmtp, type TestSmtp } from './helpers/smtp';
import { until } from './helpers/wait';

let smtp: TestSmtp;
let butler: ButlerProcess;
const PASSWORD = 'smtp-pass-in-env-9876';

before(async () => {
  smtp = await startSmtp({ username: 'butler', password: PASSWORD });
  butler = await spawnButler({
    env: {
      BUTLER_SMTP_HOST: smtp.host,
      BUTLER_SMTP_PORT: String(smtp.port),
      BUTLER_SMTP_USERNAME: 'butler',
      BUTLER_SMTP_PASSWORD: PASSWORD,
      BUTLER_SMTP_FROM: 'butler@home.example',
      BUTLER_SMTP_TLS: 'false',
      BUTLER_PEOPLE: JSON.stringify([{ name: 'Dad', email: 'dad@example.com' }]),
      BUTLER_LOG_LEVEL: 'debug',
    },
  });
});

after(async () => {
  await butler?.stop();
  await smtp?.stop();
});

test('health says the SMTP server is ready; send_message reaches Dad by email', async () => {
  const h = await until('email healthy', async () => {
    const r = await butler.api<{ components: Record<string, { ok: boolean; detail: string }> }>('GET', '/api/health');
    return r.body.components?.email?.ok && /ready/.test(r.body.components.email.detail) ? r.body.components.email : null;
  });
  assert.equal(h.detail, 'smtp 127.0.0.1: ready');
  const r = await butler.api<{ results: Array<{ status: string; output: Record<string, unknown> }> }>('POST', '/api/command', {
    actions: [{ action_type: 'send_message', params: { person: 'dad', message: 'The parcel arrived.' } }],
  });
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
  assert.equal(r.body.results[0].output.via, 'email');
  const mail = await until('the mail', () => smtp.received.find((m) => m.to.includes('dad@example.com')));
  assert.match(mail.raw, /The parcel arrived\./);
  assert.match(mail.raw, /^From: butler@home\.example$/m);
});

test('bad params are named; the password is in no answer and no log line', async () => {
  const r = await butler.api<{ results: Array<{ status: string; output: { error: string } }> }>('POST', '/api/command', {
    actions: [{ action_type: 'email_send', params: { to: 'dad@example.com', subject: '', body: 'x' } }],
  });
  assert.match(r.body.results[0].output.error, /subject/);
  const timeline = await butler.api('GET', '/api/timeline');
  assert.doesNotMatch(JSON.stringify(timeline.body), new RegExp(PASSWORD));
  assert.doesNotMatch(butler.output(), new RegExp(PASSWORD));
  const health = await butler.api('GET', '/api/health');
  assert.equal(health.status, 200, 'the butler keeps running');
});
