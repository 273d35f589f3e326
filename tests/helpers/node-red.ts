// The set-up the palette's runtime tests share: node-red-node-test-helper, typed, running the real Node-RED with the
// butler's services (built from a test core) in its settings, as the flows part hands them over.
import type { ButlerServices } from '../../src/flows/services';
import { silentLogger } from '../../src/log';
import type { Core } from './core';

export interface NodeTestHelper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): {
    on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
    receive(msg: Record<string, unknown>): void;
  };
}

export const helper = require('node-red-node-test-helper') as NodeTestHelper;

/** Node-RED with the butler's services from `core`; `ha` when the nodes under test read Home Assistant. */
export function startNodeRed(core: Core, ha: unknown = null): void {
  const services = {
    bus: core.bus,
    door: core.door,
    policy: core.policy,
    registry: core.registry,
    ha,
    ingest: core.ingest,
    mqtt: null,
    modes: core.modes,
    log: silentLogger(),
  };
  helper.init(require.resolve('node-red'));
  helper.settings({ butler: services as unknown as ButlerServices });
}

/** The next message node `id` receives; one that never comes fails the test instead of hanging it. */
export const nextInput = (id: string, timeoutMs = 20_000): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message reached ${id}`)), timeoutMs);
    helper.getNode(id).on('input', (m) => {
      clearTimeout(timer);
      resolve(m);
    });
  });

/** The error message a Catch node received. */
export const errorOf = async (caught: Promise<Record<string, unknown>>): Promise<string> =>
  String(((await caught).error as { message: string }).message);
