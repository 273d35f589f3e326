// The OpenClaw gateway client (src/drivers/openclaw/client.ts) against the protocol-4 gateway simulator: the
// handshake, why a connection is refused in words, the 2x tick silence rule, reconnecting, requests matched by id
// with timeouts, retryAfterMs, and a send that survives a dropped connection without being delivered twice.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { OpenClawClient, GatewayError } from '../src/drivers/openclaw/client';
import { OpenClawGatewaySimulator } from '../src/demo/openclaw/gateway';
import { silentLogger } from '../src/log';
import { freePort } from './helpers/ports';
import { until } from './helpers/wait';

const fast = { initialMs: 20, maxMs: 200 };
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function gateway(opts: ConstructorParameters<typeof OpenClawGatewaySimulator>[0] = {}): Promise<OpenClawGatewaySimulator> {
  const g = new OpenClawGatewaySimulator({ token: 'secret-token', tickIntervalMs: 1000, ...opts });
  await g.start();
  cleanups.push(() => g.stop());
  return g;
}

function client(
  url: string,
  token: string | undefined = 'secret-token',
  extra: Partial<ConstructorParameters<typeof OpenClawClient>[0]> = {},
): OpenClawClient {
  const c = new OpenClawClient({
    url,
    token,
    log: silentLogger(),
    backoff: fast,
    requestTimeoutMs: 2000,
    connectTimeoutMs: 2000,
    ...extra,
  });
  cleanups.push(() => c.stop());
  c.start();
  return c;
}

describe('OpenClaw client: handshake and health', () => {
  test('connects with the operator role, both scopes and the token, and health says so', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    assert.equal(c.status().ok, true);
    assert.match(c.status().detail, /connected to ws:\/\/127\.0\.0\.1:\d+\/ \(protocol 4/);
    assert.equal(c.helloOk?.protocol, 4);
    // The connection may write: send is refused without operator.write.
    const res = await c.request<{ messageId: string }>('send', { to: '42', message: 'hi', idempotencyKey: 'k-1' });
    assert.ok(res.messageId);
    assert.equal(g.sent.length, 1);
  });

  test('a wrong token: health says "bad token" and the client keeps trying, never connected', async () => {
    const g = await gateway();
    const c = client(g.url, 'wrong');
    const s = await until('the refusal', () => (/bad token/.test(c.status().detail) ? c.status() : null));
    assert.equal(s.ok, false);
    assert.match(s.detail, /token mismatch/);
    assert.doesNotMatch(s.detail, /wrong|secret-token/, 'no token in the health detail');
    assert.equal(g.clientCount, 0);
  });

  test('no token at all against a gateway that wants one: "bad token ... missing"', async () => {
    const g = await gateway();
    const c = client(g.url, '');
    await until('the refusal', () => /bad token.*missing/.test(c.status().detail));
  });

  test('a gateway speaking another protocol: "protocol mismatch"', async () => {
    const g = await gateway({ protocol: 5 });
    const c = client(g.url);
    await until('protocol mismatch', () => /protocol mismatch/.test(c.status().detail));
    assert.equal(c.connected, false);
  });

  test('nothing listening: "refused"', async () => {
    const port = await freePort();
    const c = client(`ws://127.0.0.1:${port}`);
    await until('refused', () => /^refused: nothing accepts connections at ws:\/\/127\.0\.0\.1/.test(c.status().detail));
  });

  test('a server that accepts TCP but never speaks: a clear timeout, not a hang', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((s) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as { port: number }).port;
    const c = client(`ws://127.0.0.1:${port}`, 'x', { connectTimeoutMs: 300 });
    await until('the timeout', () => /no hello-ok within 300 ms|connection error|dropped/.test(c.status().detail) && !c.connected);
  });
});

