import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityMirror, type CompressedState } from '../src/ha/entity-mirror';
import type { HassStateChange } from '../src/ha/types';

const T0 = 1_700_000_000; // seconds, as subscribe_entities sends them
const iso = (s: number) => new Date(s * 1000).toISOString();

function light(state: string, attributes: Record<string, unknown> = {}, lc = T0): CompressedState {
  return { s: state, a: attributes, c: `ctx-${state}-${lc}`, lc };
}

/** A mirror that records what it tells: changes, snapshots (as a marker in the same log) and ignored input. */
function recorded() {
  const log: (HassStateChange | 'snapshot')[] = [];
  const ignored: { entityId: string | null; reason: string }[] = [];
  const mirror = new EntityMirror({
    change: (c) => log.push(c),
    snapshot: () => log.push('snapshot'),
    ignored: (entityId, reason) => ignored.push({ entityId, reason }),
  });
  const changes = () => log.filter((x): x is HassStateChange => x !== 'snapshot');
  return { mirror, log, changes, ignored };
}

/** A mirror already holding kitchen (on) and hall (off) from a first snapshot; the logs start empty. */
function synced() {
  const r = recorded();
  r.mirror.expectSnapshot();
  r.mirror.apply({ a: { 'light.kitchen': light('on', { brightness: 200, friendly_name: 'Kitchen' }), 'light.hall': light('off') } });
  r.log.length = 0;
  return r;
}

test('the first snapshot fills the mirror, expanding the compressed form, and tells every entity as new', () => {
  const { mirror, log, changes, ignored } = recorded();
  mirror.expectSnapshot();
  mirror.apply({
    a: {
      'light.kitchen': { s: 'on', a: { brightness: 200 }, c: 'ctx1', lc: T0, lu: T0 + 5 },
      'sensor.temp': { s: '21.5', a: null, c: { id: 'ctx2', parent_id: 'p', user_id: null }, lc: T0 },
    },
  });
  assert.equal(mirror.size, 2);
  assert.deepEqual(mirror.get('light.kitchen'), {
    entity_id: 'light.kitchen',
    state: 'on',
    attributes: { brightness: 200 },
    last_changed: iso(T0),
    last_updated: iso(T0 + 5),
    context: { id: 'ctx1', parent_id: null, user_id: null },
  });
  const temp = mirror.get('sensor.temp')!;
  assert.deepEqual(temp.attributes, {}, 'missing attributes are an empty object');
  assert.equal(temp.last_updated, iso(T0), 'no lu: last_updated is last_changed');
  assert.deepEqual(temp.context, { id: 'ctx2', parent_id: 'p', user_id: null });
  assert.deepEqual(
    changes().map((c) => [c.entity_id, c.old_state, c.new_state?.state]),
    [
      ['light.kitchen', null, 'on'],
      ['sensor.temp', null, '21.5'],
    ],
  );
  assert.equal(log.at(-1), 'snapshot', 'the snapshot is announced after its changes');
  assert.deepEqual(ignored, []);
});

test('additions after the snapshot: a new entity, and a known one replaced (old state given)', () => {
  const { mirror, changes, log } = synced();
  const before = mirror.get('light.hall');
  mirror.apply({ a: { 'switch.fan': light('off'), 'light.hall': light('on', {}, T0 + 60) } });
  assert.equal(mirror.size, 3);
  const [fan, hall] = changes();
  assert.equal(fan.entity_id, 'switch.fan');
  assert.equal(fan.old_state, null);
  assert.equal(hall.old_state, before);
  assert.equal(hall.new_state?.state, 'on');
  assert.equal(mirror.get('light.hall')?.last_changed, iso(T0 + 60));
  assert.ok(!log.includes('snapshot'), 'only the awaited message is a snapshot');
});

