// Every palette node's config migrations, one node and one version at a time, through the parseConfig each node
// exports (what the node runs at deploy, without Node-RED); then, under node-red-node-test-helper, that a config
// from a newer Smart Butler or without a required field gives a clear error status and log instead of a crash.
import { test, describe, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionRegistry } from '../src/actions/registry';
import { FlowTools } from '../src/flows/tools';
import type { ButlerServices } from '../src/flows/services';
import type { PaletteNode } from '../nodes/lib/node';
import { ConfigError, type NodeDef } from '../nodes/lib/red';
import conversation = require('../nodes/butler-conversation/butler-conversation');
import commandIn = require('../nodes/butler-command-in/butler-command-in');
import eventIn = require('../nodes/butler-event-in/butler-event-in');
import execute = require('../nodes/butler-execute/butler-execute');
import goal = require('../nodes/butler-goal/butler-goal');
import haCall = require('../nodes/butler-ha-call-service/butler-ha-call-service');
import haEntity = require('../nodes/butler-ha-entity/butler-ha-entity');
import haState = require('../nodes/butler-ha-state/butler-ha-state');
import memory = require('../nodes/butler-memory/butler-memory');
import planner = require('../nodes/butler-planner/butler-planner');
import policy = require('../nodes/butler-policy/butler-policy');
import reply = require('../nodes/butler-reply/butler-reply');
import rules = require('../nodes/butler-rules/butler-rules');
import scene = require('../nodes/butler-scene/butler-scene');
import camera = require('../nodes/butler-camera/butler-camera');
import tool = require('../nodes/butler-tool/butler-tool');
import toolResult = require('../nodes/butler-tool-result/butler-tool-result');
import understand = require('../nodes/butler-understand/butler-understand');
import ir = require('../nodes/butler-ir/butler-ir');
import dashan = require('../nodes/butler-dashan/butler-dashan');
import messageIn = require('../nodes/butler-message-in/butler-message-in');
import send = require('../nodes/butler-send/butler-send');
import webSearch = require('../nodes/butler-web-search/butler-web-search');
import image = require('../nodes/butler-image/butler-image');
import snapshot = require('../nodes/butler-snapshot/butler-snapshot');
import frigate = require('../nodes/butler-frigate/butler-frigate');
import vision = require('../nodes/butler-vision/butler-vision');
import { statusOf } from './helpers/node-status';

const NODES: PaletteNode<NodeDef>[] = [
  commandIn,
  conversation,
  eventIn,
  execute,
  goal,
  haCall,
  haEntity,
  haState,
  memory,
  planner,
  policy,
  reply,
  rules,
  scene,
  camera,
  tool,
  toolResult,
  understand,
  ir,
  dashan,
  messageIn,
  send,
  webSearch,
  image,
  snapshot,
  frigate,
  vision,
];

type Config = Record<string, unknown>;
/** A saved config of version `from` (its version field left as saved) and what the node must read from it. */
interface Case {
  what: string;
  saved: Config;
  upgraded: Config;
}

/**
 * Per node, per version below the current one: the configs of that version and what they become. Raising a node's
 * version without adding its cases here fails the "every version" test below.
 */
