import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { encodeEvent, FrameParser, type OutgoingEvent, type WyomingEvent } from '../src/ha/wyoming/frame';
import { describeWyoming, sendTranscript, newUlid, WyomingClientError } from '../src/ha/wyoming/client';
import { buildInfo } from '../src/ha/wyoming/info';
import { until } from './helpers/wait';

const HOST = '127.0.0.1';

interface FakeServer {
  port: number;
  connections: number;
  received: WyomingEvent[];
  rawHeaders: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * A scripted Wyoming peer: `onEvent(ev, socket, connectionIndex)` decides what to write back.
 * It keeps every socket so close() can end them all.
 */
async function fakeServer(
  onEvent: (ev: WyomingEvent, socket: net.Socket, conn: number) => void,
  onConnect?: (socket: net.Socket, conn: number) => void,
): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, received: [] as WyomingEvent[], rawHeaders: [] as Record<string, unknown>[] };
  const server = net.createServer((socket) => {
    const conn = ++state.connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = new FrameParser();
    let raw = Buffer.alloc(0);
    socket.on('data', (c: Buffer) => {
      raw = Buffer.concat([raw, c]);
      const nl = raw.indexOf(0x0a);
      if (nl >= 0 && state.rawHeaders.length < state.received.length + 1) {
        state.rawHeaders.push(JSON.parse(raw.subarray(0, nl).toString('utf8')) as Record<string, unknown>);
      }
      for (const ev of parser.push(c)) {
        state.received.push(ev);
        onEvent(ev, socket, conn);
      }
    });
    onConnect?.(socket, conn);
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return state.connections;
    },
    received: state.received,
    rawHeaders: state.rawHeaders,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function send(socket: net.Socket, ...events: OutgoingEvent[]): void {
  socket.write(Buffer.concat(events.map((e) => encodeEvent(e))));
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, HOST, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const INFO = buildInfo({ version: '1.2.3' }) as unknown as Record<string, unknown>;

describe('describeWyoming (HA load_wyoming_info)', () => {
  test('returns the info, skipping other events before it', async () => {
    const srv = await fakeServer((ev, s) => {
      if (ev.type === 'describe') send(s, { type: 'pong' }, { type: 'info', data: INFO });
    });
    try {
      const info = await describeWyoming(HOST, srv.port, { tries: 1 });
      assert.equal(info?.handle[0]?.version, '1.2.3');
      assert.equal(srv.connections, 1);
      assert.equal(srv.received[0]?.type, 'describe');
    } finally {
      await srv.close();
    }
  });

  test('missing lists in an older server info become empty lists', async () => {
    const srv = await fakeServer((_ev, s) => send(s, { type: 'info', data: { handle: [] } }));
    try {
      const info = await describeWyoming(HOST, srv.port, { tries: 1 });
      assert.deepEqual(info, { asr: [], tts: [], handle: [], intent: [], wake: [], mic: [], snd: [] });
    } finally {
      await srv.close();
    }
  });

  test('a silent server: every try opens a new connection and times out, then null', async () => {
    const srv = await fakeServer(() => undefined);
    try {
      const info = await describeWyoming(HOST, srv.port, { timeoutMs: 40, tries: 3, retryDelayMs: 5 });
      assert.equal(info, null);
      // The client gives up on its own clock; the server may accept and read the last try a moment later.
      const describes = () => srv.received.filter((e) => e.type === 'describe').length;
      await until('the server to see the third try', () => srv.connections >= 3 && describes() >= 3);
      assert.equal(srv.connections, 3);
      assert.equal(describes(), 3);
    } finally {
      await srv.close();
    }
  });

  test('a server that drops the first connection is retried and answers the second', async () => {
    const srv = await fakeServer(
      (ev, s, conn) => {
        if (conn > 1 && ev.type === 'describe') send(s, { type: 'info', data: INFO });
      },
      (s, conn) => {
        if (conn === 1) s.destroy();
      },
    );
    try {
      const info = await describeWyoming(HOST, srv.port, { timeoutMs: 500, tries: 3, retryDelayMs: 5 });
      assert.equal(info?.handle[0]?.name, 'Smart Butler');
      assert.equal(srv.connections, 2, 'stops retrying once it has the info');
    } finally {
      await srv.close();
    }
  });

  test('nobody listening: null after the tries', async () => {
    assert.equal(await describeWyoming(HOST, await closedPort(), { tries: 2, retryDelayMs: 5 }), null);
  });
});

describe('sendTranscript (HA WyomingConversationEntity)', () => {
  test('writes transcript {text, language, context.conversation_id} with a data_length block, one connection each', async () => {
    const srv = await fakeServer((ev, s) => {
      if (ev.type === 'transcript')
        send(s, { type: 'handled', data: { text: `ok ${String(ev.data.text)}`, context: ev.data.context as Record<string, unknown> } });
    });
    try {
      const a = await sendTranscript(HOST, srv.port, {
        text: 'lights on',
        language: 'en',
        conversation_id: 'c-1',
        context: { device_id: 'd' },
      });
      const b = await sendTranscript(HOST, srv.port, { text: '关灯', language: 'zh-cn' });
      assert.deepEqual([a.handled, a.text, a.conversation_id], [true, 'ok lights on', 'c-1']);
      assert.deepEqual([b.handled, b.text], [true, 'ok 关灯']);
      assert.equal(srv.connections, 2);
      assert.deepEqual(srv.received[0]?.data, { text: 'lights on', language: 'en', context: { device_id: 'd', conversation_id: 'c-1' } });
      assert.equal(typeof srv.rawHeaders[0]?.data_length, 'number');
      assert.equal(srv.rawHeaders[0]?.data, undefined);
      assert.equal(
        srv.received[1]?.data.context && (srv.received[1].data.context as Record<string, unknown>).conversation_id,
        b.conversation_id,
      );
    } finally {
      await srv.close();
    }
  });

  test('an error event is reported as not handled, with its text and code', async () => {
    const srv = await fakeServer((_ev, s) => send(s, { type: 'error', data: { text: 'model not loaded', code: 'no-model' } }));
    try {
      const r = await sendTranscript(HOST, srv.port, { text: 'x', language: 'en' });
      assert.equal(r.handled, false);
      assert.deepEqual(r.error, { text: 'model not loaded', code: 'no-model' });
    } finally {
      await srv.close();
    }
  });

  test('a streamed answer (handled-start, chunks, handled-stop) is joined', async () => {
    const srv = await fakeServer((_ev, s) =>
      send(
        s,
        { type: 'handled-start' },
        { type: 'handled-chunk', data: { text: 'Turning ' } },
        { type: 'handled-chunk', data: { text: 'on the lights.' } },
        { type: 'handled-stop' },
      ),
    );
    try {
      const r = await sendTranscript(HOST, srv.port, { text: 'x', language: 'en' });
      assert.deepEqual([r.handled, r.text], [true, 'Turning on the lights.']);
    } finally {
      await srv.close();
    }
  });

  test('a server that closes without answering: connection-lost', async () => {
    const srv = await fakeServer((_ev, s) => s.end());
    try {
      await assert.rejects(sendTranscript(HOST, srv.port, { text: 'x', language: 'en' }), (err: unknown) => {
        assert.ok(err instanceof WyomingClientError);
        assert.equal(err.code, 'connection-lost');
        return true;
      });
    } finally {
      await srv.close();
    }
  });

  test('a server that sends garbage: bad-frame naming the problem', async () => {
    const srv = await fakeServer((_ev, s) => s.write('this is not wyoming\n'));
    try {
      await assert.rejects(sendTranscript(HOST, srv.port, { text: 'x', language: 'en' }), /bad frame: header line is not valid JSON/);
    } finally {
      await srv.close();
    }
  });

  test('a server that never answers: timeout', async () => {
    const srv = await fakeServer(() => undefined);
    try {
      await assert.rejects(sendTranscript(HOST, srv.port, { text: 'x', language: 'en', timeoutMs: 40 }), /no answer within 40 ms/);
    } finally {
      await srv.close();
    }
  });

  test('nobody listening: connect-failed', async () => {
    await assert.rejects(sendTranscript(HOST, await closedPort(), { text: 'x', language: 'en' }), /cannot connect to Wyoming server/);
  });
});

test('newUlid: 26 Crockford characters, time-ordered prefix', () => {
  const a = newUlid(1_700_000_000_000);
  const b = newUlid(1_700_000_000_001);
  assert.match(a, /^[0-9A-HJKMNP-TV-Z]{26}$/);
  assert.ok(a.slice(0, 10) < b.slice(0, 10));
  assert.notEqual(newUlid(), newUlid());
});
