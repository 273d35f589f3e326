import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { silentLogger } from '../src/log';
import { encodeEvent, FrameParser, type WyomingEvent } from '../src/ha/wyoming/frame';
import { startWyomingServer, type ConversationHandler, type ConversationRequest, type WyomingServer } from '../src/ha/wyoming/server';
import { describeWyoming, sendTranscript } from '../src/ha/wyoming/client';
import type { WyomingInfo } from '../src/ha/wyoming/info';

const HOST = '127.0.0.1';
/** How long a raw read waits for the server before failing (a hung wait would stall the whole run). */
const RAW_WAIT_MS = 10_000;

/** A raw TCP peer: writes arbitrary bytes, collects the events the server sends, notices when it closes. */
class RawPeer {
  readonly socket: net.Socket;
  private readonly parser = new FrameParser();
  private readonly events: WyomingEvent[] = [];
  private waiters: Array<(ev: WyomingEvent | null) => void> = [];
  private ended = false;
  private readonly closedAt: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => {
      this.events.push(...this.parser.push(c));
      this.flush();
    });
    socket.on('error', () => undefined);
    this.closedAt = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        this.flush();
        resolve();
      }),
    );
    socket.on('end', () => {
      this.ended = true;
      this.flush();
    });
  }

  static connect(port: number): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: HOST, port }, () => resolve(new RawPeer(s)));
      s.once('error', reject);
    });
  }

  private flush(): void {
    while (this.waiters.length > 0 && (this.events.length > 0 || this.ended)) {
      this.waiters.shift()!(this.events.shift() ?? null);
    }
  }

  send(bytes: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** Next event, or null once the server has closed its side; a server that sends neither fails the wait. */
  next(timeoutMs = RAW_WAIT_MS): Promise<WyomingEvent | null> {
    return new Promise((resolve, reject) => {
      const waiter = (ev: WyomingEvent | null) => {
        clearTimeout(timer);
        resolve(ev);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`the server sent no event and did not close the connection within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
      this.flush();
    });
  }

  /** Resolves when the server has closed the connection; fails if it has not within the bound. */
  get closed(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the server did not close the connection within ${RAW_WAIT_MS} ms`)), RAW_WAIT_MS);
    });
    return Promise.race([this.closedAt, late]).finally(() => clearTimeout(timer));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const requests: ConversationRequest[] = [];
let gate: Promise<void> | null = null;

const handler: ConversationHandler = async (req) => {
  requests.push(req);
  if (gate) await gate;
  if (req.text === 'throw') throw new Error('handler exploded (test)');
  if (req.text === 'garbage') return { nope: true } as unknown as { handled: boolean; text: string };
  if (req.text === 'new conversation') return { handled: true, text: 'fresh', conversation_id: 'server-made-id' };
  if (req.text === 'gibberish') return { handled: false, text: "I didn't understand that." };
  if (req.language.startsWith('zh')) return { handled: true, text: `好的：${req.text}` };
  return { handled: true, text: `Done: ${req.text}` };
};

