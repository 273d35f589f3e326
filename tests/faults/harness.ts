// What the fault suite shares: a Mosquitto that can be killed and restarted on the same port with its own persistence
// (and no practical cap on the messages it queues for an offline session), a QoS 1 publisher that keeps a burst going
// across crashes and remembers what the broker accepted, and a read-only look into the butler's database.
//
// Why the suite once stalled after a few restarts: Mosquitto started as root drops to the `mosquitto` user, which
// could not write its persistence file into the root-owned temporary directory. Every autosave logged "Permission
// denied" to a stderr pipe nobody read; once the pipe buffer (64 KB) was full the broker blocked on that write and
// stopped delivering, and the SIGTERM at the end could not stop it either. So the broker here stays the user that
// started it, its stderr is always read (the tail kept for failures), persistence is checked to be written, and every
// wait on a process is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import type { DemoHome } from '../../src/demo/home/server';
import type { ButlerProcess } from '../helpers/butler-process';
import { canConnect, mosquittoPath } from '../helpers/mosquitto';
import { freePort } from '../helpers/ports';

export const LONG = process.env.FAULTS === 'long';

/** Waits for a child to end, SIGKILLing it after `ms`; resolves at once for one that has already ended. */
export function ended(child: ChildProcess, ms = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
  });
}

/** SIGKILLs the butler and waits (bounded) until it is gone. */
export async function killButler(butler: ButlerProcess): Promise<void> {
  butler.kill();
  await ended(butler.child);
}

