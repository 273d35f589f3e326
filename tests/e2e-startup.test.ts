// Start-up failures are clear and name what to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { spawnButler } from './helpers/butler-process';

async function exitOf(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const b = await spawnButler({ env, waitReady: false });
  const code = await new Promise<number | null>((resolve) => {
    if (b.child.exitCode !== null) return resolve(b.child.exitCode);
    b.child.once('exit', (c) => resolve(c));
  });
  return { code, output: b.output() };
}

test('an invalid configuration refuses to start and lists every bad field', async () => {
  const { code, output } = await exitOf({ BUTLER_PORT: 'eighty', BUTLER_LANGUAGE: 'klingon', BUTLER_RETENTION_DAYS: '0' });
  assert.equal(code, 78);
  assert.match(output, /\/port: must be integer \(from BUTLER_PORT\)/);
  assert.match(output, /\/language: must be one of "en", "zh-cn" \(from BUTLER_LANGUAGE\)/);
  assert.match(output, /\/retention_days: must be >= 1 \(from BUTLER_RETENTION_DAYS\)/);
});

test('the embedded broker port already taken is a clear error naming the variables to set', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const { code, output } = await exitOf({ BUTLER_MQTT_PORT: String(port) });
    assert.notEqual(code, 0);
    assert.match(output, new RegExp(`port ${port} for the embedded MQTT broker is already taken`));
    assert.match(output, /BUTLER_MQTT_URL/);
    assert.match(output, /BUTLER_MQTT_PORT/);
  } finally {
    blocker.close();
  }
});
