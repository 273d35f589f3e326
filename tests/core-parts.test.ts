// The part contract: start in order, stop in reverse, a failing part degrades health and is named there, only an
// essential part (or a setting the person must fix) stops the start, and health says "starting" until all started.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ComponentHealth, type Part, PartRunner, StartupError } from '../src/parts/part';
import { FlowsRuntime } from '../src/flows/runtime';
import { silentLogger } from '../src/log';
import { createHttpHost } from '../src/server/http';

class Probe implements Part<{ log: string[] }> {
  ok = true;
  constructor(
    readonly name: string,
    private readonly opts: { essential?: boolean; vital?: boolean; fail?: Error } = {},
  ) {}
  get essential() {
    return this.opts.essential;
  }
  get vital() {
    return this.opts.vital;
  }
  private journal: string[] = [];
  start(host: { log: string[] }): void {
    this.journal = host.log;
    host.log.push(`start ${this.name}`);
    if (this.opts.fail) throw this.opts.fail;
  }
  stop(): void {
    this.journal.push(`stop ${this.name}`);
  }
  health(): ComponentHealth {
    return { ok: this.ok, detail: this.ok ? 'fine' : 'broken' };
  }
}

test('parts start in order, stop in reverse (failed ones too), and health is "starting" until ready', async () => {
  const runner = new PartRunner(silentLogger());
  const journal: string[] = [];
  const a = await runner.start(new Probe('a', { essential: true, vital: true }), { log: journal });
  await runner.start(new Probe('b', { fail: new Error('no such device') }), { log: journal });
  await runner.start(new Probe('c'), { log: journal });
  assert.equal(runner.health().status, 'starting');
  runner.ready();
  const h = runner.health();
  assert.equal(h.status, 'degraded');
  assert.deepEqual(h.components.b, { ok: false, detail: 'failed to start: no such device' });
  assert.deepEqual(h.components.a, { ok: true, detail: 'fine' });
  a.ok = false;
  assert.equal(runner.health().status, 'down', 'a vital part not ok is "down"');
  await runner.stop();
  assert.deepEqual(journal, ['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  await assert.rejects(runner.start(new Probe('late'), { log: journal }), /cannot start late/);
});

test('an essential part that fails stops the start; so does a StartupError from any part', async () => {
  const runner = new PartRunner(silentLogger());
  await assert.rejects(runner.start(new Probe('db', { essential: true, fail: new Error('disk full') }), { log: [] }), /disk full/);
  const other = new PartRunner(silentLogger());
  await assert.rejects(
    other.start(new Probe('wyoming', { fail: new StartupError('port 10700 is taken: set BUTLER_WYOMING_PORT') }), { log: [] }),
    /BUTLER_WYOMING_PORT/,
  );
});

test('while Node-RED has not started, the editor page says the flows are starting and reloads itself', async () => {
  const http = createHttpHost(silentLogger());
  const token = 'part-test-token';
  // Mounted at construction: until start() finishes, the editor's path answers with the starting page.
  new FlowsRuntime(http, { token, ingressProxies: [] });
  const port = await http.listen(0, '127.0.0.1');
  try {
    const res = await fetch(`http://127.0.0.1:${port}/flows/`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    const body = await res.text();
    assert.match(body, /flows are starting/i);
    assert.match(body, /http-equiv="refresh"/);
    const anon = await fetch(`http://127.0.0.1:${port}/flows/`);
    assert.equal(anon.status, 401, 'the gate comes first');
  } finally {
    await http.close();
  }
});