test('a change applies the state, merges and removes attributes, stamps times, and leaves the old state untouched', () => {
  const { mirror, changes } = synced();
  const old = mirror.get('light.kitchen')!;
  const oldAttributes = { ...old.attributes };
  mirror.apply({
    c: { 'light.kitchen': { '+': { s: 'off', a: { color_mode: 'hs' }, c: 'ctx9', lc: T0 + 10 }, '-': { a: ['brightness'] } } },
  });
  const now = mirror.get('light.kitchen')!;
  assert.equal(now.state, 'off');
  assert.deepEqual(now.attributes, { friendly_name: 'Kitchen', color_mode: 'hs' });
  assert.equal(now.last_changed, iso(T0 + 10));
  assert.equal(now.last_updated, iso(T0 + 10));
  assert.deepEqual(now.context, { id: 'ctx9', parent_id: null, user_id: null });
  assert.deepEqual(old.attributes, oldAttributes, 'the previous state object is not mutated');
  assert.equal(old.state, 'on');
  const [c] = changes();
  assert.equal(c.old_state, old);
  assert.equal(c.new_state, now);
});

test('an attribute-only change keeps state and last_changed; lu moves last_updated only; a context object merges', () => {
  const { mirror } = synced();
  mirror.apply({ c: { 'light.kitchen': { '+': { a: { brightness: 10 }, lu: T0 + 30, c: { user_id: 'u1' } } } } });
  const now = mirror.get('light.kitchen')!;
  assert.equal(now.state, 'on');
  assert.equal(now.attributes.brightness, 10);
  assert.equal(now.attributes.friendly_name, 'Kitchen');
  assert.equal(now.last_changed, iso(T0));
  assert.equal(now.last_updated, iso(T0 + 30));
  assert.deepEqual(now.context, { id: `ctx-on-${T0}`, parent_id: null, user_id: 'u1' });
});

test('removal tells the old state and drops the entity; removing an unknown entity changes nothing', () => {
  const { mirror, changes, ignored } = synced();
  const old = mirror.get('light.hall');
  mirror.apply({ r: ['light.hall', 'light.never_seen'] });
  assert.equal(mirror.get('light.hall'), undefined);
  assert.equal(mirror.size, 1);
  assert.deepEqual(changes(), [{ entity_id: 'light.hall', old_state: old, new_state: null }]);
  assert.deepEqual(ignored, [], 'an entity that is already gone is not an error');
});

test('a rename (new id added, old id removed in one message) leaves only the new id', () => {
  const { mirror, changes } = synced();
  mirror.apply({ a: { 'light.cooking_area': light('on', { friendly_name: 'Kitchen' }) }, r: ['light.kitchen'] });
  assert.equal(mirror.get('light.kitchen'), undefined);
  assert.equal(mirror.get('light.cooking_area')?.state, 'on');
  assert.deepEqual(
    changes().map((c) => [c.entity_id, c.old_state?.state ?? null, c.new_state?.state ?? null]),
    [
      ['light.cooking_area', null, 'on'],
      ['light.kitchen', 'on', null],
    ],
  );
});

test('a resnapshot is diffed: removals while away are told, re-stamped but equal states are not', () => {
  const { mirror, changes, log } = synced();
  const held = mirror.states();
  mirror.expectSnapshot();
  mirror.apply({
    a: {
      // same state and attributes, new timestamps (a restarted HA re-stamps everything)
      'light.kitchen': light('on', { brightness: 200, friendly_name: 'Kitchen' }, T0 + 100),
      'switch.fan': light('on'),
    },
  });
  assert.deepEqual(
    changes().map((c) => [c.entity_id, c.old_state?.state ?? null, c.new_state?.state ?? null]),
    [
      ['switch.fan', null, 'on'],
      ['light.hall', 'off', null],
    ],
  );
  assert.equal(log.at(-1), 'snapshot');
  assert.equal(mirror.get('light.kitchen')?.last_changed, iso(T0 + 100), 'the new timestamps are kept all the same');
  assert.equal(mirror.get('light.hall'), undefined);
  assert.notEqual(mirror.states(), held, 'a snapshot replaces the map: states() gives the current one');
  assert.ok(held.has('light.hall'));
});

test('a resnapshot with only an attribute changed tells that change', () => {
  const { mirror, changes } = synced();
  mirror.expectSnapshot();
  mirror.apply({ a: { 'light.kitchen': light('on', { brightness: 50, friendly_name: 'Kitchen' }), 'light.hall': light('off') } });
  assert.deepEqual(
    changes().map((c) => c.entity_id),
    ['light.kitchen'],
  );
});