describe('wyoming server', () => {
  let server: WyomingServer;

  before(async () => {
    server = await startWyomingServer({
      host: HOST,
      port: 0,
      handler,
      info: { version: '9.8.7' },
      log: silentLogger(),
      idleTimeoutMs: 5_000,
    });
  });

  after(async () => {
    await server.stop();
  });

  /** The server still answers a well-behaved client. */
  async function assertStillServing(): Promise<void> {
    const r = await sendTranscript(HOST, server.port, { text: 'are you there', language: 'en' });
    assert.deepEqual([r.handled, r.text], [true, 'Done: are you there']);
  }

  test('describe answers an info event announcing an installed handle program', async () => {
    const info = (await describeWyoming(HOST, server.port, { tries: 1 })) as WyomingInfo;
    assert.ok(info, 'describe got an info event');
    for (const k of ['asr', 'tts', 'intent', 'wake', 'mic', 'snd'] as const) assert.deepEqual(info[k], [], `${k} is an empty list`);
    assert.equal(info.handle.length, 1);
    const h = info.handle[0]!;
    assert.equal(h.name, 'Smart Butler');
    assert.equal(h.installed, true);
    assert.equal(h.version, '9.8.7');
    assert.equal(h.supports_handled_streaming, false);
    assert.equal(h.supports_home_control, true);
    assert.equal(typeof h.attribution.name, 'string');
    assert.equal(typeof h.attribution.url, 'string');
    assert.equal(typeof h.description, 'string');
    const m = h.models[0]!;
    assert.equal(m.installed, true);
    assert.equal(m.version, '9.8.7');
    for (const lang of ['en', 'zh-cn', 'zh-Hans']) assert.ok(m.languages.includes(lang), `announces ${lang}`);
  });

  test('the reply uses a data_length block and a version, like the Python writer', async () => {
    const peer = await RawPeer.connect(server.port);
    const chunks: Buffer[] = [];
    peer.socket.on('data', (c: Buffer) => chunks.push(c));
    await peer.send('{"type":"describe"}\n');
    await peer.next();
    const raw = Buffer.concat(chunks);
    const header = JSON.parse(raw.subarray(0, raw.indexOf(0x0a)).toString('utf8')) as Record<string, unknown>;
    assert.equal(header.type, 'info');
    assert.equal(typeof header.version, 'string');
    assert.equal(typeof header.data_length, 'number');
    assert.equal(header.data, undefined);
    peer.destroy();
  });

  test('English round trip through a real socket', async () => {
    requests.length = 0;
    const r = await sendTranscript(HOST, server.port, {
      text: 'turn on the kitchen light',
      language: 'en',
      conversation_id: 'conv-en',
      context: { device_id: 'dev1' },
    });
    assert.equal(r.handled, true);
    assert.equal(r.text, 'Done: turn on the kitchen light');
    assert.equal(r.conversation_id, 'conv-en');
    assert.deepEqual(r.context, { conversation_id: 'conv-en' });
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0], {
      text: 'turn on the kitchen light',
      language: 'en',
      conversation_id: 'conv-en',
      context: { device_id: 'dev1', conversation_id: 'conv-en' },
      peer: '127.0.0.1',
    });
  });

  test('Chinese round trip keeps every character intact', async () => {
    requests.length = 0;
    const r = await sendTranscript(HOST, server.port, { text: '把客厅的灯打开，谢谢 🙂', language: 'zh-cn', conversation_id: 'conv-zh' });
    assert.equal(r.handled, true);
    assert.equal(r.text, '好的：把客厅的灯打开，谢谢 🙂');
    assert.equal(requests[0]!.language, 'zh-cn');
    assert.equal(requests[0]!.text, '把客厅的灯打开，谢谢 🙂');
  });

  test('conversation ids: passed through, replaced by the handler, minted by the client when absent', async () => {
    requests.length = 0;
    const kept = await sendTranscript(HOST, server.port, { text: 'hello', language: 'en', conversation_id: '01HXYZ' });
    assert.equal(requests[0]!.conversation_id, '01HXYZ');
    assert.equal(kept.context?.conversation_id, '01HXYZ');

    const replaced = await sendTranscript(HOST, server.port, { text: 'new conversation', language: 'en', conversation_id: 'old' });
    assert.equal(replaced.context?.conversation_id, 'server-made-id');

    const minted = await sendTranscript(HOST, server.port, { text: 'hello', language: 'en', conversation_id: null });
    assert.match(minted.conversation_id, /^[0-9A-HJKMNP-TV-Z]{26}$/, 'HA mints a ULID');
    assert.equal(requests[2]!.conversation_id, minted.conversation_id);
  });

  test('a transcript without context reaches the handler with conversation_id null', async () => {
    requests.length = 0;
    const peer = await RawPeer.connect(server.port);
    await peer.send('{"type":"transcript","data":{"text":"hi","language":"en"}}\n');
    const ev = await peer.next();
    assert.equal(ev?.type, 'handled');
    assert.deepEqual(ev?.data, { text: 'Done: hi', context: { conversation_id: null } });
    assert.equal(requests[0]!.conversation_id, null);
    peer.destroy();
  });

  test('not understood → not-handled with the handler text', async () => {
    const r = await sendTranscript(HOST, server.port, { text: 'gibberish', language: 'en' });
    assert.deepEqual([r.handled, r.text], [false, "I didn't understand that."]);
  });

  test('one connection carries several events, answered in order; unknown events are ignored', async () => {
    const peer = await RawPeer.connect(server.port);
    await peer.send(
      Buffer.concat([
        encodeEvent({ type: 'describe' }),
        encodeEvent({ type: 'transcript', data: { text: 'one', language: 'en' } }),
        encodeEvent({ type: 'audio-start', data: { rate: 16000 } }),
        encodeEvent({ type: 'ping', data: { text: 'p' } }),
        encodeEvent({ type: 'transcript', data: { text: '二', language: 'zh-cn' } }),
      ]),
    );
    const types: string[] = [];
    const texts: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const ev = await peer.next();
      types.push(ev!.type);
      texts.push(ev!.data.text);
    }
    assert.deepEqual(types, ['info', 'handled', 'pong', 'handled']);
    assert.deepEqual(texts.slice(1), ['Done: one', 'p', '好的：二']);
    peer.destroy();
  });

  test('frames written one byte at a time', async () => {
    const peer = await RawPeer.connect(server.port);
    const bytes = Buffer.concat([
      encodeEvent({ type: 'transcript', data: { text: '开灯', language: 'zh-cn', context: { conversation_id: 'b' } } }),
      encodeEvent({ type: 'describe' }),
    ]);
    for (const b of bytes) await peer.send(Buffer.from([b]));
    const a = await peer.next();
    const b = await peer.next();
    assert.equal(a?.type, 'handled');
    assert.equal(a?.data.text, '好的：开灯');
    assert.equal(b?.type, 'info');
    peer.destroy();
  });

  test('data inline in the header and data in a data_length block are both understood', async () => {
    const peer = await RawPeer.connect(server.port);
    await peer.send('{"type":"transcript","data":{"text":"inline","language":"en"}}\n');
    assert.equal((await peer.next())?.data.text, 'Done: inline');
    const block = JSON.stringify({ text: 'block' });
    await peer.send(`{"type":"transcript","data":{"language":"en"},"data_length":${Buffer.byteLength(block)}}\n${block}`);
    assert.equal((await peer.next())?.data.text, 'Done: block');
    peer.destroy();
  });

  test('a transcript with a bad field gets an error event naming it, and the connection keeps serving', async () => {
    const peer = await RawPeer.connect(server.port);
    await peer.send('{"type":"transcript","data":{"language":"en"}}\n');
    const err = await peer.next();
    assert.equal(err?.type, 'error');
    assert.equal(err?.data.code, 'invalid-transcript');
    assert.match(String(err?.data.text), /data\.text must be a string/);
    await peer.send('{"type":"transcript","data":{"text":"x","context":[1]}}\n');
    assert.match(String((await peer.next())?.data.text), /data\.context must be a JSON object/);
    await peer.send('{"type":"describe"}\n');
    assert.equal((await peer.next())?.type, 'info');
    peer.destroy();
  });

  describe('malformed frames get an error event and the connection is closed', () => {
    const cases: Array<{ name: string; bytes: () => Buffer | string; code: string; mentions: RegExp }> = [
      { name: 'non-JSON header', bytes: () => '{"type": transcript}\n', code: 'header-not-json', mentions: /not valid JSON/ },
      { name: 'header not an object', bytes: () => '[1,2]\n', code: 'header-not-object', mentions: /JSON object/ },
      { name: 'missing type', bytes: () => '{"data":{"text":"hi"}}\n', code: 'missing-type', mentions: /"type"/ },
      {
        name: 'negative data_length',
        bytes: () => '{"type":"transcript","data_length":-5}\n',
        code: 'bad-length',
        mentions: /"data_length"/,
      },
      {
        name: 'data block not JSON',
        bytes: () => '{"type":"transcript","data_length":4}\nnope',
        code: 'data-not-json',
        mentions: /data block/,
      },
      {
        name: 'data block not an object',
        bytes: () => '{"type":"transcript","data_length":4}\n"hi"',
        code: 'data-not-object',
        mentions: /JSON object/,
      },
      {
        // Only the header is sent: the refusal must come before the server tries to read 2 MiB it will never get.
        name: 'oversized data_length, refused before reading it',
        bytes: () => `{"type":"transcript","data_length":${2 * 1024 * 1024}}\n`,
        code: 'data-too-long',
        mentions: /"data_length" is 2097152 bytes, over the limit of 1048576/,
      },
      {
        name: 'header line over 64 KiB with no newline',
        bytes: () => Buffer.alloc(70 * 1024, 0x7b),
        code: 'header-too-long',
        mentions: /over the limit of 65536/,
      },
    ];
    for (const c of cases) {
      test(c.name, async () => {
        const peer = await RawPeer.connect(server.port);
        await peer.send(c.bytes());
        const ev = await peer.next();
        assert.equal(ev?.type, 'error');
        assert.equal(ev?.data.code, c.code);
        assert.match(String(ev?.data.text), c.mentions);
        assert.equal(await peer.next(), null, 'the server closes its side after the error');
        peer.socket.end();
        await peer.closed;
        await assertStillServing();
      });
    }

    test('events before a bad frame are still answered, in order, before the error', async () => {
      const peer = await RawPeer.connect(server.port);
      await peer.send(
        Buffer.concat([encodeEvent({ type: 'transcript', data: { text: 'first', language: 'en' } }), Buffer.from('garbage\n')]),
      );
      assert.equal((await peer.next())?.data.text, 'Done: first');
      assert.equal((await peer.next())?.type, 'error');
      assert.equal(await peer.next(), null);
      peer.destroy();
      await assertStillServing();
    });

    test('a client that disconnects mid-frame does not disturb the server', async () => {
      const peer = await RawPeer.connect(server.port);
      await peer.send('{"type":"transcript","data_length":100}\n{"te');
      peer.destroy();
      await peer.closed;
      await assertStillServing();
    });
  });

  test('half-close: the client ends its side, the reply still comes, then the server closes', async () => {
    const release = deferred();
    gate = release.promise;
    try {
      const peer = await RawPeer.connect(server.port);
      await peer.send(encodeEvent({ type: 'transcript', data: { text: 'slow one', language: 'en' } }));
      peer.socket.end();
      // Wait until the handler has the request, then let it finish after the client's FIN is in.
      while (!requests.some((r) => r.text === 'slow one')) await new Promise((r) => setImmediate(r));
      release.resolve();
      const ev = await peer.next();
      assert.equal(ev?.type, 'handled');
      assert.equal(ev?.data.text, 'Done: slow one');
      assert.equal(await peer.next(), null);
      await peer.closed;
    } finally {
      gate = null;
    }
  });

  test('half-close inside a frame: the server says the frame was truncated', async () => {
    const peer = await RawPeer.connect(server.port);
    await peer.send('{"type":"transcript","data_length":50}\n{"text":');
    peer.socket.end();
    const ev = await peer.next();
    assert.equal(ev?.type, 'error');
    assert.equal(ev?.data.code, 'truncated-frame');
    assert.equal(await peer.next(), null);
    await peer.closed;
  });

  test('a handler that throws gives not-handled with an apology in the right language, and no crash', async () => {
    const en = await sendTranscript(HOST, server.port, { text: 'throw', language: 'en' });
    assert.equal(en.handled, false);
    assert.match(en.text, /^Sorry/);
    const zh = await sendTranscript(HOST, server.port, { text: 'throw', language: 'zh-cn' });
    assert.equal(zh.handled, false);
    assert.match(zh.text, /抱歉/);
    const bad = await sendTranscript(HOST, server.port, { text: 'garbage', language: 'en' });
    assert.equal(bad.handled, false, 'a reply without {handled, text} is treated as a failure');
    await assertStillServing();
  });

  test('many concurrent connections each get their own answer', async () => {
    const n = 60;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        sendTranscript(HOST, server.port, { text: `light ${i}`, language: i % 2 ? 'zh-cn' : 'en', conversation_id: `c${i}` }),
      ),
    );
    results.forEach((r, i) => {
      assert.equal(r.text, i % 2 ? `好的：light ${i}` : `Done: light ${i}`);
      assert.equal(r.context?.conversation_id, `c${i}`);
    });
    const infos = await Promise.all(Array.from({ length: 20 }, () => describeWyoming(HOST, server.port, { tries: 1 })));
    assert.ok(infos.every((i) => i?.handle[0]?.name === 'Smart Butler'));
  });
});

