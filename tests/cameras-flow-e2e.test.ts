// The shipped example "a person at night" end to end, in the whole butler (child process): the Frigate simulator
// publishes on a real Mosquitto, the PTZ camera is the ONVIF simulator, Home Assistant the demo home and the model the
// fake Messages API. A person alert while the home is in night mode turns the camera to the matching preset, takes a
// picture, asks the model who is there (with the picture) and notifies the household with the picture; the same alert
// outside night mode does nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimCamera, type SimCamera } from '../src/demo/onvif/camera';
import { startSimFrigate, type SimFrigate } from '../src/demo/frigate/server';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { startFakeAnthropic, type FakeAnthropic } from '../src/demo/llm/server';
import { defaultFlowsDir, loadShippedFlows } from '../src/flows/shipped';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import mqtt from 'mqtt';
import { until } from './helpers/wait';

let broker: TestBroker;
let frigate: SimFrigate;
let cam: SimCamera;
let home: DemoHome;
let llm: FakeAnthropic;
let butler: ButlerProcess;
const token = randomBytes(8).toString('hex');

before(async () => {
  broker = await startMosquitto();
  frigate = await startSimFrigate({ mqttUrl: broker.url });
  cam = await startSimCamera({ password: 'ptz-pass' });
  home = await startDemoHome({ port: 0, token });
  llm = await startFakeAnthropic({ port: 0, apiKey: 'sk-test-key' });
  const file = join(mkdtempSync(join(tmpdir(), 'butler-cam-')), 'butler.yaml');
  writeFileSync(file, `cameras:\n  - {name: ptz, host: 127.0.0.1, port: ${cam.port}, username: admin, password: ptz-pass}\n`);
  butler = await spawnButler({
    env: {
      BUTLER_CONFIG: file,
      BUTLER_MQTT_URL: broker.url,
      BUTLER_FRIGATE_URL: frigate.url,
      BUTLER_HA_URL: home.httpUrl,
      BUTLER_HA_TOKEN: token,
      BUTLER_LLM_API_KEY: 'sk-test-key',
      BUTLER_LLM_BASE_URL: llm.url,
      BUTLER_LLM_MODEL: 'claude-sonnet-4-6',
    },
  });
  const flows = loadShippedFlows(defaultFlowsDir(), 'examples/frigate-person-at-night.json');
  const res = await fetch(`${butler.url}/flows/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${butler.token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
  assert.ok(res.status === 200 || res.status === 204, `deploy answered ${res.status}: ${await res.text()}`);
});

after(async () => {
  await butler?.stop();
  await llm?.stop();
  await home?.stop();
  await cam?.stop();
  await frigate?.stop();
  await broker?.stop();
});

const setMode = async (mode: string) => {
  const r = await butler.api<{ results: { status: string }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'set_mode', params: { mode } }],
  });
  assert.equal(r.body.results[0].status, 'ok', JSON.stringify(r.body));
};

test('a Frigate person alert at night: PTZ to the preset, snapshot, describe, notify with the picture', async () => {
  await until('Frigate subscribed', async () => {
    const h = await butler.api<{ components: Record<string, unknown> }>('GET', '/api/health');
    return h.body.components?.frigate !== undefined;
  });
  const asked = llm.requests.length;
  // Not night: the alert passes by.
  await setMode('home');
  const first = frigate.review({ camera: 'front_door', severity: 'alert', objects: ['person'] });
  // The butler has it (recorded and announced in the same step) before the mode changes.
  await until('the first alert in the timeline', async () => {
    const t = await butler.api<{ timeline: { event: { type: string; payload: { id?: string } } }[] }>('GET', '/api/timeline?limit=200');
    return t.body.timeline?.some((x) => x.event?.type === 'frigate.review' && x.event.payload.id === first);
  });
  // Night: the same alert runs the flow.
  await setMode('night');
  llm.script({ content: [{ type: 'text', text: 'A courier in a red jacket is leaving a parcel on the step.' }] });
  frigate.review({ camera: 'front_door', severity: 'alert', objects: ['person'] });

  const note = await until('the notification', () => home.notifications.find((n) => /courier/.test(n.message)));
  assert.equal(note.title, 'Someone at the front door');
  const m = /!\[snapshot\]\(api\/snapshots\/(snap_[0-9]{13}_[0-9a-f]{8})\)/.exec(note.message);
  assert.ok(m, `the picture is in the notification: ${note.message}`);
  assert.deepEqual(cam.position(), { x: -0.5, y: 0.1, zoom: 0.2 }, 'turned to the "Front door" preset');

  const img = await fetch(`${butler.url}/api/snapshots/${m[1]}`, { headers: { authorization: `Bearer ${butler.token}` } });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');

  const looks = llm.requests.slice(asked) as { messages: { content: { type: string }[] | string }[] }[];
  assert.equal(looks.length, 1, 'one look: the alert outside night mode asked nothing');
  const content = looks[0].messages.at(-1)!.content as { type: string }[];
  assert.equal(content[0].type, 'image');
  assert.equal(home.notifications.filter((n) => n.title === 'Someone at the front door').length, 1, 'one notification');
});

test('the discovery camera entity shows the latest picture kept', async () => {
  const shot = await butler.api<{ results: { status: string; output: { snapshot_id: string } }[] }>('POST', '/api/command', {
    actions: [{ action_type: 'snapshot', params: {} }],
  });
  assert.equal(shot.body.results[0].status, 'ok', JSON.stringify(shot.body));
  const img = await fetch(`${butler.url}/api/snapshots/${shot.body.results[0].output.snapshot_id}`, {
    headers: { authorization: `Bearer ${butler.token}` },
  });
  const bytes = Buffer.from(await img.arrayBuffer());
  const client = await mqtt.connectAsync(broker.url);
  try {
    const shown = new Promise<Buffer>((resolve, reject) => {
      client.on('message', (_t, p) => resolve(p));
      setTimeout(() => reject(new Error('nothing retained on butler/ha/camera/state')), 15_000).unref();
    });
    await client.subscribeAsync('butler/ha/camera/state');
    assert.ok((await shown).equals(bytes), 'the retained camera image is the newest snapshot');
  } finally {
    await client.endAsync();
  }
});
