// The butler's core (src/core/core.ts, the same buildCore the service uses) on a temp SQLite file, for tests that need
// no HTTP or MQTT.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrainDeps } from '../../src/brain/rules/deps';
import { buildCore as buildButlerCore, type Core, registerCoreActions } from '../../src/core/core';
import { HaConnection } from '../../src/ha/connection';
import type { HomeAssistantConnection } from '../../src/ha/types';
import { type DemoHome, startDemoHome } from '../../src/demo/home/server';
import { silentLogger } from '../../src/log';

export type { Core };

export function buildCore(
  opts: { ha?: HomeAssistantConnection; execAllowlist?: string[]; dir?: string; actionTimeoutMs?: number } = {},
): Core {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'butler-core-'));
  const core = buildButlerCore({ dataDir: dir, actionTimeoutMs: opts.actionTimeoutMs ?? 2000, confirmationTimeoutS: 300 });
  if (opts.ha) {
    registerCoreActions(core, opts.ha, {
      notifyService: 'persistent_notification.create',
      execAllowlist: opts.execAllowlist ?? [],
      scriptAllowlist: [],
    });
  }
  return core;
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
