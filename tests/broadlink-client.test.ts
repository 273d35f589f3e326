// The Broadlink client against the RM4 mini / RM mini 3 simulator, and node-broadlink against the same simulator as
// a cross-check that the simulator speaks the protocol (not merely our client's idea of it).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Rm4mini, Rmmini } from 'node-broadlink/dist/remote';
import { BroadlinkClient, BroadlinkError, discover } from '../src/drivers/broadlink/client';
import { checksum, commandPacket, decodeCode, discoveryPacket } from '../src/drivers/broadlink/protocol';
import { BroadlinkSimulator, sampleIrPacket } from '../src/demo/broadlink/simulator';
import { until } from './helpers/wait';

async function withSim<T>(
  opts: ConstructorParameters<typeof BroadlinkSimulator>[0],
  fn: (sim: BroadlinkSimulator) => Promise<T>,
): Promise<T> {
  const sim = await new BroadlinkSimulator(opts).start();
  try {
    return await fn(sim);
  } finally {
    await sim.stop();
  }
}

function clientFor(sim: BroadlinkSimulator, extra: Partial<ConstructorParameters<typeof BroadlinkClient>[0]> = {}): BroadlinkClient {
  return new BroadlinkClient({ host: '127.0.0.1', port: sim.port, timeoutMs: 300, retries: 1, learnPollMs: 50, ...extra });
}

describe('broadlink protocol', () => {
  test('checksum starts at 0xBEAF and wraps at 16 bits', () => {
    assert.equal(checksum(Buffer.alloc(0)), 0xbeaf);
    assert.equal(checksum(Buffer.alloc(0x200, 0xff)), (0xbeaf + 0x200 * 0xff) & 0xffff);
  });
  test('discovery packet: 48 bytes, [0x26]=6, our port at 0x1c, checksum at 0x20', () => {
    const p = discoveryPacket('192.168.1.20', 4242);
    assert.equal(p.length, 0x30);
    assert.equal(p[0x26], 6);
    assert.equal(p.readUInt16LE(0x1c), 4242);
    assert.deepEqual([...p.subarray(0x18, 0x1c)], [20, 1, 168, 192]);
    const copy = Buffer.from(p);
    copy.writeUInt16LE(0, 0x20);
    assert.equal(checksum(copy), p.readUInt16LE(0x20));
  });
  test('codes: b64 prefix accepted, garbage refused with the reason', () => {
    const pkt = sampleIrPacket(1);
    assert.deepEqual(decodeCode(`b64:${pkt.toString('base64')}`), pkt);
    assert.throws(() => decodeCode('not base64!'), /not base64/);
    assert.throws(() => decodeCode(Buffer.from('hello world').toString('base64')), /not a Broadlink IR\/RF packet/);
  });
});

for (const family of ['rm4', 'rmmini'] as const) {
  describe(`broadlink client against the ${family} simulator`, () => {
    test('discovery on a configurable address and port finds the device', async () => {
      await withSim({ family }, async (sim) => {
        const found = await discover({ address: '127.0.0.1', port: sim.port, timeoutMs: 300 });
        assert.equal(found.length, 1);
        assert.equal(found[0].mac, sim.macText);
        assert.equal(found[0].deviceType, sim.deviceType);
        assert.equal(found[0].name, sim.name);
      });
    });

    test('identify + auth, then send codes (repeat), which the device receives byte for byte', async () => {
      await withSim({ family }, async (sim) => {
        const c = clientFor(sim);
        try {
          await c.connect();
          assert.equal(c.info.family, family);
          assert.equal(c.info.mac, sim.macText);
          const code = sampleIrPacket(7);
          await c.sendCode(code, 2);
          assert.equal(sim.sent.length, 2);
          assert.deepEqual(sim.sent[0].data, code);
          assert.deepEqual(sim.sent[1].data, code);
        } finally {
          await c.close();
        }
      });
    });

    test('learn: the -10 "nothing yet" answers are skipped until the press arrives', async () => {
      await withSim({ family, learnDelayMs: 200 }, async (sim) => {
        const c = clientFor(sim);
        try {
          const code = await c.learn(3000);
          assert.ok(code);
          assert.deepEqual(code, sim.learnCode);
          assert.equal(sim.isLearning, false);
        } finally {
          await c.close();
        }
      });
    });

    test('learn: nothing pressed within the duration → null, and learning is cancelled on the device', async () => {
      await withSim({ family, learnDelayMs: 60_000 }, async (sim) => {
        const c = clientFor(sim);
        try {
          assert.equal(await c.learn(250), null);
          assert.equal(sim.isLearning, false);
        } finally {
          await c.close();
        }
      });
    });
  });
}

