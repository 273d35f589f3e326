// The same automation (HA state change -> call service) two ways, each against its own demo home (printed, never asserted):
//  1. the butler's flows (butler-ha-state -> butler-ha-call-service) deployed through the admin API into a butler child
//     process pointed at the demo home with BUTLER_HA_URL/BUTLER_HA_TOKEN and at a Mosquitto of its own (the add-on's
//     broker is the Mosquitto add-on; without a mosquitto binary the butler's embedded broker is used, and printed);
//  2. stock Node-RED 4.1 + node-red-contrib-home-assistant-websocket (server-state-changed -> api-call-service), installed
//     by this script into a temp folder outside the project's dependencies and started as its own process.
// Figures: setState -> call_service latency p50/p99 (paced and flat out), changes/s handled, butler/stock ratios, the
// butler's audit rows, its idle RSS (target <= 150 MB) and cold start (spawn -> /api/health past 'starting', target <= 3 s).
// Run: npm run build && node --import tsx bench/flows-vs-stock.ts   (or node dist/bench/flows-vs-stock.js)
// BENCH_STOCK_DIR overrides where the stock install is cached (default <tmpdir>/butler-bench-stock-nr); BENCH_N (2000),
// BENCH_RATE (paced changes/s, 100); BENCH_DEBUG=1 prints every latency in order; BENCH_BUTLER_FLAGS adds Node flags
// to the butler (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "--trace-gc"); BENCH_BUTLER_LOG=FILE keeps what it printed.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { startDemoHome, type DemoHome } from '../src/demo/home/server';
import { freePort } from '../tests/helpers/ports';
import { startMosquitto, type TestBroker } from '../tests/helpers/mosquitto';
import { START_FLAGS } from '../tests/helpers/butler-process';

const N = Number(process.env.BENCH_N ?? 2000);
const PACED_RATE = Number(process.env.BENCH_RATE ?? 100);
const TRIGGER = 'sensor.outside_temperature';
const TARGET = 'light.bed_light';
// Compiled, this file sits in dist/bench next to dist/src; under tsx it sits in bench/ and the butler is the built one.
const MAIN_JS = existsSync(resolve(__dirname, '../src/main.js'))
  ? resolve(__dirname, '../src/main.js')
  : resolve(__dirname, '../dist/src/main.js');
const STOCK_DIR = process.env.BENCH_STOCK_DIR ?? join(tmpdir(), 'butler-bench-stock-nr');
const RED_JS = join(STOCK_DIR, 'node_modules/node-red/red.js');
const CONTRIB_PKG = join(STOCK_DIR, 'node_modules/node-red-contrib-home-assistant-websocket/package.json');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldLoop = () => new Promise<void>((r) => setImmediate(r));

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

// ---- the demo home, instrumented -------------------------------------------------------------------------------

interface Instrumented {
  home: DemoHome;
  /** performance.now() of every call_service for the bench target, in arrival order. */
  calls: number[];
  /** WebSocket commands the home answered with unknown_command (what a client needed and the home lacks). */
  unknown: Set<string>;
}

// Which command each id was on each socket, to name the ones answered unknown_command. The demo home uses this
// process's `ws`, so wrapping the prototype sees its traffic (the bench makes no other WebSocket connections).
const commandTypes = new WeakMap<WebSocket, Map<unknown, string>>();
const unknownSinks = new Set<Set<string>>();
{
  const proto = WebSocket.prototype as unknown as {
    emit(ev: string | symbol, ...args: unknown[]): boolean;
    send(data: unknown, ...rest: unknown[]): void;
  };
  const emit = proto.emit;
  proto.emit = function (this: WebSocket, ev: string | symbol, ...args: unknown[]): boolean {
    if (ev === 'message' && args[1] === false) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(args[0]));
      } catch {
        return emit.call(this, ev, ...args); // not JSON: the home answers it
      }
      const list = Array.isArray(parsed) ? parsed : [parsed];
      let map = commandTypes.get(this);
      if (!map) commandTypes.set(this, (map = new Map()));
      for (const m of list)
        if (m && typeof m === 'object' && 'id' in m && 'type' in m)
          map.set((m as { id: unknown }).id, String((m as { type: unknown }).type));
    }
    return emit.call(this, ev, ...args);
  };
  const send = proto.send;
  proto.send = function (this: WebSocket, data: unknown, ...rest: unknown[]): void {
    if (typeof data === 'string' && data.includes('"unknown_command"')) {
      const parsed = JSON.parse(data) as unknown;
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) {
        const r = m as { id?: unknown; error?: { code?: string } };
        if (r.error?.code === 'unknown_command')
          for (const sink of unknownSinks) sink.add(commandTypes.get(this)?.get(r.id) ?? `id ${String(r.id)}`);
      }
    }
    send.call(this, data, ...rest);
  };
}

