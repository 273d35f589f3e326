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
}

export interface SpawnOptions {
  env?: Record<string, string>;
  dataDir?: string;
  /** Wait for /api/health to answer (default true). */
  waitReady?: boolean;
  timeoutMs?: number;
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
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let token = '';
  if (opts.waitReady !== false) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`butler exited with ${child.exitCode}:\n${out}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`butler did not become ready:\n${out}`);
      }
      try {
        // Health answers "starting" until every part has started.
        const res = await fetch(`${url}/api/health`);
        const status = res.status === 200 || res.status === 503 ? ((await res.json()) as { status?: string }).status : null;
        if (status && status !== 'starting') break;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  }
  if (opts.waitReady !== false) {
    // The banner follows the health endpoint by a moment.
    while (!/Assist:/.test(out)) {
      if (child.exitCode !== null) throw new Error(`butler exited with ${child.exitCode} before its banner:\n${out}`);
      if (Date.now() > deadline) throw new Error(`butler did not print its start-up banner:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
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
  };
}