describe('broadlink client faults', () => {
  test('sensors of an RM4; an RM mini 3 says the command is not supported', async () => {
    await withSim({ family: 'rm4', temperature: 23.25, humidity: 48.5 }, async (sim) => {
      const c = clientFor(sim);
      try {
        assert.deepEqual(await c.sensors(), { temperature: 23.25, humidity: 48.5 });
      } finally {
        await c.close();
      }
    });
    await withSim({ family: 'rmmini' }, async (sim) => {
      const c = clientFor(sim);
      try {
        await assert.rejects(c.sensors(), /not supported/);
      } finally {
        await c.close();
      }
    });
  });

  test('a device that never answers: a timeout after the retry, never a hang', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    let received = 0;
    silent.on('message', () => received++);
    const c = new BroadlinkClient({
      host: '127.0.0.1',
      port: silent.address().port,
      mac: '00:11:22:33:44:55',
      deviceType: 0x51da,
      timeoutMs: 100,
      retries: 2,
    });
    try {
      await assert.rejects(
        c.sendCode(sampleIrPacket()),
        (err: unknown) => err instanceof BroadlinkError && /after 3 attempts/.test(err.message),
      );
      assert.equal(received, 3);
      assert.equal(c.stats.timeouts, 3);
    } finally {
      await c.close();
      silent.close();
    }
  });

  test('a device answering garbage: short, bad checksum, wrong count or from a stranger are ignored and counted; then the timeout', async () => {
    const device = createSocket('udp4');
    const stranger = createSocket('udp4');
    await Promise.all([device, stranger].map((s) => new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))));
    const reply = (count: number) =>
      commandPacket(
        { deviceType: 0x51da, command: 0x3e9, count, mac: Buffer.alloc(6), id: Buffer.alloc(4) },
        Buffer.alloc(16, 7),
        Buffer.alloc(16),
      );
    let received = 0;
    device.on('message', (msg, from) => {
      received++;
      const count = msg.readUInt16LE(0x28);
      const badSum = reply(count);
      badSum[0x20] ^= 0xff;
      device.send(Buffer.from('hello'), from.port, from.address);
      device.send(badSum, from.port, from.address);
      device.send(reply((count + 7) & 0xffff), from.port, from.address);
      stranger.send(reply(count), from.port, from.address); // the right count, from someone else
    });
    const c = new BroadlinkClient({
      host: '127.0.0.1',
      port: device.address().port,
      mac: '00:11:22:33:44:55',
      deviceType: 0x51da,
      timeoutMs: 150,
      retries: 2,
    });
    try {
      await assert.rejects(
        c.sendCode(sampleIrPacket()),
        (err: unknown) => err instanceof BroadlinkError && /no reply .* after 3 attempts/.test(err.message),
      );
      assert.equal(received, 3);
      await until('every garbage answer counted', () => c.stats.ignored >= 12 || null);
      assert.equal(c.stats.timeouts, 3);
      // The client still works for a real device afterwards.
      await withSim({ family: 'rm4' }, async (sim) => {
        const ok = clientFor(sim);
        try {
          await ok.sendCode(sampleIrPacket(9));
          assert.equal(sim.sent.length, 1);
        } finally {
          await ok.close();
        }
      });
    } finally {
      await c.close();
      device.close();
      stranger.close();
    }
  });

  test('lost packets: retried and still delivered; late replies are matched by count, not mistaken', async () => {
    await withSim({ family: 'rm4' }, async (sim) => {
      // Every fourth packet (request or reply) is lost: counted loss, so the test does not depend on chance. Generous
      // per-attempt time: on a busy machine a slow reply must not look like a lost one.
      sim.dropEvery = 4;
      const c = clientFor(sim, { timeoutMs: 250, retries: 8 });
      try {
        await c.connect();
        for (let i = 0; i < 20; i++) await c.sendCode(sampleIrPacket(i));
        assert.ok(sim.stats.dropped > 0, 'the simulator dropped packets');
        assert.ok(c.stats.retries > 0, 'the client retried');
        // every code arrived at least once (a lost reply means the device got it and the retry sends it again)
        const seen = new Set(sim.sent.map((s) => s.data.toString('hex')));
        for (let i = 0; i < 20; i++) assert.ok(seen.has(sampleIrPacket(i).toString('hex')), `code ${i} arrived`);
      } finally {
        await c.close();
      }
    });
  });

  test('wrong key: authentication is refused with a clear error', async () => {
    await withSim({ family: 'rm4', wrongKey: true }, async (sim) => {
      const c = clientFor(sim);
      try {
        await assert.rejects(c.connect(), /authentication failed/);
        await assert.rejects(c.sendCode(sampleIrPacket()), /authentication failed/);
        assert.equal(sim.sent.length, 0);
      } finally {
        await c.close();
      }
    });
  });

  test('a rebooted device forgot the session: the client authenticates again and the send goes through', async () => {
    await withSim({ family: 'rm4' }, async (sim) => {
      const c = clientFor(sim);
      try {
        await c.connect();
        sim.reboot();
        await c.sendCode(sampleIrPacket(3));
        assert.equal(c.stats.reauths, 1);
        assert.equal(sim.sent.length, 1);
      } finally {
        await c.close();
      }
    });
  });

  test('garbage and wrong-checksum datagrams to the simulator are ignored; it keeps serving', async () => {
    await withSim({ family: 'rm4' }, async (sim) => {
      const s = createSocket('udp4');
      const bad = discoveryPacket('127.0.0.1', 1);
      bad[0x21] ^= 0xff;
      s.send(Buffer.from('hello'), sim.port, '127.0.0.1');
      s.send(bad, sim.port, '127.0.0.1');
      await until('both datagrams handled', () => sim.stats.requests >= 2 || null);
      s.close();
      assert.equal(sim.stats.badChecksum, 1);
      assert.equal(sim.stats.replies, 0);
      const c = clientFor(sim);
      await c.connect();
      await c.close();
    });
  });

  test('a closed client refuses requests instead of hanging', async () => {
    await withSim({}, async (sim) => {
      const c = clientFor(sim);
      await c.connect();
      await c.close();
      await assert.rejects(c.sendCode(sampleIrPacket()), /closed/);
    });
  });
});