async function instrumentedHome(token: string): Promise<Instrumented> {
  const home = await startDemoHome({ token, port: 0, host: '127.0.0.1' });
  const calls: number[] = [];
  const unknown = new Set<string>();
  unknownSinks.add(unknown);
  const model = home.model;
  const original = model.callService.bind(model);
  model.callService = (...args: Parameters<typeof original>): ReturnType<typeof original> => {
    const [domain, service, data, target] = args;
    const ids = [data?.entity_id, target?.entity_id].flat();
    if (domain === 'light' && service === 'turn_on' && ids.includes(TARGET)) calls.push(performance.now());
    return original(...args);
  };
  return { home, calls, unknown };
}

// ---- driving --------------------------------------------------------------------------------------------------

interface RunFigures {
  label: string;
  sent: number;
  handled: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
}

/** One state change -> one call, in order: the i-th call after the phase starts answers the i-th change. */
async function drive(h: Instrumented, label: string, prefix: string, rate: number | null): Promise<RunFigures> {
  const base = h.calls.length;
  const sentAt: number[] = [];
  const start = performance.now();
  for (let i = 0; i < N; i++) {
    if (rate !== null) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 1) await sleep(wait);
    } else if (i % 20 === 0) {
      await yieldLoop();
    }
    sentAt.push(performance.now());
    h.home.setState(TRIGGER, `${prefix}${i}`);
  }
  // Wait for the calls; give up after 15 s without progress.
  let seen = h.calls.length;
  let lastProgress = performance.now();
  while (h.calls.length - base < N && performance.now() - lastProgress < 15_000) {
    await sleep(20);
    if (h.calls.length !== seen) (seen = h.calls.length), (lastProgress = performance.now());
  }
  const arrived = h.calls.slice(base, base + N);
  const raw = arrived.map((t, i) => t - sentAt[i]);
  if (process.env.BENCH_DEBUG) console.log(label, raw.map((x) => x.toFixed(0)).join(' '));
  const lat = [...raw].sort((a, b) => a - b);
  const span = (arrived.at(-1) ?? start) - sentAt[0];
  return {
    label,
    sent: N,
    handled: arrived.length,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat.at(-1) ?? NaN,
    perSecond: (arrived.length / span) * 1000,
  };
}

/** Changes the trigger until the automation answers (deployed and connected); returns when the first answer came. */
async function warmUp(h: Instrumented, what: string, timeoutMs: number, alive: () => boolean): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let i = 0;
  while (Date.now() < deadline && alive()) {
    const before = h.calls.length;
    h.home.setState(TRIGGER, `warm${i++}`);
    for (let k = 0; k < 10; k++) {
      await sleep(50);
      if (h.calls.length > before) break;
    }
    if (h.calls.length > before) {
      const first = h.calls[before];
      // A few more to warm the JIT on both sides, then let things settle.
      for (let k = 0; k < 200; k++) h.home.setState(TRIGGER, `warmx${k}`), await sleep(2);
      await sleep(1000);
      return first;
    }
  }
  throw new Error(`${what} never answered a state change within ${timeoutMs / 1000} s`);
}

function show(system: string, f: RunFigures): void {
  console.log(
    `  ${system.padEnd(7)} ${f.label.padEnd(18)} handled ${String(f.handled).padStart(5)}/${f.sent}  p50 ${f.p50.toFixed(2).padStart(7)} ms  p99 ${f.p99.toFixed(2).padStart(7)} ms  max ${f.max.toFixed(1).padStart(7)} ms  ${Math.round(f.perSecond).toLocaleString('en').padStart(6)} changes/s`,
  );
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => (clearTimeout(t), r(code)));
    child.kill('SIGTERM');
  });
}

function collect(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  return () => out;
}

// ---- 1. the butler --------------------------------------------------------------------------------------------

interface ButlerFigures {
  runs: RunFigures[];
  coldStartMs: number[];
  idle: number[];
  after: { rss: number; hwm: number };
  rows: Record<string, number>;
  unknown: string[];
}

interface StartedButler {
  child: ChildProcess;
  url: string;
  dataDir: string;
  headers: Record<string, string>;
  coldStartMs: number;
  idle: { rss: number; hwm: number };
  output: () => string;
}

