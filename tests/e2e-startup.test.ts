// Start-up failures are clear and name what to change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { spawnButler } from './helpers/butler-process';

async function exitOf(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const b = await spawnButler({ env, waitReady: false });
  const code = await b.exited(30_000);
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

test('the default broker port already taken (a broker is running) does not stop the quick start: another port, and a note', async () => {
  // Make sure 1883 is taken: by us, or by whatever broker already runs on this machine.
  const holder = createServer();
  const held = await new Promise<boolean>((resolve) => {
    holder.once('error', () => resolve(false));
    holder.listen(1883, '127.0.0.1', () => resolve(true));
  });
  try {
    const b = await spawnButler({ env: { BUTLER_MQTT_PORT: '' } });
    try {
      for (let i = 0; i < 100 && !/Note:/.test(b.output()); i++) await new Promise((r) => setTimeout(r, 50));
      assert.match(b.output(), /port 1883 is taken \(another MQTT broker\?\): the embedded broker uses \d+; set BUTLER_MQTT_URL/);
      const h = await b.api<{ status: string }>('GET', '/api/health');
      assert.equal(h.body.status, 'ok', JSON.stringify(h.body));
    } finally {
      await b.stop();
    }
  } finally {
    if (held) holder.close();
  }
});

test('the HTTP or Wyoming port already taken is a clear error naming the variable to set', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const http = await exitOf({ BUTLER_PORT: String(port) });
    assert.notEqual(http.code, 0);
    assert.match(http.output, new RegExp(`port ${port} for the panel and API is already taken.*set BUTLER_PORT`));
    const wyoming = await exitOf({ BUTLER_WYOMING_PORT: String(port) });
    assert.notEqual(wyoming.code, 0);
    assert.match(wyoming.output, new RegExp(`port ${port} for the Wyoming \\(Assist\\) server is already taken.*set BUTLER_WYOMING_PORT`));
  } finally {
    blocker.close();
  }
});
