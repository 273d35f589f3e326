// Logs people can read: one readable line per entry by default (time, level, part, message, the fields that matter),
// JSON only with log_format: json, secrets redacted either way, and the start-up banner still printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, readableLine } from '../src/log';
import { spawnButler } from './helpers/butler-process';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

test('text lines: time, level, part, message and fields; secrets redacted; errors by message', () => {
  const out = capture();
  const log = createLogger({ level: 'info', destination: out.stream, format: 'text' });
  log.child({ part: 'mqtt' }).info({ url: 'mqtt://broker:1883', password: 'hunter2', attempt: 3 }, 'connected');
  log.warn({ err: new Error('boom happened') }, 'start-up failed');
  log.debug('not at info');
  const [first, second, ...rest] = out.lines();
  assert.match(
    first,
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} INFO {2}\[mqtt\] connected url=mqtt:\/\/broker:1883 password="?\[redacted\]"? attempt=3$/,
  );
  assert.doesNotMatch(first, /hunter2/);
  assert.ok(!first.startsWith('{'), 'not JSON');
  assert.match(second, / WARN {2}start-up failed err="boom happened"$/);
  assert.deepEqual(rest, []);
});

test('json lines only when asked, still redacted', () => {
  const out = capture();
  const log = createLogger({ level: 'info', destination: out.stream, format: 'json' });
  log.info({ token: 'abc123secret', part: 'http' }, 'listening');
  const o = JSON.parse(out.lines()[0]);
  assert.equal(o.msg, 'listening');
  assert.equal(o.token, '[redacted]');
});

test('readableLine passes non-JSON through and keeps long fields short', () => {
  assert.equal(readableLine('plain words'), 'plain words\n');
  const line = readableLine(JSON.stringify({ level: 30, time: '2026-01-01T00:00:00.000Z', msg: 'm', big: { x: 'y'.repeat(500) } }));
  assert.ok(line.length < 300, line);
  assert.match(line, /^2026-01-01 00:00:00\.000 INFO {2}m big=/);
});

test('the butler prints readable lines by default and JSON with log_format json; the banner stays', async () => {
  const text = await spawnButler({ env: { BUTLER_LOG_LEVEL: 'info', BUTLER_MQTT_PASSWORD: 'mqtt-secret-pw' } });
  try {
    const out = text.output();
    const loaded = out.split('\n').find((l) => l.includes('configuration loaded'));
    assert.ok(loaded, out.slice(0, 2000));
    assert.match(loaded!, /^\S+ \S+ INFO {2}configuration loaded /);
    assert.match(out, /Smart Butler is running\./);
    assert.doesNotMatch(out, /mqtt-secret-pw/);
  } finally {
    await text.stop();
  }
  const json = await spawnButler({ env: { BUTLER_LOG_LEVEL: 'info', BUTLER_LOG_FORMAT: 'json' } });
  try {
    const out = json.output();
    const loaded = out.split('\n').find((l) => l.includes('configuration loaded'));
    assert.equal(JSON.parse(loaded!).msg, 'configuration loaded');
    assert.match(out, /Smart Butler is running\./);
  } finally {
    await json.stop();
  }
});