/** Spawn -> /api/health 200 (cold: a fresh data dir), then idle RSS once Node-RED runs its flows and things settle. */
async function startButler(h: Instrumented, token: string, broker: TestBroker): Promise<StartedButler> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-butler-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    BUTLER_DATA_DIR: dataDir,
    BUTLER_PORT: String(port),
    // The add-on's broker is the Mosquitto add-on, another process: the butler is measured against a real Mosquitto,
    // as deployed (the embedded broker is for running outside Home Assistant; aedes there would run in the butler).
    ...(broker.kind === 'mosquitto' ? { BUTLER_MQTT_URL: broker.url } : { BUTLER_MQTT_PORT: '0' }),
    BUTLER_WYOMING_PORT: '0',
    BUTLER_LOG_LEVEL: 'warning',
    BUTLER_HA_URL: h.home.httpUrl,
    BUTLER_HA_TOKEN: token,
  };
  const t0 = performance.now();
  // BENCH_BUTLER_FLAGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to see where the butler's time goes.
  const extra = (process.env.BENCH_BUTLER_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...START_FLAGS, ...extra, MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  try {
    for (const deadline = Date.now() + 60_000; ; await sleep(10)) {
      if (child.exitCode !== null) throw new Error(`butler exited with ${child.exitCode}:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`butler did not answer /api/health 200 within 60 s:\n${output()}`);
      // Health answers "starting" until every part (Node-RED included) has started: the start ends after that.
      const status = await fetch(`${url}/api/health`).then(
        async (r) => (r.status === 200 ? ((await r.json()) as { status?: string }).status : null),
        () => null,
      );
      if (status && status !== 'starting') break;
    }
    const coldStartMs = performance.now() - t0;
    const apiToken = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    const headers = { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' };
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
      const st = (await fetch(`${url}/api/flows/status`, { headers }).then((r) => r.json())) as { state?: string };
      if (st.state === 'running') break;
    }
    await sleep(3000);
    return { child, url, dataDir, headers, coldStartMs, idle: rssMb(child.pid!), output };
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

const COLD_STARTS = 3;

let brokerKind = '';

async function benchButler(): Promise<ButlerFigures> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
  const token = randomBytes(16).toString('hex');
  const h = await instrumentedHome(token);
  const broker = await startMosquitto();
  brokerKind = broker.kind;
  const starts: StartedButler[] = [];
  try {
    // Extra starts only for the start-up figures (the machine is shared: one sample is noise); the last one runs the bench.
    for (let i = 0; i < COLD_STARTS - 1; i++) {
      const b = await startButler(h, token, broker);
      starts.push(b);
      await stop(b.child);
    }
    starts.push(await startButler(h, token, broker));
  } catch (err) {
    await h.home.stop();
    await broker.stop();
    throw err;
  } finally {
    for (const b of starts.slice(0, -1)) rmSync(b.dataDir, { recursive: true, force: true });
  }
  const started = starts[starts.length - 1];
  const { child, url, dataDir, headers } = started;
  try {
    const flows = [
      { id: 'benchtab', type: 'tab', label: 'bench' },
      {
        id: 'benchstate',
        type: 'butler-ha-state',
        z: 'benchtab',
        entity_id: TRIGGER,
        from: '',
        to: '',
        for: 0,
        version: 1,
        x: 140,
        y: 80,
        wires: [['benchcall']],
      },
      {
        id: 'benchcall',
        type: 'butler-ha-call-service',
        z: 'benchtab',
        domain: 'light',
        service: 'turn_on',
        entity_id: TARGET,
        data: '',
        version: 1,
        x: 380,
        y: 80,
        wires: [[]],
      },
    ];
    const res = await fetch(`${url}/flows/flows`, {
      method: 'POST',
      headers: { ...headers, 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });
    if (res.status >= 300) throw new Error(`deploy answered ${res.status}: ${await res.text()}`);
    await warmUp(h, 'the butler flow', 30_000, () => child.exitCode === null);

    const db = new Database(join(dataDir, 'butler.db'), { readonly: true, fileMustExist: true });
    // Rows written from the first measured change on (the warm-up's rows are older); the audit writes in batches.
    const tables = { events: 'ts', plans: 'created_ts', results: 'ts' } as const;
    const since = Date.now() / 1000;
    const count = () =>
      Object.fromEntries(
        Object.entries(tables).map(([t, col]) => [
          t,
          (db.prepare(`SELECT count(*) AS n FROM ${t} WHERE ${col} >= ?`).get(since) as { n: number }).n,
        ]),
      );
    const runs = [await drive(h, `paced ${PACED_RATE}/s`, 'p', PACED_RATE), await drive(h, 'flat out', 'f', null)];
    const after = rssMb(child.pid!);
    const code = await stop(child);
    if (process.env.BENCH_BUTLER_LOG) writeFileSync(process.env.BENCH_BUTLER_LOG, started.output());
    if (code !== 0) console.log(`  (butler exited with ${code})`);
    const end = count();
    db.close();
    return {
      runs,
      coldStartMs: starts.map((b) => b.coldStartMs),
      idle: starts.map((b) => b.idle.rss),
      after,
      rows: end,
      unknown: [...h.unknown],
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    await h.home.stop();
    await broker.stop();
    unknownSinks.delete(h.unknown);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- 2. stock Node-RED + node-red-contrib-home-assistant-websocket -------------------------------------------------

function installStock(): Promise<string> {
  if (existsSync(RED_JS) && existsSync(CONTRIB_PKG)) return Promise.resolve(`reused ${STOCK_DIR}`);
  mkdirSync(STOCK_DIR, { recursive: true });
  const t0 = performance.now();
  return new Promise((resolveInstall, reject) => {
    execFile(
      'npm',
      [
        'install',
        '--prefix',
        STOCK_DIR,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        'node-red@4.1',
        'node-red-contrib-home-assistant-websocket',
      ],
      { cwd: STOCK_DIR, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`npm install of the stock nodes failed: ${stderr || err.message}`));
        else resolveInstall(`installed into ${STOCK_DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      },
    );
  });
}

