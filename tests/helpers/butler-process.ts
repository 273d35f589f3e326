// The whole butler as a child process (Node-RED is a process-wide singleton: one butler per process).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './ports';

export const MAIN_JS = resolve(__dirname, '../../src/main.js');

/** The Node flags `npm start` uses (package.json), so tests and benches run the butler as it ships. */
export const START_FLAGS: string[] = (() => {
  // dist/tests/helpers when compiled, tests/helpers under tsx: the first package.json above is the project's.
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).slice(1, -1);
})();

/** A request the butler has not answered by then fails (with the fetch's TimeoutError) instead of hanging the test. */
const API_TIMEOUT_MS = 60_000;

export interface ButlerProcess {
  url: string;
  port: number;
  token: string;
  dataDir: string;
  mqttUrl: string;
  /** The Wyoming (Assist) port from the start-up banner. */
  wyomingPort: number;
  child: ChildProcess;
  output(): string;
  /** GET/POST with the token; returns status and parsed JSON. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<number | null>;
  kill(): void;
  /** Resolves with the exit code once the process ends by itself; rejects (and kills it) if it is still running after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  dataDir?: string;
  /** Wait for /api/health to answer (default true). */
  waitReady?: boolean;
  timeoutMs?: number;
}

/**
 * The demo's simulated chat asks a butler to turn on the kitchen lights a moment after it starts. A test that acts on the
 * demo home must not have that land in the middle of what it does, so a butler on the demo gateway is handed over once
 * the chat's command has been acted on (or after 10 s, when the home has nothing it could act on).
 */
async function demoChatSettled(url: string, token: string): Promise<void> {
  const get = async <T>(path: string): Promise<T | null> => {
    try {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
      return res.status === 200 ? ((await res.json()) as T) : null;
    } catch {
      return null;
    }
  };
  const health = await get<{ components?: Record<string, { detail?: string }> }>('/api/health');
  if (!/simulator/.test(health?.components?.openclaw?.detail ?? '')) return;
  type Chain = { event: { source: string; type: string } | null; plans: { results: unknown[] }[] };
  for (const until = Date.now() + 10_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    const t = await get<{ timeline: Chain[] }>('/api/timeline?limit=20');
    if (t?.timeline.some((c) => c.event?.source === 'openclaw:telegram' && c.plans.some((p) => p.results.length > 0))) return;
  }
}

export async function spawnButler(opts: SpawnOptions = {}): Promise<ButlerProcess> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'butler-data-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    BUTLER_DATA_DIR: dataDir,
    BUTLER_PORT: String(port),
    BUTLER_MQTT_PORT: '0',
    BUTLER_WYOMING_PORT: '0',
    BUTLER_LOG_LEVEL: process.env.BUTLER_TEST_LOG_LEVEL ?? 'warning',
    ...opts.env,
  };
  const child = spawn(process.execPath, [...START_FLAGS, MAIN_JS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const url = `http://127.0.0.1:${port}`;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const exitText = () => `exited (${child.exitCode ?? child.signalCode})`;
  /** Polls `ready` until the deadline; a process that exits or never gets there fails with everything it printed. */
  const waitFor = async (what: string, ready: () => boolean | Promise<boolean>): Promise<void> => {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`butler ${exitText()} before ${what}:\n${out}`);
      if (await ready()) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`butler did not reach ${what} within ${timeoutMs} ms:\n${out}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  let token = '';
  if (opts.waitReady !== false) {
    await waitFor('a started /api/health', async () => {
      try {
        // Health answers "starting" until every part has started.
        const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
        const status = res.status === 200 || res.status === 503 ? ((await res.json()) as { status?: string }).status : null;
        if (status === null) await res.arrayBuffer().catch(() => undefined);
        return Boolean(status && status !== 'starting');
      } catch {
        return false; // not listening yet, or no answer within 2 s
      }
    });
    token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    // The banner follows the health endpoint by a moment; the tests read ports from it.
    await waitFor('its start-up banner (the "Assist:" line)', () => /Assist:/.test(out));
    await demoChatSettled(url, token);
  }
  const mqttUrl = /MQTT:\s+(\S+)/.exec(out)?.[1] ?? '';
  const wyomingPort = Number(/Wyoming on port (\d+)/.exec(out)?.[1] ?? 0);
  return {
    url,
    port,
    token,
    dataDir,
    mqttUrl,
    wyomingPort,
    child,
    output: () => out,
    async api<T>(method: string, path: string, body?: unknown) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${url}${path}`, {
          signal: AbortSignal.timeout(API_TIMEOUT_MS),
          method,
          headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        text = await res.text();
      } catch (err) {
        const why = (err as Error).name === 'TimeoutError' ? `no answer within ${API_TIMEOUT_MS} ms` : (err as Error).message;
        throw new Error(`${method} ${path}: ${why} (butler ${child.exitCode === null ? 'running' : exitText()})`, { cause: err });
      }
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* text body */
      }
      return { status: res.status, body: parsed as T };
    },
    stop() {
      return new Promise((resolveStop) => {
        if (child.exitCode !== null) return resolveStop(child.exitCode);
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', (code) => {
          clearTimeout(t);
          resolveStop(code);
        });
        child.kill('SIGTERM');
      });
    },
    kill() {
      child.kill('SIGKILL');
    },
    exited(ms = 30_000) {
      return new Promise((resolveExit, rejectExit) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveExit(child.exitCode);
        const t = setTimeout(() => {
          child.off('exit', onExit);
          child.kill('SIGKILL');
          rejectExit(new Error(`butler was still running ${ms} ms later (killed it):\n${out}`));
        }, ms);
        const onExit = (code: number | null) => {
          clearTimeout(t);
          resolveExit(code);
        };
        child.once('exit', onExit);
      });
    },
  };
}