const CASES: Record<string, Record<number, Case[]>> = {
  'butler-command-in': {
    0: [
      { what: 'no pattern: every sentence', saved: {}, upgraded: { pattern: '' } },
      { what: 'a pattern is kept', saved: { pattern: '^hello' }, upgraded: { pattern: '^hello' } },
    ],
  },
  'butler-event-in': {
    0: [
      { what: 'v0 filter becomes types', saved: { filter: 'door.*' }, upgraded: { filter: 'door.*', types: 'door.*', sources: '' } },
      {
        what: 'types wins over filter',
        saved: { filter: 'x', types: 'motion.*', sources: 'mqtt' },
        upgraded: { filter: 'x', types: 'motion.*', sources: 'mqtt' },
      },
      { what: 'nothing set: every event', saved: {}, upgraded: { types: '', sources: '' } },
    ],
  },
  'butler-execute': {
    0: [
      { what: 'empty', saved: {}, upgraded: { action_type: '', params: '', reason: '' } },
      {
        what: 'an action is kept',
        saved: { action_type: 'notify', params: '{"message":"hi"}' },
        upgraded: { action_type: 'notify', params: '{"message":"hi"}', reason: '' },
      },
    ],
  },
  'butler-goal': { 0: [{ what: 'empty', saved: {}, upgraded: { text: '' } }] },
  'butler-ha-call-service': {
    0: [
      {
        what: 'data and entity_id default to empty',
        saved: { domain: 'light', service: 'turn_on' },
        upgraded: { domain: 'light', service: 'turn_on', data: '', entity_id: '' },
      },
    ],
  },
  'butler-ha-entity': {
    0: [
      {
        what: 'a sensor named by its node name',
        saved: { object_id: 'guest', name: 'Guest mode' },
        upgraded: {
          object_id: 'guest',
          name: 'Guest mode',
          component: 'sensor',
          entity_name: 'Guest mode',
          options: '',
          unit: '',
          device_class: '',
        },
      },
      {
        what: 'set fields are kept',
        saved: { object_id: 'fan', component: 'select', entity_name: 'Fan', options: 'low,high', unit: '', device_class: 'x' },
        upgraded: { object_id: 'fan', component: 'select', entity_name: 'Fan', options: 'low,high', unit: '', device_class: 'x' },
      },
    ],
  },
  'butler-ha-state': {
    0: [
      {
        what: 'v0 delay (ms) becomes for (s)',
        saved: { entity_id: 'light.*', delay: 1500 },
        upgraded: { entity_id: 'light.*', delay: 1500, for: 1.5, from: '', to: '' },
      },
      { what: 'no hold time', saved: { entity_id: 'light.a', to: 'on' }, upgraded: { entity_id: 'light.a', to: 'on', for: 0, from: '' } },
      {
        what: 'for wins over delay',
        saved: { entity_id: 'light.a', for: 2, delay: 9000 },
        upgraded: { entity_id: 'light.a', for: 2, delay: 9000, from: '', to: '' },
      },
    ],
  },
  'butler-conversation': {
    0: [
      { what: 'empty: the offline stage', saved: {}, upgraded: { stage: 'offline' } },
      { what: 'a chosen stage is kept', saved: { stage: 'planner' }, upgraded: { stage: 'planner' } },
    ],
  },
  'butler-memory': { 0: [{ what: 'empty: remember', saved: {}, upgraded: { mode: 'remember', subject: '', limit: '' } }] },
  'butler-planner': { 0: [{ what: 'empty', saved: {}, upgraded: { language: '' } }] },
  'butler-policy': { 0: [{ what: 'empty', saved: {}, upgraded: { action_type: '', params: '' } }] },
  'butler-reply': { 0: [{ what: 'nothing to upgrade', saved: {}, upgraded: {} }] },
  'butler-rules': {
    0: [
      { what: 'empty: trigger, wait 30 s', saved: {}, upgraded: { mode: 'trigger', rule: '', skip_conditions: false, wait: 30 } },
      {
        what: 'set fields are kept',
        saved: { mode: 'match', skip_conditions: true, wait: 0 },
        upgraded: { mode: 'match', rule: '', skip_conditions: true, wait: 0 },
      },
    ],
  },
  'butler-scene': { 0: [{ what: 'empty', saved: {}, upgraded: { scene: '' } }] },
  'butler-camera': {
    0: [
      { what: 'empty: a snapshot of the only camera', saved: {}, upgraded: { command: 'snapshot', camera: '', preset: '' } },
      {
        what: 'set fields are kept',
        saved: { command: 'goto', preset: 'Gate' },
        upgraded: { command: 'goto', camera: '', preset: 'Gate' },
      },
    ],
  },
  'butler-ir': {
    0: [
      { what: 'empty', saved: {}, upgraded: { mode: 'send', device_id: '', command: '', repeat: 1, duration: 30, blaster: '' } },
      {
        what: 'learn',
        saved: { mode: 'learn', device_id: 'tv', command: 'power', duration: '10' },
        upgraded: { mode: 'learn', device_id: 'tv', command: 'power', repeat: 1, duration: 10, blaster: '' },
      },
    ],
  },
  'butler-dashan': {
    0: [
      { what: 'empty', saved: {}, upgraded: { what: 'expression', value: '' } },
      { what: 'unknown action', saved: { what: 'dance', value: 'x' }, upgraded: { what: 'expression', value: 'x' } },
    ],
  },
  'butler-snapshot': {
    0: [
      { what: 'empty: the only ONVIF camera', saved: {}, upgraded: { source: 'camera', camera: '' } },
      { what: 'frigate is kept', saved: { source: 'frigate', camera: 'porch' }, upgraded: { source: 'frigate', camera: 'porch' } },
      { what: 'an unknown source is an ONVIF camera', saved: { source: 'rtsp' }, upgraded: { source: 'camera', camera: '' } },
    ],
  },
  'butler-frigate': {
    0: [
      {
        what: 'empty: new reviews from every camera',
        saved: {},
        upgraded: { kind: 'review', cameras: '', labels: '', zones: '', severity: 'any', changes: 'new', mode: 'any' },
      },
      {
        what: 'set fields are kept',
        saved: { kind: 'object', labels: 'person', changes: '', mode: 'night' },
        upgraded: { kind: 'object', cameras: '', labels: 'person', zones: '', severity: 'any', changes: '', mode: 'night' },
      },
    ],
  },
  'butler-vision': { 0: [{ what: 'empty: the default question', saved: {}, upgraded: { question: '', camera: '' } }] },
  'butler-tool': {
    0: [
      {
        what: 'empty: a safe tool',
        saved: {},
        upgraded: { tool: '', description: '', params: '', risk: 'safe', timeout: '' },
      },
      {
        what: 'set fields are kept',
        saved: { tool: 'chime', risk: 'sensitive', timeout: 5 },
        upgraded: { tool: 'chime', description: '', params: '', risk: 'sensitive', timeout: 5 },
      },
    ],
  },
  'butler-tool-result': { 0: [{ what: 'nothing to upgrade', saved: {}, upgraded: {} }] },
  'butler-message-in': {
    0: [
      { what: 'empty: every message', saved: {}, upgraded: { channels: '', senders: '' } },
      { what: 'filters are kept', saved: { channels: 'email' }, upgraded: { channels: 'email', senders: '' } },
    ],
  },
  'butler-send': {
    0: [
      { what: 'empty', saved: {}, upgraded: { person: '', target: '', channel: '', via: '' } },
      {
        what: 'an unknown via is dropped',
        saved: { person: 'Mum', via: 'fax' },
        upgraded: { person: 'Mum', target: '', channel: '', via: '' },
      },
    ],
  },
  'butler-web-search': {
    0: [
      { what: 'empty: five results', saved: {}, upgraded: { limit: 5 } },
      { what: 'a text limit', saved: { limit: '3' }, upgraded: { limit: 3 } },
    ],
  },
  'butler-image': {
    0: [
      { what: 'empty: one picture', saved: {}, upgraded: { size: '', n: 1 } },
      { what: 'set fields are kept', saved: { size: '512x512', n: '2' }, upgraded: { size: '512x512', n: 2 } },
    ],
  },
  'butler-understand': {
    0: [
      { what: 'empty: actions on', saved: {}, upgraded: { actions: true, language: '' } },
      { what: 'actions off is kept', saved: { actions: false, language: 'de' }, upgraded: { actions: false, language: 'de' } },
    ],
  },
};

