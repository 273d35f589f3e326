// What the fault suite shares: a Mosquitto that can be killed and restarted on the same port with its own persistence
// (and no cap on the messages it queues for an offline session), a QoS 1 publisher that keeps a burst going across
// crashes and remembers what the broker accepted, and a read-only look into the butler's database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { freePort } from '../helpers/ports';

export const LONG = process.env.FAULTS === 'long';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class FaultBroker {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'butler-fault-broker-'));
  private constructor(readonly port: number) {}

  static async start(): Promise<FaultBroker> {
    const b = new FaultBroker(await freePort());
    await b.run();
    return b;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async run(): Promise<void> {
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${this.dir}/`,
        // Saved after every change: a killed broker loses nothing it acknowledged.
        'autosave_on_changes true',
        'autosave_interval 100',
        'max_queued_messages 0',
        'set_tcp_nodelay true',
        'log_dest stderr',
        'log_type error',
        '',
      ].join('\n'),
    );
    this.child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 200; i++) {
      if (this.child.exitCode !== null) throw new Error(`mosquitto exited (${this.child.exitCode})`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('mosquitto did not listen');
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
  }

  stop(): Promise<void> {
    return this.kill('SIGTERM');
  }
}

/**
 * Publishes `{type, event_id}` events at about `perSecond` with QoS 1, across broker restarts (the client reconnects
 * and resends what the broker had not acknowledged). `accepted` holds the ids the broker acknowledged.
 */
export class Burst {
  readonly accepted = new Set<string>();
  private sent = 0;
  private timer: NodeJS.Timeout | null = null;
  private constructor(private readonly client: MqttClient) {}

  static async start(url: string, perSecond: number, type = 'fault.burst'): Promise<Burst> {
    const client = await mqtt.connectAsync(url, { clientId: `fault-pub-${process.pid}`, clean: false, reconnectPeriod: 200 });
    const b = new Burst(client);
    const perTick = Math.max(1, Math.round(perSecond / 100));
    b.timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const id = `f-${b.sent++}`;
        client.publish('butler/in/event', JSON.stringify({ type, event_id: id, payload: { n: b.sent } }), { qos: 1 }, (err) => {
          if (!err) b.accepted.add(id);
        });
      }
    }, 10);
    return b;
  }

  get count(): number {
    return this.sent;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // Let the in-flight publishes be acknowledged before leaving.
    for (let i = 0; i < 200 && this.accepted.size < this.sent; i++) await new Promise((r) => setTimeout(r, 25));
    await this.client.endAsync();
  }
}

/** A read-only look at the butler's database (WAL: safe while it runs). */
export function readDb<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'butler.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

export function storedIds(dataDir: string, type = 'fault.burst'): Set<string> {
  return readDb(dataDir, (db) => new Set((db.prepare('SELECT event_id FROM events WHERE type = ?').pluck().all(type) as string[]) ?? []));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