describe('node-broadlink cross-check against the same simulator', () => {
  test('RM4 mini: auth, send data, learning with -10 before the press, sensors', async () => {
    await withSim({ family: 'rm4', learnDelayMs: 100, temperature: 21.5, humidity: 40 }, async (sim) => {
      const dev = new Rm4mini({ address: '127.0.0.1', port: sim.port, family: 'IPv4', size: 0 }, [...sim.mac], sim.deviceType);
      try {
        await dev.auth();
        const code = sampleIrPacket(9);
        await dev.sendData([...code]);
        assert.deepEqual(sim.sent.at(-1)?.data, code);
        await dev.enterLearning();
        // node-broadlink reports the int16 error unsigned: -10 is 0xfff6
        await assert.rejects(dev.checkData(), /65526/);
        const learned = await until('a learned code', async () => dev.checkData().catch(() => null), 5000);
        assert.deepEqual(Buffer.from(learned), sim.learnCode);
        const s = await dev.checkSensors();
        assert.equal(s.temperature, 21.5);
        assert.equal(s.humidity, 40);
      } finally {
        (dev as unknown as { socket: { close(): void } }).socket.close();
      }
    });
  });

  test('RM mini 3 (no length prefix): auth and send data', async () => {
    await withSim({ family: 'rmmini' }, async (sim) => {
      const dev = new Rmmini({ address: '127.0.0.1', port: sim.port, family: 'IPv4', size: 0 }, [...sim.mac], sim.deviceType);
      try {
        await dev.auth();
        const code = sampleIrPacket(4);
        await dev.sendData([...code]);
        assert.deepEqual(sim.sent.at(-1)?.data, code);
      } finally {
        (dev as unknown as { socket: { close(): void } }).socket.close();
      }
    });
  });
});