describe('wyoming server lifecycle', () => {
  test('an idle connection is closed, a busy one is not', async () => {
    const release = deferred();
    let started = false;
    const server = await startWyomingServer({
      host: HOST,
      port: 0,
      idleTimeoutMs: 30,
      log: silentLogger(),
      info: { version: '1' },
      handler: async (req) => {
        started = true;
        await release.promise;
        return { handled: true, text: req.text };
      },
    });
    try {
      const idle = await RawPeer.connect(server.port);
      await idle.closed; // closed by the server, nothing else would close it

      const busy = await RawPeer.connect(server.port);
      await busy.send(encodeEvent({ type: 'transcript', data: { text: 'long thought', language: 'en' } }));
      while (!started) await new Promise((r) => setImmediate(r));
      // Let several idle periods pass while the handler works; the connection must survive them.
      await new Promise((r) => setTimeout(r, 150));
      release.resolve();
      const ev = await busy.next();
      assert.equal(ev?.data.text, 'long thought');
      await busy.closed; // and once idle again, it is closed
    } finally {
      release.resolve();
      await server.stop();
    }
  });

  test('stop() closes open connections and frees the port', async () => {
    const server = await startWyomingServer({ host: HOST, port: 0, log: silentLogger(), info: { version: '1' }, handler });
    const peer = await RawPeer.connect(server.port);
    await peer.send('{"type":"describe"}\n');
    assert.equal((await peer.next())?.type, 'info');
    assert.equal(server.connections, 1);
    await server.stop();
    await peer.closed;
    await assert.rejects(RawPeer.connect(server.port), /ECONNREFUSED/);
  });

  test('a client that floods events without reading is cut off with an error', async () => {
    const release = deferred();
    const server = await startWyomingServer({
      host: HOST,
      port: 0,
      log: silentLogger(),
      info: { version: '1' },
      maxPendingEvents: 4,
      handler: async (req) => {
        await release.promise;
        return { handled: true, text: req.text };
      },
    });
    try {
      const peer = await RawPeer.connect(server.port);
      const one = encodeEvent({ type: 'transcript', data: { text: 't', language: 'en' } });
      await peer.send(Buffer.concat(Array.from({ length: 10 }, () => one)));
      release.resolve();
      const seen: string[] = [];
      for (;;) {
        const ev = await peer.next();
        if (!ev) break;
        seen.push(ev.type);
      }
      assert.deepEqual(seen, ['handled', 'handled', 'handled', 'handled', 'error']);
      peer.destroy();
    } finally {
      release.resolve();
      await server.stop();
    }
  });

  test('listening on a taken port fails with a clear error', async () => {
    const a = await startWyomingServer({ host: HOST, port: 0, log: silentLogger(), info: { version: '1' }, handler });
    try {
      await assert.rejects(
        startWyomingServer({ host: HOST, port: a.port, log: silentLogger(), info: { version: '1' }, handler }),
        /EADDRINUSE/,
      );
    } finally {
      await a.stop();
    }
  });
});
