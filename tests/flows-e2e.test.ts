// The whole butler as a child process (Node-RED is a process-wide singleton): deploy through the admin API, drive
// it over MQTT, watch the demo home and the timeline, restart, restore, and break it on purpose.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import { spawnButler, type ButlerProcess } from './helpers/butler-process';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { until } from './helpers/wait';

type Node = Record<string, unknown> & { id: string; type: string };
interface Revision {
  id: number;
  kind: string;
  user: string;
  restored_from: number | null;
  summary: { text: string; changed: { id: string }[] };
}
interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail: string }>;
}

function pipeline(service: 'turn_on' | 'turn_off', extra: Node[] = []): Node[] {
  const z = 'e2etab';
  return [
    { id: z, type: 'tab', label: 'e2e' },
    { id: 'e2ein', type: 'butler-event-in', z, types: 'test.doorbell', sources: '', version: 1, x: 120, y: 80, wires: [['e2ecall']] },
    {
      id: 'e2ecall',
      type: 'butler-ha-call-service',
      z,
      domain: 'light',
      service,
      entity_id: 'light.bed_light',
      data: '',
      version: 1,
      x: 340,
      y: 80,
      wires: [[]],
    },
    {
      id: 'e2ehttp',
      type: 'http request',
      z,
      method: 'GET',
      ret: 'txt',
      url: 'http://127.0.0.1:9/',
      authType: 'basic',
      x: 120,
      y: 160,
      wires: [[]],
      credentials: { user: 'alice', password: 's3cret-pw' },
    },
    ...extra,
  ];
}

