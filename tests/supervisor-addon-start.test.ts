// The built service started as the container would, through its entry script (addon/run.sh): only SUPERVISOR_TOKEN, the Supervisor's URL, /data with the
// options.json the Supervisor writes, and the ports. It must find its broker through GET /services/mqtt, reach Home
// Assistant through /core/websocket, answer /api/health, and ride out Home Assistant going down behind the proxy.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mqtt from 'mqtt';
import YAML from 'yaml';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { startSupervisorSimulator, type SupervisorSimulator } from '../src/demo/supervisor/server';
import { startMosquitto, type TestBroker } from './helpers/mosquitto';
import { freePort } from './helpers/ports';
import { until } from './helpers/wait';

const SUPERVISOR_TOKEN = 'supervisor-token-4f1c';
const HOME_TOKEN = 'home-token-the-supervisor-holds';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'config.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no repository root above the test');
    dir = up;
  }
  return dir;
}
const root = repoRoot();
const mainJs = join(root, 'dist/src/main.js');

interface Health {
  status: string;
  components: Record<string, { ok: boolean; detail: string }>;
}

let broker: TestBroker;
let home: DemoHome;
let sim: SupervisorSimulator;
let child: ChildProcess;
let dataDir: string;
let url: string;
let output = '';

/** The health with its details (they need the API token; strangers see only ok flags). */
async function health(): Promise<Health | null> {
  try {
    const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()) as Health;
  } catch {
    return null;
  }
}

before(async () => {
  assert.ok(existsSync(mainJs), `${mainJs} is missing: run npm run build first`);
  broker = await startMosquitto();
  home = await startDemoHome({ port: 0, token: HOME_TOKEN });
  sim = await startSupervisorSimulator({
    port: 0,
    token: SUPERVISOR_TOKEN,
    homeUrl: home.httpUrl,
    homeToken: HOME_TOKEN,
    mqtt: { host: '127.0.0.1', port: broker.port, username: 'addons', password: 'x' },
  });

  // options.json as the Supervisor writes it: the manifest's options (every option with a default); unset optional
  // options are absent.
  dataDir = mkdtempSync(join(tmpdir(), 'butler-addon-data-'));
  const manifest = YAML.parse(readFileSync(join(root, 'config.yaml'), 'utf8')) as { options: Record<string, unknown> };
  writeFileSync(join(dataDir, 'options.json'), JSON.stringify({ ...manifest.options, log_level: 'info' }));

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // The image's CMD: the entry script execs Node (this Node, found on PATH) on the built butler; here the app is the
  // repository instead of /app.
  child = spawn('/bin/sh', [join(root, 'addon/run.sh')], {
    cwd: dataDir,
    env: {
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      BUTLER_APP_DIR: root,
      SUPERVISOR_TOKEN,
      BUTLER_SUPERVISOR_URL: sim.url,
      BUTLER_DATA_DIR: dataDir,
      BUTLER_PORT: String(port),
      BUTLER_WYOMING_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  try {
    await until(
      'the butler to answer /api/health',
      async () => {
        if (child.exitCode !== null) throw new Error(`the butler exited with ${child.exitCode}`);
        return health();
      },
      60_000,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- butler output ---\n${output}`);
  }
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  await sim?.stop();
  await home?.stop();
  await broker?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the add-on started as the container would', () => {
  test('finds the broker through /services/mqtt and Home Assistant through /core/websocket; health is ok', async () => {
    const h = await until(
      'health ok with mqtt and ha connected',
      async () => {
        const v = await health();
        return v?.components.mqtt?.ok && v.components.ha?.ok ? v : null;
      },
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- butler output ---\n${output}`);
    });
    const res = await fetch(`${url}/api/health`);
    assert.equal(res.status, 200);
    assert.match(h.components.mqtt.detail, new RegExp(`127\\.0\\.0\\.1:${broker.port}`), 'connected to the broker the Supervisor offered');
    assert.ok(sim.requests.includes('GET /services/mqtt'));
    assert.ok(sim.requests.includes('WS /core/websocket'));
    assert.equal(sim.proxiedSockets(), 1);
    assert.ok(home.connections() >= 1, 'Home Assistant sees the proxied connection');
    assert.doesNotMatch(output, /started the embedded broker|demo home/, 'neither the embedded broker nor the demo home in the add-on');
    assert.ok(!output.includes(SUPERVISOR_TOKEN), 'the Supervisor token never reaches the log');
    const announced = await until('the Wyoming server announced to Home Assistant', () =>
      sim.discoveries.find((d) => d.service === 'wyoming'),
    );
    assert.match(String((announced.config as { uri?: string }).uri), /^tcp:\/\/[^:]+:\d+$/);
  });

  test('butler/status is online on that broker', async () => {
    const c = await mqtt.connectAsync(broker.url, { clientId: `addon-start-observer-${process.pid}` });
    try {
      let got: string | null = null;
      c.on('message', (_t, p) => (got ??= p.toString()));
      await c.subscribeAsync('butler/status');
      assert.equal(await until('the retained butler/status', () => got), 'online');
    } finally {
      await c.endAsync();
    }
  });

  test('Home Assistant down behind the proxy (socket accepted, then closed): degraded, then back by itself', async () => {
    sim.haDown(true);
    await until('ha reported down', async () => (await health())?.components.ha?.ok === false, 30_000);
    assert.equal((await fetch(`${url}/api/health`)).status, 200, 'the butler itself stays up');
    sim.haDown(false);
    await until('ha reconnected through the proxy', async () => (await health())?.components.ha?.ok === true, 60_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n--- butler output ---\n${output.slice(-4000)}`);
      },
    );
  });

  test('SIGTERM stops it cleanly (the entry script exec-ed Node, so the signal reaches the butler itself)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    await until('the butler to exit after SIGTERM', () => child.exitCode !== null || child.signalCode !== null, 30_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}\n--- butler output ---\n${output.slice(-2000)}`);
      },
    );
    assert.equal(await exited, 0, output.slice(-2000));
  });
});
