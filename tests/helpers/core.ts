// The butler's core built from its real classes on a temp SQLite file, for tests that need no HTTP or MQTT.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionRegistry } from '../../src/actions/registry';
import { ActionDoor } from '../../src/actions/door';
import { ConfirmationStore } from '../../src/actions/confirmations';
import { ModeState } from '../../src/actions/modes';
import { PolicyEngine } from '../../src/actions/policy';
import { Scheduler } from '../../src/actions/scheduler';
import { registerButlerActions } from '../../src/actions/builtin/butler';
import { registerHaActions } from '../../src/actions/builtin/ha';
import { Bus } from '../../src/bus/bus';
import { EventIngest } from '../../src/bus/ingest';
import type { HomeAssistantConnection } from '../../src/ha/types';
import { HaConnection } from '../../src/ha/connection';
import { startDemoHome, type DemoHome } from '../../src/demo/home/server';
import type { BrainDeps } from '../../src/brain/rules/deps';
import { silentLogger } from '../../src/log';
import { AuditStore } from '../../src/store/audit';
import { openDatabase, type OpenedDb } from '../../src/store/db';
import { KeyValueStore } from '../../src/store/kv';

export interface Core {
  dir: string;
  db: OpenedDb;
  bus: Bus;
  audit: AuditStore;
  registry: ActionRegistry;
  modes: ModeState;
  policy: PolicyEngine;
  confirmations: ConfirmationStore;
  door: ActionDoor;
  scheduler: Scheduler;
  ingest: EventIngest;
  close(): void;
}

export function buildCore(
  opts: { ha?: HomeAssistantConnection; execAllowlist?: string[]; dir?: string; actionTimeoutMs?: number } = {},
): Core {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'butler-core-'));
  const db = openDatabase(join(dir, 'butler.db'));
  const bus = new Bus();
  const audit = new AuditStore(db);
  const registry = new ActionRegistry();
  const modes = new ModeState(new KeyValueStore(db), bus, 'home');
  const policy = new PolicyEngine(registry, modes);
  const confirmations = new ConfirmationStore(db);
  const door = new ActionDoor(registry, policy, confirmations, audit, bus, {
    actionTimeoutMs: opts.actionTimeoutMs ?? 2000,
    confirmationTimeoutS: 300,
  });
  const scheduler = new Scheduler(db, silentLogger());
  const ingest = new EventIngest(audit, bus);
  if (opts.ha) {
    registerHaActions(registry, opts.ha);
    registerButlerActions({
      registry,
      policy,
      modes,
      ingest,
      scheduler,
      ha: opts.ha,
      notifyService: 'persistent_notification.create',
      execAllowlist: opts.execAllowlist ?? [],
      scriptAllowlist: [],
      scriptsDir: join(dir, 'scripts'),
    });
  }
  return {
    dir,
    db,
    bus,
    audit,
    registry,
    modes,
    policy,
    confirmations,
    door,
    scheduler,
    ingest,
    close() {
      scheduler.stop();
      audit.flush();
      db.close();
    },
  };
}

export interface HomeAndCore {
  home: DemoHome;
  ha: HaConnection;
  core: Core;
  /** What the brain services need, from this core. */
  brainDeps(): BrainDeps;
  stop(): Promise<void>;
}

/** A demo home, the butler's connection to it, and the core on top — with state changes on the bus, as in the butler. */
export async function startHomeAndCore(opts: { execAllowlist?: string[]; actionTimeoutMs?: number } = {}): Promise<HomeAndCore> {
  const token = randomBytes(8).toString('hex');
  const home = await startDemoHome({ port: 0, token });
  const ha = new HaConnection({ url: home.url, token, log: silentLogger() });
  await ha.start();
  const core = buildCore({ ha, execAllowlist: opts.execAllowlist, actionTimeoutMs: opts.actionTimeoutMs });
  ha.onStateChange((c) => core.bus.emit('ha_state', c));
  return {
    home,
    ha,
    core,
    brainDeps: () => ({
      bus: core.bus,
      door: core.door,
      registry: core.registry,
      ha,
      db: core.db,
      ingest: core.ingest,
      modes: core.modes,
      log: silentLogger(),
    }),
    async stop() {
      core.close();
      await ha.stop();
      await home.stop();
    },
  };
}
