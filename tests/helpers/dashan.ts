// The DaShan part as the butler wires it, on a test core and a real broker: the core's registry, door, ingest and bus,
// an MQTT bridge of its own, a snapshot store when camera frames are to be kept. startRobot adds the simulated robot
// and waits until the part sees it online.
import { randomBytes } from 'node:crypto';
import { MqttBridge } from '../../src/bus/mqtt';
import { SimulatedRobot } from '../../src/demo/dashan/robot';
import { DashanPart, type DashanHost, type DashanOptions } from '../../src/drivers/dashan/part';
import { silentLogger } from '../../src/log';
import { buildCore, type Core } from './core';
import type { TestBroker } from './mosquitto';
import { until } from './wait';

export interface DashanRig {
  core: Core;
  bridge: MqttBridge;
  part: DashanPart;
  broker: TestBroker;
  prefix: string;
  /** Stops the part and the bridge, and the core when the rig made it. */
  stop(): Promise<void>;
}

export interface DashanRigOptions extends DashanOptions {
  /** The core to run on (default: a new one, closed by stop()). */
  core?: Core;
  /** Whether Home Assistant's commands are trusted (default false). */
  mqttTrusted?: boolean;
  snapshots?: DashanHost['snapshots'];
}

export async function startDashan(broker: TestBroker, opts: DashanRigOptions): Promise<DashanRig> {
  const { core: given, mqttTrusted = false, snapshots, ...partOpts } = opts;
  const core = given ?? buildCore();
  const clientId = `butler-dashan-${partOpts.prefix}-${randomBytes(3).toString('hex')}`;
  const bridge = await MqttBridge.connect({ url: broker.url, log: silentLogger(), clientId }, core.bus);
  const part = new DashanPart(partOpts);
  part.start({
    registry: core.registry,
    door: core.door,
    mqtt: bridge,
    ingest: core.ingest,
    log: silentLogger(),
    mqttTrusted,
    bus: core.bus,
    ...(snapshots ? { snapshots } : {}),
  });
  return {
    core,
    bridge,
    part,
    broker,
    prefix: partOpts.prefix,
    async stop() {
      part.stop();
      await bridge.close();
      if (!given) core.close();
    },
  };
}

/** A simulated robot on the rig's broker (status every 200 ms), once the part sees it online. */
export async function startRobot(rig: DashanRig): Promise<SimulatedRobot> {
  const robot = await new SimulatedRobot({ url: rig.broker.url, prefix: rig.prefix, statusEveryMs: 200 }).start();
  await until('the robot online', () => rig.part.online || null);
  return robot;
}
