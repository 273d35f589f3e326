// A real Mosquitto per test run, on a free port, sharing no state with any broker already running on the machine.
// Falls back to the embedded aedes broker only where no mosquitto binary exists, and never under CI (CI is set): there
// a missing mosquitto is an error, so the suite cannot quietly test against another broker.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker } from '../../src/bus/broker';
import { freePort } from './ports';

export interface TestBroker {
  url: string;
  port: number;
  kind: 'mosquitto' | 'aedes';
  stop(): Promise<void>;
}

export function mosquittoPath(): string | null {
  // BUTLER_TEST_MOSQUITTO names the binary to use (a path that does not exist counts as no mosquitto).
  const forced = process.env.BUTLER_TEST_MOSQUITTO;
  if (forced) return spawnSync('test', ['-x', forced]).status === 0 ? forced : null;
  for (const p of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) {
    if (spawnSync('test', ['-x', p]).status === 0) return p;
  }
  const which = spawnSync('which', ['mosquitto'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

/** One bounded connection attempt: a port that neither accepts nor refuses counts as not ready. */
export function canConnect(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

const READY_TIMEOUT_MS = 10_000;

export async function startMosquitto(): Promise<TestBroker> {
  const bin = mosquittoPath();
  if (!bin) {
    if (process.env.CI) {
      const looked = process.env.BUTLER_TEST_MOSQUITTO
        ? `BUTLER_TEST_MOSQUITTO=${process.env.BUTLER_TEST_MOSQUITTO} is not an executable`
        : 'not in /usr/sbin, /usr/bin, /usr/local/sbin or PATH';
      throw new Error(`mosquitto not found (${looked}): CI must test against a real Mosquitto; install the "mosquitto" package`);
    }
    const b = await startEmbeddedBroker(0);
    return { url: b.url, port: b.port, kind: 'aedes', stop: b.close };
  }
  const dir = mkdtempSync(join(tmpdir(), 'butler-mosquitto-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`mosquitto (${bin}) exited (${child.exitCode ?? child.signalCode}) before accepting connections: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`mosquitto (${bin}) did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    kind: 'mosquitto',
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(hard);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