async function deploy(b: ButlerProcess, flows: Node[], token = b.token): Promise<Response> {
  return fetch(`${b.url}/flows/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify(flows),
  });
}

async function bedLight(b: ButlerProcess): Promise<string> {
  const r = await b.api<{ state?: string; entity?: { state: string } }>('GET', '/api/entities/light.bed_light');
  return r.body.state ?? r.body.entity?.state ?? '';
}

describe('flows end to end (child process)', { timeout: 180_000 }, () => {
  let broker: TestBroker;
  let client: MqttClient;
  let butler: ButlerProcess;
  let dataDir: string;
  const env = (): Record<string, string> => ({ BUTLER_MQTT_URL: broker.url });

  before(async () => {
    broker = await startMosquitto();
    client = await mqtt.connectAsync(broker.url, { clientId: `e2e-flows-${process.pid}` });
    butler = await spawnButler({ env: env() });
    dataDir = butler.dataDir;
  });

  after(async () => {
    await client?.endAsync();
    await butler?.stop();
    await broker?.stop();
  });

  async function doorbell(): Promise<void> {
    await client.publishAsync('butler/in/event', JSON.stringify({ type: 'test.doorbell', source: 'e2e', payload: { button: 1 } }), {
      qos: 1,
    });
  }

  test('the editor and its API are admin only', async () => {
    assert.equal((await fetch(`${butler.url}/flows/`)).status, 401);
    assert.equal((await fetch(`${butler.url}/flows/flows`)).status, 401);
    assert.equal((await fetch(`${butler.url}/flows/flows`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await deploy(butler, pipeline('turn_on'), 'wrong-token')).status, 401);
    const page = await fetch(`${butler.url}/flows/?token=${butler.token}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('set-cookie') ?? '', /butler_token=/);
    assert.match(await page.text(), /<html/i);
    // The cookie alone is enough for the editor's own requests.
    const withCookie = await fetch(`${butler.url}/flows/settings`, { headers: { cookie: `butler_token=${butler.token}` } });
    assert.equal(withCookie.status, 200);
    assert.equal(((await withCookie.json()) as { user?: { username: string } }).user?.username, 'token');

    const wsPath = `${butler.url.replace('http', 'ws')}/flows/comms`;
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(wsPath, { handshakeTimeout: 10_000 });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('error', () => resolve(-1));
    });
    assert.equal(refused, 401);
    const opened = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(wsPath, { headers: { authorization: `Bearer ${butler.token}` }, handshakeTimeout: 10_000 });
      ws.on('open', () => (ws.close(), resolve(true)));
      ws.on('error', () => resolve(false));
      ws.on('unexpected-response', () => resolve(false));
    });
    assert.equal(opened, true, 'the editor comms WebSocket opens with the token');
    // The butler's own WebSocket routing still answers unknown paths.
    assert.equal((await fetch(`${butler.url}/api/flows/revisions`)).status, 401);
  });

  test('the default pipeline is the first revision and listed under Import → Examples', async () => {
    const { body } = await butler.api<{ revisions: Revision[] }>('GET', '/api/flows/revisions');
    assert.equal(body.revisions.at(-1)!.kind, 'initial');
    const ex = await butler.api<string[]>('GET', '/flows/library/examples/flows/');
    assert.ok(ex.body.includes('smart-butler'));
    const pipe = await butler.api<Node[]>('GET', '/flows/library/examples/flows/smart-butler/default-pipeline');
    assert.ok(pipe.body.some((n) => n.type === 'butler-policy'));
  });

  test('a deployed flow turns an MQTT event into a Home Assistant call, linked in the timeline', async () => {
    assert.equal(await bedLight(butler), 'off');
    const res = await deploy(butler, pipeline('turn_on'));
    assert.ok(res.status === 200 || res.status === 204, `deploy answered ${res.status}`);
    await until('the bed light to turn on', async () => (await doorbell(), (await bedLight(butler)) === 'on'));
    const linked = await until('the linked timeline entry', async () => {
      const t = await butler.api<{
        timeline: {
          event: { type: string; event_id: string } | null;
          plans: { plan: { source: string; reason: string }; results: { status: string }[] }[];
        }[];
      }>('GET', '/api/timeline?limit=50');
      // The plan is recorded before its result: wait for a chain that has both.
      return t.body.timeline.find((e) => e.event?.type === 'test.doorbell' && e.plans.length > 0 && e.plans[0].results.length > 0);
    });
    assert.equal(linked.plans[0].plan.source, 'flow');
    assert.equal(linked.plans[0].results[0].status, 'ok');
  });

  test('every deploy is a revision with who and what changed', async () => {
    const res = await deploy(butler, pipeline('turn_off'));
    assert.ok(res.status < 300);
    await until('the bed light to turn off', async () => (await doorbell(), (await bedLight(butler)) === 'off'));
    const { body } = await butler.api<{ revisions: Revision[] }>('GET', '/api/flows/revisions');
    const [latest] = body.revisions;
    assert.equal(latest.kind, 'deploy');
    assert.equal(latest.user, 'token');
    assert.deepEqual(
      latest.summary.changed.map((n) => n.id),
      ['e2ecall'],
    );
    const one = await butler.api<{ diff: { changed: { id: string }[] }; flows: Node[]; previous_id: number; credentials?: unknown }>(
      'GET',
      `/api/flows/revisions/${latest.id}`,
    );
    assert.deepEqual(
      one.body.diff.changed.map((n) => n.id),
      ['e2ecall'],
    );
    assert.equal(one.body.previous_id, latest.id - 1);
    assert.equal(one.body.credentials, undefined, 'credentials never leave through the API');
  });

  test('bad requests get clear errors and the butler keeps serving', async () => {
    assert.equal((await butler.api('GET', '/api/flows/revisions/abc')).status, 400);
    const missing = await butler.api<{ error: string }>('POST', '/api/flows/revisions/99999/restore');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no revision 99999/);
    const garbage = await fetch(`${butler.url}/flows/flows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${butler.token}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    assert.equal(garbage.status, 400);
    assert.equal((await butler.api('GET', '/api/health')).status, 200);
  });

  test('after a restart flows, credentials and revisions are intact; restoring brings the old behaviour back', async () => {
    const before = (await butler.api<{ revisions: Revision[] }>('GET', '/api/flows/revisions')).body.revisions;
    assert.equal(await butler.stop(), 0);
    butler = await spawnButler({ env: env(), dataDir });

    const flows = (await butler.api<Node[]>('GET', '/flows/flows')).body;
    assert.equal(flows.find((n) => n.id === 'e2ecall')?.service, 'turn_off');
    const creds = await butler.api<{ user?: string; has_password?: boolean }>('GET', '/flows/credentials/http-request/e2ehttp');
    assert.deepEqual(creds.body, { user: 'alice', has_password: true });
    const after = (await butler.api<{ revisions: Revision[] }>('GET', '/api/flows/revisions')).body.revisions;
    assert.deepEqual(
      after.map((r) => r.id),
      before.map((r) => r.id),
    );

    const turnOn = before.find((r) => r.kind === 'deploy' && r.id < before[0].id)!;
    const restored = await butler.api<{ restored: number; revision: Revision }>('POST', `/api/flows/revisions/${turnOn.id}/restore`);
    assert.equal(restored.status, 201);
    assert.equal(restored.body.revision.kind, 'restore');
    assert.equal(restored.body.revision.restored_from, turnOn.id);
    assert.equal(restored.body.revision.user, 'token');
    await until('the restored flow to turn the light on', async () => (await doorbell(), (await bedLight(butler)) === 'on'));
    const creds2 = await butler.api<{ user?: string }>('GET', '/flows/credentials/http-request/e2ehttp');
    assert.equal(creds2.body.user, 'alice', 'credentials survive a restore');
  });

  test('a failing node leaves the butler running and says why', async () => {
    const bad = {
      id: 'e2ebad',
      type: 'butler-ha-entity',
      z: 'e2etab',
      component: 'sensor',
      object_id: 'Not Valid!',
      version: 1,
      x: 120,
      y: 240,
      wires: [[]],
    };
    assert.ok((await deploy(butler, pipeline('turn_on', [bad]))).status < 300);
    const status = await until('the node error to be reported', async () => {
      const s = await butler.api<{ node_errors: { id: string; message: string }[] }>('GET', '/api/flows/status');
      return s.body.node_errors.find((e) => e.id === 'e2ebad') ? s.body : null;
    });
    assert.match(status.node_errors[0].message, /object id must be/);
    const health = await butler.api<Health>('GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.components.flows.ok, false);
    assert.match(health.body.components.flows.detail, /butler-ha-entity:e2ebad/);
  });

  test('a corrupted flows row starts in safe mode with the reason, and the butler keeps running', async () => {
    assert.equal(await butler.stop(), 0);
    const db = new Database(join(dataDir, 'butler.db'));
    db.prepare("UPDATE nr_flows SET flows = '[{\"id\": garbage' WHERE id = 'main'").run();
    db.close();
    butler = await spawnButler({ env: env(), dataDir });
    const health = await butler.api<Health>('GET', '/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.components.flows.ok, false);
    assert.match(health.body.components.flows.detail, /safe mode/);
    assert.match(health.body.components.flows.detail, /not valid JSON/);
    const st = await butler.api<{ state: string }>('GET', '/api/flows/status');
    assert.equal(st.body.state, 'safe');
    // The editor shows the newest readable revision; deploying it repairs the row.
    const shown = (await butler.api<Node[]>('GET', '/flows/flows')).body;
    assert.ok(shown.some((n) => n.id === 'e2ecall'));
    assert.ok((await deploy(butler, pipeline('turn_on'))).status < 300);
    await until(
      'flows to run again',
      async () => (await butler.api<{ state: string }>('GET', '/api/flows/status')).body.state === 'running',
    );
  });

  test('setting credential_secret moves the credentials to it; a secret that cannot open them stops the start and says what to do', async () => {
    assert.equal(await butler.stop(), 0);
    // From the generated secret to a configured one: re-encrypted, nothing lost.
    butler = await spawnButler({ env: { ...env(), BUTLER_CREDENTIAL_SECRET: 'the-configured-secret' }, dataDir });
    assert.equal((await butler.api<{ user?: string }>('GET', '/flows/credentials/http-request/e2ehttp')).body.user, 'alice');
    assert.equal(await butler.stop(), 0);
    const wrong = await spawnButler({ env: { ...env(), BUTLER_CREDENTIAL_SECRET: 'not-the-right-secret' }, dataDir, waitReady: false });
    try {
      // The start stops: the process ends by itself, with a failure code, and says why.
      const code = await wrong.exited(30_000);
      assert.equal(code, 1, wrong.output());
      assert.match(wrong.output(), /Smart Butler cannot start/);
      assert.match(wrong.output(), /credential_secret cannot decrypt the stored flow credentials[\s\S]*Set credential_secret back/);
      assert.doesNotMatch(wrong.output(), /Smart Butler is running/, 'it never announced itself as running');
      await assert.rejects(
        fetch(`${wrong.url}/api/health`, { signal: AbortSignal.timeout(5000) }),
        (err: Error) => /ECONNREFUSED/.test(String((err.cause as Error | undefined)?.message ?? err.message)),
        'nothing serves on its port',
      );
    } finally {
      wrong.kill();
    }
    butler = await spawnButler({ env: { ...env(), BUTLER_CREDENTIAL_SECRET: 'the-configured-secret' }, dataDir });
    assert.equal((await butler.api<{ user?: string }>('GET', '/flows/credentials/http-request/e2ehttp')).body.user, 'alice');
  });
});
