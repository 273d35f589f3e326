// Secrets and what strangers see: a butler configured with secrets everywhere (a password inside the MQTT URL, an API
// key, credentials inside the embeddings URL, the flow credential secret) never prints them in its log nor returns
// them from any API answer; the unauthenticated health says only the status and each component's ok flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactOptions, redactUrl } from '../src/config/load';
import { isTrustedAssistPeer, homeAssistantPeers } from '../src/ha/assist';
import { spawnButler } from './helpers/butler-process';
import { startMosquitto } from './helpers/mosquitto';
import { until } from './helpers/wait';
import type { ButlerOptions } from '../src/config/schema';

const SECRETS = {
  mqttPassword: 'MqttUrlPw-7f3a9c',
  llmKey: 'sk-ant-LlmKey-0b1d2e3f',
  embeddingsUrlPassword: 'EmbUrlPw-5e6f',
  embeddingsQueryKey: 'EmbQueryKey-8a8b',
  embeddingsKey: 'EmbApiKey-1c2d',
  credentialSecret: 'FlowCredSecret-4455667788',
  llmUrlPassword: 'LlmUrlPw-9988',
};

test('redactUrl removes credentials from every URL in a text, and redactOptions from every option at any depth', () => {
  assert.equal(redactUrl('mqtt://butler:pw@10.0.0.2:1883'), 'mqtt://***@10.0.0.2:1883');
  assert.equal(
    redactUrl('see wss://tok@ha.local/api/websocket and http://a:b@c/'),
    'see wss://***@ha.local/api/websocket and http://***@c/',
  );
  assert.equal(redactUrl('http://h/v1?api_key=abc&model=x'), 'http://h/v1?api_key=***&model=x');
  assert.equal(
    redactUrl('http://cam/cgi-bin/api.cgi?cmd=Snap&channel=0&user=admin&password=p1 and http://cam2/snap.jpg?usr=admin&pwd=p2'),
    'http://cam/cgi-bin/api.cgi?cmd=Snap&channel=0&user=admin&password=*** and http://cam2/snap.jpg?usr=admin&pwd=***',
  );
  assert.equal(
    redactUrl('https://s3/x?X-Amz-Credential=AKIA1&X-Amz-Signature=ab12&client_secret=c&refresh_token=r&sig=s'),
    'https://s3/x?X-Amz-Credential=***&X-Amz-Signature=***&client_secret=***&refresh_token=***&sig=***',
  );
  assert.equal(redactUrl('http://h/path?a=1'), 'http://h/path?a=1', 'nothing else changes');
  assert.equal(
    redactUrl('http://h/p?keyboard=us&passive=1&sort=token'),
    'http://h/p?keyboard=us&passive=1&sort=token',
    'only names that are secrets',
  );
  const out = redactOptions({
    mqtt_url: 'mqtts://u:p4ss@broker:8883',
    llm_api_key: 'k',
    embeddings_url: 'https://x:y@emb/v1',
    cameras: [{ name: 'porch', host: 'h', password: 'CamPw', url: 'rtsp://admin:CamPw2@h/stream' }],
  } as unknown as ButlerOptions);
  const text = JSON.stringify(out);
  for (const s of ['p4ss', 'CamPw', 'CamPw2', '"k"', 'x:y']) assert.ok(!text.includes(s), `${s} leaked: ${text}`);
  assert.match(text, /mqtts:\/\/\*\*\*@broker:8883/);
  assert.match(text, /"name":"porch"/, 'what is not secret stays readable');
});

test('Wyoming trusts only Home Assistant’s own address, not the whole Supervisor network', async () => {
  const peers = await homeAssistantPeers({ addon: true });
  assert.ok(peers.includes('172.30.32.1'), 'Home Assistant on the Supervisor network');
  assert.ok(isTrustedAssistPeer('172.30.32.1', peers));
  assert.ok(!isTrustedAssistPeer('172.30.33.5', peers), 'another add-on is an untrusted voice');
  assert.ok(!isTrustedAssistPeer('172.30.32.2', peers), 'the Supervisor proxy is not Home Assistant');
  assert.ok(!isTrustedAssistPeer('192.168.1.50', peers), 'the LAN is an untrusted voice');
  assert.ok(isTrustedAssistPeer('::ffff:127.0.0.1'), 'loopback by default');
  const outside = await homeAssistantPeers({ addon: false, haUrl: 'http://127.0.0.2:8123' });
  assert.ok(isTrustedAssistPeer('127.0.0.2', outside), 'outside the add-on: the configured Home Assistant host');
  assert.ok(!isTrustedAssistPeer('172.30.32.1', outside));
});