export class FaultBroker {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'butler-fault-broker-'));
  private stderr = '';
  private constructor(readonly port: number) {}

  static async start(): Promise<FaultBroker> {
    const b = new FaultBroker(await freePort());
    await b.run();
    return b;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Its persistence file, written at every autosave and when it stops. */
  get persistenceFile(): string {
    return join(this.dir, 'mosquitto.db');
  }

  /** Whether it has written its persistence file (proof that its persistence works here). */
  persisted(): boolean {
    return existsSync(this.persistenceFile);
  }

  /** The last lines it printed (errors and warnings). */
  log(): string {
    return this.stderr;
  }

  async run(): Promise<void> {
    const bin = mosquittoPath();
    if (!bin) throw new Error('mosquitto not found: the fault suite needs a real Mosquitto (install the "mosquitto" package)');
    const conf = join(this.dir, 'mosquitto.conf');
    writeFileSync(
      conf,
      [
        `listener ${this.port} 127.0.0.1`,
        'allow_anonymous true',
        // Started as root it would switch to the `mosquitto` user, who cannot write into this directory.
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'persistence true',
        `persistence_location ${this.dir}/`,
        // Saved every second and when it stops (SIGTERM). Mosquitto 2.0 persists by snapshot: a SIGKILLed broker
        // loses what it accepted since its last save, whatever its clients do.
        'autosave_on_changes false',
        'autosave_interval 1',
        // Far more than a run queues for an offline butler (0, "no limit", has had bugs in Mosquitto 2.0.x).
        'max_queued_messages 1000000',
        'set_tcp_nodelay true',
        'log_dest stderr',
        'log_type error',
        'log_type warning',
        '',
      ].join('\n'),
    );
    const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    // Always read: an unread pipe blocks the broker once its buffer is full.
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-8192)));
    for (let i = 0; i < 400; i++) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}): ${this.stderr}`);
      if (await canConnect(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    throw new Error(`mosquitto did not listen on ${this.port}: ${this.stderr}`);
  }

  /** Stops the broker (SIGTERM saves its persistence first; SIGKILL does not), bounded. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const c = this.child;
    if (!c) return;
    const gone = ended(c);
    c.kill(signal);
    await gone;
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let publishers = 0;

export interface BurstOptions {
  type?: string;
  /** Every `every`-th message is instead `fault.act` with payload `{k}` (k = 1..count), for rules to act on once each. */
  acts?: { every: number; count: number };
}

/**
 * Publishes `{type, event_id}` events at about `perSecond` with QoS 1, across broker restarts (the client reconnects
 * and resends what the broker had not acknowledged). `accepted` holds the ids the broker acknowledged, `acceptedActs`
 * the k of the acts it acknowledged.
 */
export class Burst {
  readonly accepted = new Set<string>();
  readonly acceptedActs = new Set<number>();
  /** When each event was published (performance.now()), for latency figures. */
  readonly sentAt = new Map<string, number>();
  private sent = 0;
  private acts = 0;
  private timer: NodeJS.Timeout | null = null;
  private constructor(private readonly client: MqttClient) {}

  static async start(url: string, perSecond: number, opts: BurstOptions = {}): Promise<Burst> {
    const client = await mqtt.connectAsync(url, {
      clientId: `fault-pub-${process.pid}-${++publishers}`,
      clean: false,
      reconnectPeriod: 200,
    });
    const b = new Burst(client);
    const type = opts.type ?? 'fault.burst';
    const perTick = Math.max(1, Math.round(perSecond / 100));
    b.timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const n = b.sent++;
        const act = opts.acts && n % opts.acts.every === opts.acts.every - 1 && b.acts < opts.acts.count ? ++b.acts : 0;
        if (act) {
          const body = { type: 'fault.act', event_id: `a-${act}`, payload: { k: act } };
          client.publish('butler/in/event', JSON.stringify(body), { qos: 1 }, (err) => {
            if (!err) b.acceptedActs.add(act);
          });
          continue;
        }
        const id = `f-${n}`;
        b.sentAt.set(id, performance.now());
        client.publish('butler/in/event', JSON.stringify({ type, event_id: id, payload: { n } }), { qos: 1 }, (err) => {
          if (!err) b.accepted.add(id);
        });
      }
    }, 10);
    return b;
  }

  /** Messages published (events and acts). */
  get count(): number {
    return this.sent;
  }

  /** Stops publishing (again: nothing). Every test also calls it after itself, so a failed test leaves no client behind. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    // Let the in-flight publishes be acknowledged before leaving (bounded: a broker that is down acknowledges nothing).
    for (let i = 0; i < 400 && this.accepted.size + this.acceptedActs.size < this.sent; i++) await new Promise((r) => setTimeout(r, 25));
    await this.client.endAsync(true);
  }
}

/** The light the act rules switch: rule `fault_act_<k>` turns it on at brightness k when `fault.act` with `{k}` arrives. */
export const ACT_LIGHT = 'light.entrance_color_white_lights';

/** One rule per act, each calling Home Assistant once per matching event (its brightness says which act it was). */
export async function addActRules(butler: ButlerProcess, count: number): Promise<void> {
  for (let k = 1; k <= count; k++) {
    const res = await butler.api('POST', '/api/rules', {
      id: `fault_act_${k}`,
      name: `fault act ${k}`,
      mode: 'parallel',
      triggers: [{ kind: 'event', type: 'fault.act', payload: { k } }],
      actions: [
        {
          action_type: 'ha_call_service',
          params: { domain: 'light', service: 'turn_on', target: { entity_id: ACT_LIGHT }, data: { brightness: k } },
        },
      ],
    });
    if (res.status !== 201) throw new Error(`rule fault_act_${k}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** How many times Home Assistant was called for each act (k -> calls). */
export function actCalls(home: DemoHome): Map<number, number> {
  const calls = new Map<number, number>();
  for (const c of home.serviceCalls) {
    if (c.domain !== 'light' || c.service !== 'turn_on' || !c.entity_ids.includes(ACT_LIGHT)) continue;
    const k = Number(c.service_data.brightness);
    calls.set(k, (calls.get(k) ?? 0) + 1);
  }
  return calls;
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

/** What the butler recorded for the given acts: whether each was stored, and the results of the plans it triggered. */
export function actTrail(
  dataDir: string,
  acts: number[],
): Record<number, { stored: boolean; results: { status: string; output: string }[] }> {
  return readDb(dataDir, (db) => {
    const stored = db.prepare('SELECT 1 FROM events WHERE event_id = ?').pluck();
    const results = db.prepare(
      'SELECT r.status, r.output FROM plans p JOIN results r ON r.plan_id = p.plan_id WHERE p.triggered_by_event_id = ? ORDER BY r.id',
    );
    return Object.fromEntries(
      acts.map((k) => [
        k,
        { stored: stored.get(`a-${k}`) !== undefined, results: results.all(`a-${k}`) as { status: string; output: string }[] },
      ]),
    );
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
