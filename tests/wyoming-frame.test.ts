import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent, FrameParser, WyomingFrameError, WYOMING_VERSION, type WyomingEvent } from '../src/ha/wyoming/frame';

function parseAll(parser: FrameParser, bytes: Buffer, step = bytes.length): WyomingEvent[] {
  const out: WyomingEvent[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(...parser.push(bytes.subarray(i, i + step)));
  return out;
}

function expectFrameError(fn: () => unknown, code: string, mentions: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WyomingFrameError, `expected WyomingFrameError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, mentions);
    return true;
  });
}

describe('wyoming frame codec', () => {
  test('the writer puts data in a data_length block with a version, like the Python writer', () => {
    const bytes = encodeEvent({ type: 'handled', data: { text: '好的' } });
    const nl = bytes.indexOf(0x0a);
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8')) as Record<string, unknown>;
    assert.equal(header.type, 'handled');
    assert.equal(header.version, WYOMING_VERSION);
    assert.equal(header.data, undefined);
    const block = bytes.subarray(nl + 1);
    assert.equal(header.data_length, block.length);
    assert.equal(block.length, Buffer.byteLength('{"text":"好的"}'), 'data_length counts UTF-8 bytes, not characters');
    assert.deepEqual(JSON.parse(block.toString('utf8')), { text: '好的' });
    assert.equal(header.payload_length, undefined);
  });

  test('an event without data is a header line only', () => {
    const bytes = encodeEvent({ type: 'describe' });
    assert.equal(bytes.toString('utf8'), `{"type":"describe","version":"${WYOMING_VERSION}"}\n`);
  });

  test('round trip with data and payload', () => {
    const payload = Buffer.from([0, 1, 2, 3, 0x0a, 255]);
    const parser = new FrameParser();
    const [ev, ...rest] = parser.push(encodeEvent({ type: 'audio-chunk', data: { rate: 16000 }, payload }));
    assert.equal(rest.length, 0);
    assert.equal(ev!.type, 'audio-chunk');
    assert.deepEqual(ev!.data, { rate: 16000 });
    assert.deepEqual(ev!.payload, payload);
    assert.equal(ev!.version, WYOMING_VERSION);
    assert.equal(parser.midFrame, false);
  });

  test('frames split at every byte and several frames in one chunk give the same events', () => {
    const stream = Buffer.concat([
      encodeEvent({ type: 'describe' }),
      encodeEvent({ type: 'transcript', data: { text: '把客厅的灯打开', language: 'zh-cn', context: { conversation_id: 'c1' } } }),
      encodeEvent({ type: 'audio-chunk', data: { width: 2 }, payload: Buffer.alloc(300, 7) }),
    ]);
    const whole = parseAll(new FrameParser(), stream);
    const byByte = parseAll(new FrameParser(), stream, 1);
    const bySeven = parseAll(new FrameParser(), stream, 7);
    assert.deepEqual(
      whole.map((e) => e.type),
      ['describe', 'transcript', 'audio-chunk'],
    );
    assert.deepEqual(byByte, whole);
    assert.deepEqual(bySeven, whole);
    assert.equal(whole[1]!.data.text, '把客厅的灯打开');
  });

  test('a frame is not emitted before its last byte arrives', () => {
    const bytes = encodeEvent({ type: 'transcript', data: { text: 'hello' } });
    const parser = new FrameParser();
    assert.deepEqual(parser.push(bytes.subarray(0, bytes.length - 1)), []);
    assert.equal(parser.midFrame, true);
    assert.equal(parser.push(bytes.subarray(bytes.length - 1)).length, 1);
  });

  test('inline data is accepted, and a data_length block is merged over it', () => {
    const parser = new FrameParser();
    const inline = parser.push(Buffer.from('{"type":"transcript","data":{"text":"inline","language":"en"}}\n'));
    assert.deepEqual(inline[0]!.data, { text: 'inline', language: 'en' });
    const block = '{"text":"from block"}';
    const merged = parser.push(
      Buffer.from(
        `{"type": "transcript", "data": {"text": "inline", "language": "en"}, "data_length": ${Buffer.byteLength(block)}}\n${block}`,
      ),
    );
    assert.deepEqual(merged[0]!.data, { text: 'from block', language: 'en' });
  });

  test('bytes written by the Python library (spaces, version, data_length) parse', () => {
    const data = '{"text": "turn on the kitchen light", "context": {"conversation_id": "01J0"}, "language": "en"}';
    const bytes = Buffer.from(`{"type": "transcript", "version": "1.5.2", "data_length": ${Buffer.byteLength(data)}}\n${data}`);
    const [ev] = new FrameParser().push(bytes);
    assert.equal(ev!.type, 'transcript');
    assert.equal(ev!.version, '1.5.2');
    assert.deepEqual(ev!.data.context, { conversation_id: '01J0' });
  });

  test('blank lines between frames are tolerated', () => {
    const evs = new FrameParser().push(Buffer.from('\n\r\n{"type":"describe"}\n\n{"type":"ping"}\n'));
    assert.deepEqual(
      evs.map((e) => e.type),
      ['describe', 'ping'],
    );
  });

  test('zero lengths and null lengths mean no block', () => {
    const evs = new FrameParser().push(Buffer.from('{"type":"a","data_length":0,"payload_length":null}\n{"type":"b"}\n'));
    assert.deepEqual(
      evs.map((e) => e.type),
      ['a', 'b'],
    );
    assert.equal(evs[0]!.payload, undefined);
  });

  describe('bad input', () => {
    test('a header that is not JSON', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"type": describe}\n')),
        'header-not-json',
        /header line is not valid JSON/,
      );
    });

    test('a header that is JSON but not an object', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from('["describe"]\n')),
        'header-not-object',
        /must be a JSON object, got an array/,
      );
      expectFrameError(() => new FrameParser().push(Buffer.from('null\n')), 'header-not-object', /got null/);
      expectFrameError(() => new FrameParser().push(Buffer.from('"describe"\n')), 'header-not-object', /got a string/);
    });

    test('a missing or non-string type', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"data":{}}\n')),
        'missing-type',
        /"type" must be a non-empty string, got nothing/,
      );
      expectFrameError(() => new FrameParser().push(Buffer.from('{"type":42}\n')), 'missing-type', /got 42/);
      expectFrameError(() => new FrameParser().push(Buffer.from('{"type":""}\n')), 'missing-type', /"type"/);
    });

    test('negative, fractional and non-numeric lengths', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"type":"x","data_length":-1}\n')),
        'bad-length',
        /"data_length" must be a non-negative integer, got -1/,
      );
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"type":"x","payload_length":1.5}\n')),
        'bad-length',
        /"payload_length".*1\.5/,
      );
      expectFrameError(() => new FrameParser().push(Buffer.from('{"type":"x","data_length":"10"}\n')), 'bad-length', /"data_length".*"10"/);
    });

    test('an oversized data_length is refused as soon as the header arrives', () => {
      const parser = new FrameParser();
      expectFrameError(
        () => parser.push(Buffer.from('{"type":"x","data_length":1048577}\n')),
        'data-too-long',
        /"data_length" is 1048577 bytes, over the limit of 1048576/,
      );
    });

    test('an oversized payload_length is refused, and the limit is configurable', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from(`{"type":"x","payload_length":${16 * 1024 * 1024 + 1}}\n`)),
        'payload-too-long',
        /"payload_length"/,
      );
      const small = new FrameParser({ maxPayloadBytes: 10 });
      assert.equal(small.push(Buffer.from('{"type":"x","payload_length":10}\n0123456789')).length, 1);
      expectFrameError(() => small.push(Buffer.from('{"type":"x","payload_length":11}\n')), 'payload-too-long', /over the limit of 10/);
    });

    test('a header line over the limit is refused before its newline arrives', () => {
      const parser = new FrameParser({ maxHeaderBytes: 100 });
      assert.deepEqual(parser.push(Buffer.from('{"type":"' + 'a'.repeat(81))), []);
      expectFrameError(() => parser.push(Buffer.alloc(20, 0x61)), 'header-too-long', /at least 110 bytes, over the limit of 100/);
    });

    test('a complete header line over the default 64 KiB limit is refused', () => {
      const line = JSON.stringify({ type: 'x', data: { pad: 'p'.repeat(70 * 1024) } }) + '\n';
      expectFrameError(() => new FrameParser().push(Buffer.from(line)), 'header-too-long', /over the limit of 65536/);
    });

    test('a header line exactly at the limit is accepted', () => {
      const prefix = '{"type":"x","pad":"';
      const line = prefix + 'p'.repeat(100 - prefix.length - 2) + '"}';
      assert.equal(Buffer.byteLength(line), 100);
      assert.equal(new FrameParser({ maxHeaderBytes: 100 }).push(Buffer.from(line + '\n')).length, 1);
    });

    test('a data block that is not JSON, or not an object', () => {
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"type":"x","data_length":3}\nabc')),
        'data-not-json',
        /data block of the "x" frame is not valid JSON/,
      );
      expectFrameError(
        () => new FrameParser().push(Buffer.from('{"type":"x","data_length":2}\n[]')),
        'data-not-object',
        /must be a JSON object, got an array/,
      );
      expectFrameError(() => new FrameParser().push(Buffer.from('{"type":"x","data":[1]}\n')), 'data-not-object', /header field "data"/);
    });

    test('after an error the parser refuses everything', () => {
      const parser = new FrameParser();
      assert.throws(() => parser.push(Buffer.from('nope\n')));
      expectFrameError(() => parser.push(Buffer.from('{"type":"describe"}\n')), 'header-not-json', /not valid JSON/);
    });

    test('a stream that ends inside a frame is reported as truncated', () => {
      const p1 = new FrameParser();
      p1.push(Buffer.from('{"type":"x","data_length":10}\n{"a"'));
      expectFrameError(() => p1.end(), 'truncated-frame', /inside the "x" frame/);
      const p2 = new FrameParser();
      p2.push(Buffer.from('{"type":'));
      expectFrameError(() => p2.end(), 'truncated-frame', /inside a header line/);
      const p3 = new FrameParser();
      p3.push(Buffer.from('{"type":"x"}\n\n'));
      assert.doesNotThrow(() => p3.end());
    });
  });
});
