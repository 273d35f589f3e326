// What defineNode does for every palette node, on a node made for this test and on real ones, under
// node-red-node-test-helper with a real bus: statuses, send/done and Catch routing, a failed start, and close cleanup.
import { test, describe, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Bus } from '../src/bus/bus';
import type { ButlerServices } from '../src/flows/services';
import { defineNode } from '../nodes/lib/node';
import type { NodeDef } from '../nodes/lib/red';
import eventIn = require('../nodes/butler-event-in/butler-event-in');
import goal = require('../nodes/butler-goal/butler-goal');
import { statusOf } from './helpers/node-status';

// node-red-node-test-helper ships no types.
interface TestNode {
  on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  error: { getCalls(): { thisValue: { id: string }; args: unknown[] }[] };
}
interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}
const helper = require('node-red-node-test-helper') as Helper;

type Msg = Record<string, unknown>;
const CLOCK = /^ok · \d\d:\d\d:\d\d$/;

/** What the probe node saw at close: whether it was removed, and whether ctx.closed was already true. */
const closes: { removed: boolean; closed: boolean }[] = [];

interface ProbeConfig extends NodeDef {
  mode: string;
}

/** A node that does what msg.payload says, to watch the base's part. */
const probe = defineNode<ProbeConfig, { seen: number }>({
  type: 'test-probe',
  version: 1,
  migrations: { 0: (c) => ({ ...c, mode: c.mode ?? 'plain' }) },
  start(ctx) {
    ctx.onClose((removed) => closes.push({ removed, closed: ctx.closed }));
    ctx.listen('event', () => undefined);
    return { seen: 0 };
  },
  async onInput(msg, ctx, state) {
    state.seen++;
    switch (msg.payload) {
      case 'ok':
        return { status: 'ok', send: msg };
      case 'two outputs':
        return { status: { text: 'second', fill: 'yellow', shape: 'ring', clock: false }, send: [null, msg] };
      case 'throw':
        throw new Error('it broke');
      case 'fails after all':
        return { status: { text: 'error', fill: 'red' }, error: new Error('half done') };
      case 'itself':
        ctx.status({ fill: 'grey', shape: 'dot', text: `by hand ${state.seen}` });
        ctx.send([null, msg]);
        return null;
      default:
        return { status: `mode ${ctx.config.mode}` };
    }
  },
});

function next(id: string): Promise<Msg> {
  return new Promise((resolve) => helper.getNode(id).on('input', resolve));
}

function flow(nodes: Record<string, unknown>[]): Record<string, unknown>[] {
  return [
    { id: 'tab', type: 'tab' },
    ...nodes.map((n) => ({ z: 'tab', ...n })),
    { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper', z: 'tab' },
    { id: 'completer', type: 'complete', z: 'tab', scope: ['p'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper', z: 'tab' },
  ];
}

const PROBE = [
  { id: 'p', type: 'test-probe', wires: [['first'], ['second']] },
  { id: 'first', type: 'helper' },
  { id: 'second', type: 'helper' },
];

describe('defineNode', () => {
  const bus = new Bus();

  before(() => {
    helper.init(require.resolve('node-red'));
  });

  afterEach(async () => {
    await helper.unload();
    helper.settings({ butler: undefined });
  });

  test('a handled message: its status (the time appended unless told), its outputs, then done()', { timeout: 15_000 }, async () => {
    helper.settings({ butler: { bus } as unknown as ButlerServices });
    await helper.load([probe], flow(PROBE));
    const p = helper.getNode('p');

    let out = next('first');
    let completed = next('completed');
    p.receive({ payload: 'ok' });
    assert.equal((await out).payload, 'ok');
    await completed;
    const st = statusOf(helper, 'p');
    assert.equal(st.fill, 'green');
    assert.equal(st.shape, 'dot');
    assert.match(String(st.text), CLOCK);

    out = next('second');
    p.receive({ payload: 'two outputs' });
    await out;
    assert.deepEqual(statusOf(helper, 'p'), { fill: 'yellow', shape: 'ring', text: 'second' });

    out = next('second');
    completed = next('completed');
    p.receive({ payload: 'itself' });
    await out;
    await completed;
    assert.deepEqual(statusOf(helper, 'p'), { fill: 'grey', shape: 'dot', text: 'by hand 3' }, 'a null result leaves the status alone');

    completed = next('completed');
    p.receive({ payload: 'anything' });
    await completed;
    assert.match(String(statusOf(helper, 'p').text), /^mode plain · /, 'the v0 config was upgraded');
  });

  test('a thrown error shows as a red ring and reaches Catch; a result with an error keeps its status', { timeout: 15_000 }, async () => {
    helper.settings({ butler: { bus } as unknown as ButlerServices });
    await helper.load([probe], flow(PROBE));
    let caught = next('caught');
    helper.getNode('p').receive({ payload: 'throw', keep: 1 });
    let err = await caught;
    assert.match((err.error as { message: string }).message, /it broke$/);
    assert.equal(err.keep, 1, 'Catch gets the message');
    assert.deepEqual(statusOf(helper, 'p'), { fill: 'red', shape: 'ring', text: 'it broke' });

    caught = next('caught');
    helper.getNode('p').receive({ payload: 'fails after all' });
    err = await caught;
    assert.match((err.error as { message: string }).message, /half done$/);
    const st = statusOf(helper, 'p');
    assert.equal(st.fill, 'red');
    assert.equal(st.shape, 'dot');
    assert.match(String(st.text), /^error · /);
  });

  test('closing runs the cleanups and removes the bus listeners of each node, when the flows stop', { timeout: 15_000 }, async () => {
    helper.settings({ butler: { bus } as unknown as ButlerServices });
    const before = bus.listenerCount('event');
    await helper.load(
      [probe, eventIn, goal],
      flow([
        ...PROBE,
        { id: 'ev', type: 'butler-event-in', types: '', sources: '', version: 1, wires: [[]] },
        { id: 'g', type: 'butler-goal', text: '', version: 1, wires: [[], []] },
      ]),
    );
    assert.equal(bus.listenerCount('event'), before + 3);
    closes.length = 0;
    await helper.unload();
    assert.equal(bus.listenerCount('event'), before, 'every listener the nodes added is gone');
    assert.deepEqual(closes, [{ removed: false, closed: true }]);
  });

  test('a node that cannot start shows why, logs it once and lets messages go; its partial set-up is still cleaned up', {
    timeout: 15_000,
  }, async () => {
    // No butler services: the probe's start fails at ctx.listen, event in's too.
    closes.length = 0;
    await helper.load(
      [probe, eventIn],
      flow([...PROBE, { id: 'ev', type: 'butler-event-in', types: '', sources: '', version: 1, wires: [[]] }]),
    );
    for (const id of ['p', 'ev']) {
      assert.deepEqual(statusOf(helper, id), { fill: 'red', shape: 'ring', text: 'the butler services are missing…' }, id);
      const errors = helper
        .getNode(id)
        .error.getCalls()
        .filter((c) => c.thisValue.id === id)
        .map((c) => String(c.args[0]));
      assert.equal(errors.length, 1);
      assert.match(errors[0], /^butler-event-in: the butler services are missing|^test-probe: the butler services are missing/);
    }
    const seen: string[] = [];
    for (const id of ['first', 'second', 'caught']) helper.getNode(id).on('input', () => seen.push(id));
    const completed = next('completed');
    helper.getNode('p').receive({ payload: 'ok' });
    await completed;
    assert.deepEqual(seen, []);
    await helper.unload();
    assert.deepEqual(closes, [{ removed: false, closed: true }], 'what start set up before it failed is cleaned up');
  });
});