describe('OpenClaw client: liveness and reconnecting', () => {
  test('two tick intervals of silence close the connection (4000) and the client reconnects', async () => {
    const g = await gateway({ tickIntervalMs: 100 });
    const c = client(g.url);
    await c.waitConnected(5000);
    g.pauseTicks(true);
    await until('a tick timeout', () => c.counters.tick_timeouts > 0);
    assert.match(c.status().detail, /no tick for 200 ms|connected/);
    g.pauseTicks(false);
    await until('reconnected', () => c.connected && c.counters.connects >= 2);
  });

  test('a gateway restart (every connection dropped) is followed by a reconnect', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    g.kickAll();
    await until('disconnect seen', () => c.counters.disconnects >= 1);
    await until('reconnected', () => c.connected && c.counters.connects >= 2);
  });

  test('garbage and unknown frames are ignored; the connection stays', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    g.rawToAll('this is not json');
    g.rawToAll('[1,2,3]');
    g.rawToAll(JSON.stringify({ type: 'mystery', x: 1 }));
    g.rawToAll(JSON.stringify({ type: 'res', id: 'nobody-asked', ok: true }));
    // Proof the frames were handled: a request after them is answered on the same connection.
    const res = await c.request<{ ok: boolean }>('health', {});
    assert.equal(res.ok, true);
    assert.equal(c.counters.connects, 1);
  });
});

describe('OpenClaw client: requests', () => {
  test('answers are matched by id, also when several are in flight', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    const keys = Array.from({ length: 20 }, (_, i) => `k-${i}`);
    const results = await Promise.all(keys.map((k) => c.request<{ messageId: string }>('send', { to: k, message: k, idempotencyKey: k })));
    for (let i = 0; i < keys.length; i++) {
      const sent = g.sent.find((m) => m.idempotencyKey === keys[i]);
      assert.equal(results[i].messageId, sent?.messageId, `answer ${i} is the answer to request ${i}`);
    }
  });

  test('an unanswered request times out with its method named', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    g.holdNext('health');
    await assert.rejects(
      c.request('health', {}, { timeoutMs: 200 }),
      (e: GatewayError) => e.code === 'TIMEOUT' && /no answer to health within 200 ms/.test(e.message),
    );
    assert.equal(c.connected, true, 'a timeout does not drop the connection');
  });

  test('gateway errors come back with their code; unknown keys in send are refused by the closed schema', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    await assert.rejects(
      c.request('send', { to: '1', message: 'x', idempotencyKey: 'a', colour: 'red' }),
      (e: GatewayError) => e.code === 'INVALID_REQUEST' && /colour|additional/.test(e.message),
    );
    await assert.rejects(
      c.request('send', { to: '1', message: 'x', idempotencyKey: 'b', channel: 'fax' }),
      (e: GatewayError) => e.code === 'UNAVAILABLE' && /fax is not configured/.test(e.message),
    );
    await assert.rejects(c.request('no.such.method', {}), (e: GatewayError) => e.code === 'INVALID_REQUEST');
    assert.equal(g.sent.length, 0);
  });

  test('retryAfterMs is honoured: a retryable refusal is retried and delivered once', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    g.failNext('send', { code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 150 });
    const res = await c.request<{ messageId: string }>(
      'send',
      { to: '7', message: 'hello', idempotencyKey: 'once' },
      { retry: true, timeoutMs: 3000 },
    );
    assert.ok(res.messageId);
    assert.equal(g.requests.filter((r) => r.method === 'send').length, 2, 'asked twice');
    assert.equal(g.sent.length, 1, 'delivered once');
    // Without retry the same refusal is the caller's error, with retryAfterMs carried along.
    g.failNext('send', { code: 'UNAVAILABLE', message: 'busy', retryable: true, retryAfterMs: 150 });
    await assert.rejects(
      c.request('send', { to: '7', message: 'x', idempotencyKey: 'twice' }),
      (e: GatewayError) => e.retryAfterMs === 150 && e.retryable,
    );
  });

  test('the connection dropping under a send: retried after reconnecting with the same key, delivered once', async () => {
    const g = await gateway();
    const c = client(g.url);
    await c.waitConnected(5000);
    g.dropNext('send');
    const res = await c.request<{ messageId: string }>(
      'send',
      { to: '9', message: 'door open', idempotencyKey: 'plan-1:0' },
      { retry: true, timeoutMs: 5000 },
    );
    assert.ok(res.messageId);
    assert.equal(g.sent.length, 1, 'the gateway deduplicated the repeated send');
    assert.equal(g.sent[0].messageId, res.messageId);
    assert.ok(c.counters.connects >= 2);
  });

  test('a request while disconnected fails at once with why', async () => {
    const port = await freePort();
    const c = client(`ws://127.0.0.1:${port}`);
    await until('refused', () => /refused/.test(c.status().detail));
    await assert.rejects(
      c.request('send', {}),
      (e: GatewayError) => e.code === 'UNAVAILABLE' && /not connected to the OpenClaw gateway: refused/.test(e.message),
    );
  });
});