test('a snapshot message that also carries removals and changes applies them after the snapshot is announced', () => {
  const { mirror, log } = recorded();
  mirror.expectSnapshot();
  mirror.apply({ a: { 'light.a': light('on'), 'light.b': light('on') }, r: ['light.a'], c: { 'light.b': { '+': { s: 'off' } } } });
  assert.deepEqual(
    log.map((x) => (x === 'snapshot' ? x : `${x.entity_id}:${x.new_state?.state ?? 'gone'}`)),
    ['light.a:on', 'light.b:on', 'snapshot', 'light.a:gone', 'light.b:off'],
  );
  assert.deepEqual([...mirror.states().keys()], ['light.b']);
});

test('out of order: a change before its entity is known is ignored with a reason, and the entity works once added', () => {
  const { mirror, changes, ignored } = synced();
  mirror.apply({ c: { 'sensor.late': { '+': { s: '5' } } } });
  assert.equal(mirror.get('sensor.late'), undefined);
  assert.deepEqual(changes(), []);
  assert.deepEqual(ignored, [{ entityId: 'sensor.late', reason: 'state change for an entity not in the mirror' }]);
  mirror.apply({ a: { 'sensor.late': light('4') } });
  mirror.apply({ c: { 'sensor.late': { '+': { s: '5' } } } });
  assert.equal(mirror.get('sensor.late')?.state, '5');
});

test('out of order: changes arriving before the awaited snapshot apply to what is known; the snapshot still counts', () => {
  const { mirror, log } = synced();
  mirror.expectSnapshot();
  mirror.apply({ c: { 'light.hall': { '+': { s: 'on' } } } });
  assert.equal(mirror.get('light.hall')?.state, 'on');
  assert.ok(!log.includes('snapshot'));
  mirror.apply({ a: { 'light.hall': light('off') } });
  assert.equal(log.at(-1), 'snapshot');
  assert.equal(mirror.get('light.kitchen'), undefined, 'the snapshot is the full truth');
});

test('malformed messages are ignored with a reason, never thrown', () => {
  const { mirror, changes, ignored } = synced();
  for (const bad of [null, undefined, 'text', 42, [1, 2]]) assert.doesNotThrow(() => mirror.apply(bad));
  assert.equal(ignored.length, 5);
  assert.ok(ignored.every((i) => i.entityId === null && /not an object/.test(i.reason)));
  ignored.length = 0;
  mirror.apply({ a: ['light.x'], r: 'light.kitchen', c: 7 });
  assert.deepEqual(
    ignored.map((i) => i.reason),
    [
      '"a" of a subscribe_entities message is not an object',
      '"c" of a subscribe_entities message is not an object',
      '"r" of a subscribe_entities message is not a list',
    ],
  );
  assert.equal(mirror.size, 2);
  assert.deepEqual(changes(), []);
});

test('a malformed entity is skipped with a reason naming the field; the rest of the message is applied', () => {
  const { mirror, changes, ignored } = synced();
  mirror.apply({
    a: {
      'light.no_state': { a: {}, c: 'x', lc: T0 },
      'light.bad_time': { s: 'on', a: {}, c: 'x', lc: 'yesterday' },
      'light.far_time': { s: 'on', a: {}, c: 'x', lc: 1e300 },
      'light.bad_attrs': { s: 'on', a: 'bright', c: 'x', lc: T0 },
      'light.bad_context': { s: 'on', a: {}, c: 5, lc: T0 },
      'light.not_an_object': null,
      'light.good': light('on'),
    },
    r: [42, 'light.hall'],
    c: {
      'light.kitchen': { '+': { s: 3 } },
      'light.good': { '-': { a: 'brightness' } },
    },
  });
  assert.deepEqual(
    ignored.map((i) => [i.entityId, i.reason]),
    [
      ['light.no_state', 'an added state is malformed: its state ("s") is not a string'],
      ['light.bad_time', 'an added state is malformed: its last_changed ("lc") is not a time in seconds'],
      ['light.far_time', 'an added state is malformed: its last_changed ("lc") is not a time in seconds'],
      ['light.bad_attrs', 'an added state is malformed: its attributes ("a") are not an object'],
      ['light.bad_context', 'an added state is malformed: its context ("c") is neither an id nor an object'],
      ['light.not_an_object', 'an added state is malformed: the state is not an object'],
      [null, 'a removed entity id is not a string: 42'],
      ['light.kitchen', 'a state change is malformed: its new state ("+.s") is not a string'],
      ['light.good', 'a state change is malformed: its removed attributes ("-.a") are not a list of names'],
    ],
  );
  assert.deepEqual(
    changes().map((c) => [c.entity_id, c.new_state?.state ?? null]),
    [
      ['light.good', 'on'],
      ['light.hall', null],
    ],
  );
  assert.equal(mirror.get('light.kitchen')?.state, 'on', 'a rejected change leaves the entity as it was');
  assert.equal(mirror.get('light.no_state'), undefined);
});

