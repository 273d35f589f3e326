// readCapped against a real HTTP server: a declared length over the cap is refused unread, a body without a length that
// grows over the cap is cancelled there (the server sees the connection go), a body that breaks off is an error, a body
// within the cap comes back whole; errors name the limit and the URL without its token. fetchFailure names the cause
// that fetch hides behind "fetch failed".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { fetchFailure, readCapped } from '../src/util/http';
import { freePort } from './helpers/ports';
import { until } from './helpers/wait';

describe('readCapped', () => {
  let server: Server;
  let base: string;
  const body = Buffer.from('0123456789'.repeat(10)); // 100 bytes
  let streamClosed = false;
  let streamWritten = 0;

  before(async () => {
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/ok') return void res.writeHead(200, { 'content-length': body.length }).end(body);
      if (path === '/ok-chunked') {
        res.writeHead(200);
        res.write(body.subarray(0, 40));
        return void setTimeout(() => res.end(body.subarray(40)), 10);
      }
      if (path === '/declared') return void res.writeHead(200, { 'content-length': 5000 }).end(Buffer.alloc(5000));
      if (path === '/endless') {
        // No content-length, and it never ends by itself: only the client going away stops it.
        res.writeHead(200);
        res.on('close', () => {
          streamClosed = true;
        });
        const tick = () => {
          if (res.destroyed) return;
          streamWritten += 1024;
          res.write(Buffer.alloc(1024, 1));
          setTimeout(tick, 5);
        };
        return tick();
      }
      if (path === '/truncated') {
        res.writeHead(200, { 'content-length': 1000 });
        res.write(Buffer.alloc(300, 2));
        return void setTimeout(() => res.socket?.destroy(), 20);
      }
      res.writeHead(404).end();
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    base = `http://127.0.0.1:${port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });

  test('a body within the cap comes back whole, with or without a content-length', async () => {
    for (const path of ['/ok', '/ok-chunked']) {
      const url = `${base}${path}`;
      const got = await readCapped(await fetch(url), { max: 100, url });
      assert.deepEqual(got, body, path);
    }
  });

  test('a declared length over the cap is refused before reading, naming the limit and the URL without its token', async () => {
    const url = `${base}/declared?token=sekrit-123`;
    const err = await readCapped(await fetch(url), { max: 1000, url, what: 'snapshot refused' }).then(
      () => assert.fail('no error'),
      (e: Error) => e,
    );
    assert.equal(err.message, `snapshot refused: 5000 bytes is over the 1000-byte limit (from ${base}/declared?token=***)`);
    assert.doesNotMatch(err.message, /sekrit/);
  });

  test('a body without a length that grows over the cap is cancelled there', async () => {
    const url = `${base}/endless`;
    class Mine extends Error {}
    await assert.rejects(readCapped(await fetch(url), { max: 8 * 1024, url, what: 'image 1', error: (m) => new Mine(m) }), (e: Error) => {
      assert.ok(e instanceof Mine, 'the caller makes its own error');
      assert.equal(e.message, `image 1: over the 8192-byte limit (from ${url})`);
      return true;
    });
    await until('the server sees the connection go', () => streamClosed);
    assert.ok(streamWritten < 1024 * 1024, `the server stopped writing (${streamWritten} bytes written)`);
  });

  test('a body that breaks off before its declared length is an error, not a short buffer', async () => {
    const url = `${base}/truncated`;
    await assert.rejects(
      readCapped(await fetch(url), { max: 10_000, url }),
      new RegExp(`^Error: answer refused: the answer from ${url.replace(/[.?]/g, '\\$&')} broke off after \\d+ bytes \\(.+\\)$`),
    );
  });

  test('fetchFailure names the cause fetch hides and the URL without credentials', async () => {
    const closed = await freePort();
    const url = `http://127.0.0.1:${closed}/api/camera_proxy/camera.door?access_token=abc`;
    const err = await fetch(url).then(
      () => assert.fail('the port is closed'),
      (e: Error) => e,
    );
    assert.equal(err.message, 'fetch failed', 'fetch itself says no more than this');
    const said = fetchFailure(err, url);
    assert.match(said, /ECONNREFUSED/);
    assert.equal(said.startsWith(`cannot reach http://127.0.0.1:${closed}/api/camera_proxy/camera.door?access_token=***: `), true, said);
    assert.match(
      fetchFailure(Object.assign(new Error('x'), { name: 'TimeoutError' }), 'http://u:p@h/x'),
      /^cannot reach http:\/\/\*\*\*@h\/x: timed out$/,
    );
  });
});