function def(node: PaletteNode<NodeDef>, version: number | undefined, fields: Config): NodeDef {
  return { id: 'n1', type: node.type, ...(version === undefined ? {} : { version }), ...fields };
}

describe('node config migrations', () => {
  test('every node has cases for every version below its current one, and none beyond', () => {
    for (const node of NODES) {
      const cases = CASES[node.type];
      assert.ok(cases, `${node.type} has migration cases`);
      for (let v = 0; v < node.version; v++) assert.ok(cases[v]?.length, `${node.type} has cases for version ${v}`);
      for (const v of Object.keys(node.migrations).map(Number))
        assert.ok(v < node.version, `${node.type}: step ${v} is below ${node.version}`);
    }
  });

  test("the editor writes the version the code reads (the .html's version default)", () => {
    for (const node of NODES) {
      const html = readFileSync(join(__dirname, '..', 'nodes', node.type, `${node.type}.html`), 'utf8');
      const m = /"version":\s*\{\s*"value":\s*(\d+)\s*\}/.exec(html);
      assert.ok(m, `${node.type}.html has a version default`);
      assert.equal(Number(m[1]), node.version, node.type);
    }
  });

  for (const node of NODES) {
    describe(node.type, () => {
      for (const [from, cases] of Object.entries(CASES[node.type] ?? {})) {
        for (const c of cases) {
          test(`version ${from} → ${node.version}: ${c.what}`, () => {
            const saved = def(node, Number(from), c.saved);
            const before = structuredClone(saved);
            const got = node.parseConfig(saved);
            assert.deepEqual(got, { id: 'n1', type: node.type, ...c.upgraded, version: node.version });
            assert.deepEqual(saved, before, 'the saved config is not changed in place');
            assert.deepEqual(node.parseConfig(got), got, 'a current config passes unchanged');
          });
        }
      }

      test('a config without a version is version 0', () => {
        const c = CASES[node.type]?.[0]?.[0];
        assert.ok(c);
        assert.deepEqual(node.parseConfig(def(node, undefined, c.saved)), node.parseConfig(def(node, 0, c.saved)));
      });

      test('a config from a newer Smart Butler is a ConfigError naming the version', () => {
        const c = CASES[node.type]?.[0]?.[0];
        assert.ok(c);
        assert.throws(
          () => node.parseConfig(def(node, node.version + 1, c.upgraded)),
          (err: unknown) =>
            err instanceof ConfigError &&
            err.field === 'version' &&
            err.message.includes(`config version ${node.version + 1}; this one reads up to ${node.version}`),
        );
      });
    });
  }

  test('required and checked fields are ConfigErrors that name the field', () => {
    const fieldOf = (node: PaletteNode<NodeDef>, fields: Config) => {
      try {
        node.parseConfig(def(node, node.version, fields));
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.ok(err.message.startsWith(`${err.field}: `), err.message);
        return err.field;
      }
      return null;
    };
    assert.equal(fieldOf(haState, { from: '', to: 'on', for: 0 }), 'entity_id');
    assert.equal(fieldOf(haState, { entity_id: 'light.a', from: '', to: '', for: 0 }), null);
    assert.equal(fieldOf(haEntity, { component: 'sensor' }), 'object_id');
    assert.equal(fieldOf(haEntity, { component: 'sensor', object_id: 'Not Valid!' }), 'object_id');
    assert.equal(fieldOf(haEntity, { component: 'lamp', object_id: 'ok' }), 'component');
    assert.equal(fieldOf(haEntity, { component: 'switch', object_id: 'ok' }), null);
    assert.equal(fieldOf(commandIn, { pattern: '(unclosed' }), 'pattern');
    assert.equal(fieldOf(commandIn, { pattern: '^hello' }), null);
    assert.equal(fieldOf(image, { size: 'huge', n: 1 }), 'size');
    assert.equal(fieldOf(image, { size: '', n: 9 }), 'n');
    assert.equal(fieldOf(image, { size: '512x512', n: 2 }), null);
  });
});