interface StockFigures {
  runs: RunFigures[];
  readyMs: number;
  answeringMs: number;
  idle: { rss: number; hwm: number };
  after: { rss: number; hwm: number };
  versions: string;
  unknown: string[];
  warnings: string[];
}

async function benchStock(): Promise<StockFigures> {
  const token = randomBytes(16).toString('hex');
  const h = await instrumentedHome(token);
  const userDir = mkdtempSync(join(tmpdir(), 'bench-stock-nr-'));
  const port = await freePort();
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = { uiHost: '127.0.0.1', flowFile: 'flows.json', credentialSecret: false, telemetry: { enabled: false },
  diagnostics: { enabled: false }, logging: { console: { level: 'warn', metrics: false, audit: false } } };\n`,
  );
  // Written as the editor would save a v1 flow; the contrib nodes migrate their own configs on load.
  const flows = [
    { id: 'stocktab', type: 'tab', label: 'bench' },
    {
      id: 'stocksrv',
      type: 'server',
      name: 'demo home',
      version: 1,
      addon: false,
      rejectUnauthorizedCerts: true,
      ha_boolean: 'y|yes|true|on|home|open',
      connectionDelay: true,
      cacheJson: true,
      heartbeat: false,
      heartbeatInterval: 30,
    },
    {
      id: 'stockstate',
      type: 'server-state-changed',
      z: 'stocktab',
      name: '',
      server: 'stocksrv',
      version: 1,
      exposeToHomeAssistant: false,
      haConfig: [],
      entityidfilter: TRIGGER,
      entityidfiltertype: 'exact',
      outputinitially: false,
      state_type: 'str',
      haltifstate: '',
      halt_if_type: 'str',
      halt_if_compare: 'is',
      outputs: 1,
      output_only_on_state_change: true,
      x: 140,
      y: 80,
      wires: [['stockcall']],
    },
    {
      id: 'stockcall',
      type: 'api-call-service',
      z: 'stocktab',
      name: '',
      server: 'stocksrv',
      version: 1,
      debugenabled: false,
      service_domain: 'light',
      service: 'turn_on',
      entityId: TARGET,
      data: '',
      dataType: 'json',
      mergecontext: '',
      output_location: '',
      output_location_type: 'none',
      mustacheAltTags: false,
      x: 380,
      y: 80,
      wires: [[]],
    },
  ];
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows, null, 2));
  writeFileSync(join(userDir, 'flows_cred.json'), JSON.stringify({ stocksrv: { host: h.home.httpUrl, access_token: token } }));
  const t0 = performance.now();
  const child = spawn(process.execPath, [RED_JS, '-u', userDir, '-p', String(port)], {
    env: { PATH: process.env.PATH ?? '', HOME: userDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collect(child);
  try {
    for (const deadline = Date.now() + 60_000; ; await sleep(10)) {
      if (child.exitCode !== null) throw new Error(`Node-RED exited with ${child.exitCode}:\n${output()}`);
      if (Date.now() > deadline) throw new Error(`Node-RED did not answer HTTP within 60 s:\n${output()}`);
      const status = await fetch(`http://127.0.0.1:${port}/settings`).then(
        (r) => (r.body?.cancel(), r.status),
        () => 0,
      );
      if (status === 200) break;
    }
    const readyMs = performance.now() - t0;
    await sleep(3000);
    const idle = rssMb(child.pid!);
    const answeringMs = (await warmUp(h, 'the stock flow', 60_000, () => child.exitCode === null)) - t0;
    const runs = [await drive(h, `paced ${PACED_RATE}/s`, 'p', PACED_RATE), await drive(h, 'flat out', 'f', null)];
    const after = rssMb(child.pid!);
    await stop(child);
    const nr = (JSON.parse(readFileSync(join(STOCK_DIR, 'node_modules/node-red/package.json'), 'utf8')) as { version: string }).version;
    const contrib = (JSON.parse(readFileSync(CONTRIB_PKG, 'utf8')) as { version: string }).version;
    const warnings = output()
      .split('\n')
      .filter((l) => /\[(warn|error)\]/.test(l) && !/Projects disabled|unencrypted credentials/.test(l))
      .map((l) => l.trim())
      .slice(0, 8);
    return {
      runs,
      readyMs,
      answeringMs,
      idle,
      after,
      versions: `node-red ${nr}, node-red-contrib-home-assistant-websocket ${contrib}`,
      unknown: [...h.unknown],
      warnings,
    };
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(
      `${(err as Error).message}\ncommands the demo home answered unknown_command: ${[...h.unknown].join(', ') || 'none'}\n--- Node-RED output ---\n${output()}`,
    );
  } finally {
    await h.home.stop();
    unknownSinks.delete(h.unknown);
    rmSync(userDir, { recursive: true, force: true });
  }
}