test('a malformed change is not applied halfway', () => {
  const { mirror, ignored } = synced();
  const before = mirror.get('light.kitchen');
  for (const diff of [
    'off',
    { '+': 'off' },
    { '+': { s: 'off', lc: 'soon' } },
    { '+': { s: 'off', lu: 'later' } },
    { '+': { s: 'off', a: [1] } },
    { '+': { s: 'off', c: 12 } },
    { '-': ['brightness'] },
  ])
    mirror.apply({ c: { 'light.kitchen': diff } });
  assert.equal(ignored.length, 7);
  assert.ok(ignored.every((i) => i.entityId === 'light.kitchen' && i.reason.startsWith('a state change is malformed: ')));
  assert.equal(mirror.get('light.kitchen'), before);
});

test('a malformed entry in a resnapshot keeps the entity as it was instead of telling a removal', () => {
  const { mirror, changes, ignored, log } = synced();
  const hall = mirror.get('light.hall');
  mirror.expectSnapshot();
  mirror.apply({ a: { 'light.kitchen': light('on', { brightness: 200, friendly_name: 'Kitchen' }), 'light.hall': { s: 'on' } } });
  assert.equal(mirror.get('light.hall'), hall);
  assert.deepEqual(changes(), []);
  assert.equal(log.at(-1), 'snapshot');
  assert.deepEqual(ignored, [
    {
      entityId: 'light.hall',
      reason: 'a snapshot state is malformed: its last_changed ("lc") is not a time in seconds; kept its previous state',
    },
  ]);
});

test('a mirror without the optional hooks still ignores bad input quietly', () => {
  const changes: HassStateChange[] = [];
  const mirror = new EntityMirror({ change: (c) => changes.push(c) });
  mirror.expectSnapshot();
  assert.doesNotThrow(() => mirror.apply({ a: { 'light.x': { s: 1 }, 'light.y': light('on') }, c: { 'light.z': {} } }));
  assert.deepEqual(
    changes.map((c) => c.entity_id),
    ['light.y'],
  );
});

test('registries: replaced whole at a sync, one kind at a time on an update; each mirror has its own', () => {
  const a = new EntityMirror({ change: () => undefined });
  const b = new EntityMirror({ change: () => undefined });
  assert.deepEqual(a.registries(), { areas: [], floors: [], devices: [], entities: [] });
  assert.notEqual(a.registries(), b.registries());
  const area = { area_id: 'kitchen', name: 'Kitchen', floor_id: null, aliases: [] };
  const floor = { floor_id: 'ground', name: 'Ground', level: 0, aliases: [] };
  a.setRegistries({ areas: [area], floors: [floor], devices: [], entities: [] });
  const before = a.registries();
  const hall = { area_id: 'hall', name: 'Hall', floor_id: 'ground', aliases: ['entry'] };
  a.setRegistry('areas', [area, hall]);
  assert.deepEqual(a.registries().areas, [area, hall]);
  assert.deepEqual(a.registries().floors, [floor], 'the other registries are kept');
  assert.deepEqual(before.areas, [area], 'an update makes a new registries object; one held earlier is unchanged');
  assert.deepEqual(b.registries().areas, []);
});