// node-red-node-test-helper ships no types.
interface Spy {
  getCalls(): { thisValue: { id: string }; args: unknown[] }[];
}
interface TestNode {
  on(event: 'input', fn: (msg: Record<string, unknown>) => void): void;
  receive(msg: Record<string, unknown>): void;
  error: Spy;
}
interface Helper {
  init(runtimePath: string, settings?: Record<string, unknown>): void;
  settings(s: Record<string, unknown>): Record<string, unknown>;
  load(nodes: unknown[], flow: Record<string, unknown>[]): Promise<void>;
  unload(): Promise<void>;
  getNode(id: string): TestNode;
}
const helper = require('node-red-node-test-helper') as Helper;

/** What node `id` logged with node.error. */
function errorsOf(id: string): string[] {
  return helper
    .getNode(id)
    .error.getCalls()
    .filter((c) => c.thisValue.id === id)
    .map((c) => String(c.args[0]));
}

describe('bad configs under Node-RED', () => {
  before(() => {
    helper.init(require.resolve('node-red'));
  });

  afterEach(async () => {
    await helper.unload();
    helper.settings({ butler: undefined });
  });

  test('every node with a config from a newer Smart Butler shows "config error", says why once, and lets messages go', {
    timeout: 15_000,
  }, async () => {
    // No butler services at all: a config that cannot be read is reported before anything needs them.
    const flow: Record<string, unknown>[] = [{ id: 'tab', type: 'tab' }];
    for (const node of NODES) flow.push({ id: `n-${node.type}`, type: node.type, z: 'tab', version: node.version + 1, wires: [['out']] });
    flow.push(
      { id: 'out', type: 'helper', z: 'tab' },
      { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper', z: 'tab' },
      { id: 'completer', type: 'complete', z: 'tab', scope: ['n-butler-execute'], uncaught: false, wires: [['completed']] },
      { id: 'completed', type: 'helper', z: 'tab' },
    );
    await helper.load(NODES, flow);
    for (const node of NODES) {
      assert.deepEqual(statusOf(helper, `n-${node.type}`), { fill: 'red', shape: 'ring', text: 'config error' }, node.type);
      const errors = errorsOf(`n-${node.type}`);
      assert.equal(errors.length, 1, `${node.type}: ${errors.join(' | ')}`);
      assert.match(errors[0], new RegExp(`^${node.type}: version: the node was saved by a newer Smart Butler`));
    }
    const seen: string[] = [];
    for (const id of ['out', 'caught']) helper.getNode(id).on('input', () => seen.push(id));
    const completed = new Promise((resolve) => helper.getNode('completed').on('input', resolve));
    helper.getNode('n-butler-execute').receive({ payload: { action_type: 'notify', params: { message: 'hi' } } });
    await completed;
    assert.deepEqual(seen, [], 'nothing sent, nothing thrown');
  });

  test('a missing required field names the field in the log; the status says "config error"', { timeout: 15_000 }, async () => {
    await helper.load(NODES, [
      { id: 'tab', type: 'tab' },
      { id: 'state', type: 'butler-ha-state', z: 'tab', from: '', to: 'on', for: 0, version: 1, wires: [[]] },
      { id: 'entity', type: 'butler-ha-entity', z: 'tab', component: 'sensor', version: 1, wires: [[]] },
      { id: 'cmd', type: 'butler-command-in', z: 'tab', pattern: '(', version: 1, wires: [[]] },
    ]);
    for (const [id, field] of [
      ['state', 'entity_id'],
      ['entity', 'object_id'],
      ['cmd', 'pattern'],
    ]) {
      assert.deepEqual(statusOf(helper, id), { fill: 'red', shape: 'ring', text: 'config error' }, id);
      assert.match(errorsOf(id).join('\n'), new RegExp(`^butler-[a-z-]+: ${field}: `), id);
    }
  });

  test("a tool without a name shows the bridge's reason in its status and declares nothing", { timeout: 15_000 }, async () => {
    const registry = new ActionRegistry();
    const tools = new FlowTools(registry);
    // Only what the tool node uses.
    helper.settings({ butler: { tools } as unknown as ButlerServices });
    await helper.load(NODES, [
      { id: 'tab', type: 'tab' },
      { id: 'nameless', type: 'butler-tool', z: 'tab', tool: '', description: 'x', params: '', risk: 'safe', version: 1, wires: [[]] },
    ]);
    const st = statusOf(helper, 'nameless');
    assert.equal(st.fill, 'red');
    assert.equal(st.shape, 'ring');
    assert.match(String(st.text), /^tool name "" must be/);
    assert.match(errorsOf('nameless').join('\n'), /^butler-tool: tool name "" must be snake_case/);
    assert.deepEqual(tools.list(), []);
    tools.close();
  });
});