test('a butler configured with secrets: none in the log, none in any API answer; strangers see only ok flags', async (t) => {
  const broker = await startMosquitto();
  const brokerUrl = new URL(broker.url);
  const butler = await spawnButler({
    env: {
      BUTLER_LOG_LEVEL: 'debug',
      BUTLER_MQTT_URL: `mqtt://butler:${SECRETS.mqttPassword}@${brokerUrl.host}`,
      BUTLER_LLM_API_KEY: SECRETS.llmKey,
      BUTLER_LLM_BASE_URL: `http://llm:${SECRETS.llmUrlPassword}@127.0.0.1:9/`,
      BUTLER_EMBEDDINGS_URL: `http://emb:${SECRETS.embeddingsUrlPassword}@127.0.0.1:9/v1?api_key=${SECRETS.embeddingsQueryKey}`,
      BUTLER_EMBEDDINGS_MODEL: 'test-embed',
      BUTLER_EMBEDDINGS_API_KEY: SECRETS.embeddingsKey,
      BUTLER_CREDENTIAL_SECRET: SECRETS.credentialSecret,
    },
  });
  t.after(async () => {
    await butler.stop();
    await broker.stop();
  });

  // Strangers: status and ok flags only.
  const open = await fetch(`${butler.url}/api/health`);
  const pub = (await open.json()) as { status: string; components: Record<string, Record<string, unknown>> };
  assert.ok(pub.status, 'the watchdog still reads the status');
  assert.ok(Object.keys(pub.components).length > 3);
  for (const [name, c] of Object.entries(pub.components)) assert.deepEqual(Object.keys(c), ['ok'], `${name} shows only ok`);
  // Someone the butler knows sees the details.
  const full = await butler.api<{ components: Record<string, { detail?: string }> }>('GET', '/api/health');
  assert.match(full.body.components.mqtt.detail ?? '', /connected to mqtt:\/\/\*\*\*@/);

  // Make the butler use what it has: an event, a command, a conversation, a memory lookup.
  await butler.api('POST', '/api/events', { type: 'secrets.probe', payload: { n: 1 } });
  await butler.api('POST', '/api/command', { text: 'turn on the kitchen light' });
  await butler.api('POST', '/api/command', { text: 'what do you remember about the plumber?' });

  const answers: string[] = [JSON.stringify(pub)];
  const paths = [
    '/api/',
    '/api/health',
    '/api/metrics',
    '/api/entities',
    '/api/actions',
    '/api/mode',
    '/api/timeline',
    '/api/events',
    '/api/plans',
    '/api/results',
    '/api/confirmations',
    '/api/rules',
    '/api/scenes',
    '/api/goals',
    '/api/memories',
    '/api/schemas/rule',
    '/api/schemas/scene',
    '/api/nothing-here',
  ];
  for (const p of paths) {
    const r = await butler.api('GET', p);
    answers.push(`${p} ${r.status} ${typeof r.body === 'string' ? r.body : JSON.stringify(r.body)}`);
  }
  const panel = await fetch(`${butler.url}/?token=${butler.token}`);
  answers.push(await panel.text());
  // The butler said something at debug level about what it did (proof the log was written before it is read).
  await until('the configuration log line', () => butler.output().includes('configuration loaded'));
  const everything = `${butler.output()}\n${answers.join('\n')}`;
  for (const [name, secret] of Object.entries(SECRETS))
    assert.ok(
      !everything.includes(secret),
      `${name} leaked:\n${everything
        .split('\n')
        .filter((l) => l.includes(secret))
        .join('\n')
        .slice(0, 2000)}`,
    );
  assert.match(butler.output(), /mqtt:\/\/\*\*\*@127\.0\.0\.1/, 'the URL is still printed, without its credentials');
});