// ---- main -----------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tAll = performance.now();
  console.log(
    `flows vs stock: ${TRIGGER} state change -> light.turn_on ${TARGET}; ${N} changes paced at ${PACED_RATE}/s, then ${N} flat out`,
  );
  console.log(`stock Node-RED: ${await installStock()}`);
  const butler = await benchButler();
  const stock = await benchStock();

  console.log(`\nbutler (child process, flows deployed via POST /flows/flows, MQTT broker: ${brokerKind}):`);
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  console.log(
    `  cold start spawn -> /api/health started (fresh data dir): median ${(median(butler.coldStartMs) / 1000).toFixed(2)} s of ${butler.coldStartMs.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s (target <= 3 s)`,
  );
  console.log(
    `  idle RSS with Node-RED loaded (health 200, flows running, +3 s): median ${median(butler.idle).toFixed(1)} MB of ${butler.idle.map((mb) => mb.toFixed(1)).join(' / ')} MB (target <= 150 MB); after the run ${butler.after.rss.toFixed(1)} MB, peak ${butler.after.hwm.toFixed(1)} MB`,
  );
  console.log(`stock (${stock.versions}):`);
  console.log(
    `  spawn -> HTTP up: ${(stock.readyMs / 1000).toFixed(2)} s, -> automation answering: ~${(stock.answeringMs / 1000).toFixed(2)} s; idle RSS (HTTP up +3 s) ${stock.idle.rss.toFixed(1)} MB; after the run ${stock.after.rss.toFixed(1)} MB, peak ${stock.after.hwm.toFixed(1)} MB`,
  );
  console.log(`\nsetState on the demo home -> call_service arriving at the demo home:`);
  for (let i = 0; i < butler.runs.length; i++) {
    show('butler', butler.runs[i]);
    show('stock', stock.runs[i]);
    const b = butler.runs[i],
      s = stock.runs[i];
    console.log(
      `  ratio butler/stock: p50 ${(b.p50 / s.p50).toFixed(2)}x, p99 ${(b.p99 / s.p99).toFixed(2)}x, throughput ${(b.perSecond / s.perSecond).toFixed(2)}x`,
    );
  }
  const total = butler.rows.events + butler.rows.plans + butler.rows.results;
  const handled = butler.runs.reduce((n, r) => n + r.handled, 0);
  console.log(
    `\nbutler audit trail for the ${handled} handled changes: ${total} rows (events ${butler.rows.events}, plans ${butler.rows.plans}, results ${butler.rows.results}); the stock flow keeps none`,
  );
  console.log(
    `commands the demo home answered unknown_command: butler ${butler.unknown.join(', ') || 'none'}; stock ${stock.unknown.join(', ') || 'none'}`,
  );
  if (stock.warnings.length) console.log(`stock Node-RED warnings/errors:\n  ${stock.warnings.join('\n  ')}`);
  console.log(`\ntotal bench time ${((performance.now() - tAll) / 1000).toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
