// The matching the palette nodes share: glob lists and state-change triggers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globList, stateTrigger } from '../src/flows/match';
import type { HassStateChange } from '../src/ha/types';

const change = (entity_id: string, from: string | null, to: string | null): HassStateChange =>
  ({
    entity_id,
    old_state: from === null ? null : { entity_id, state: from, attributes: {} },
    new_state: to === null ? null : { entity_id, state: to, attributes: {} },
  }) as HassStateChange;

test('glob lists: commas, spaces, * for any run, everything else literal; empty matches all', () => {
  const ok = globList(' motion.* , door.opened ');
  assert.ok(ok('motion.kitchen') && ok('door.opened'));
  assert.ok(!ok('door.openedx') && !ok('xmotion.kitchen'));
  assert.ok(!globList('a.b')('axb'), 'a dot is a dot');
  assert.ok(globList('(x)+[y]')('(x)+[y]'), 'regex characters are literal');
  assert.ok(globList('')('anything') && globList(undefined)('anything'));
});

test('a state trigger fires on a state change of a matching entity, from and to as asked, never on attributes alone', () => {
  const any = stateTrigger({ entity: 'light.*' });
  assert.ok(any(change('light.kitchen', 'off', 'on')));
  assert.ok(!any(change('switch.kitchen', 'off', 'on')), 'another domain');
  assert.ok(!any(change('light.kitchen', 'on', 'on')), 'attributes only');
  assert.ok(any(change('light.kitchen', null, 'on')), 'a new entity');
  const toOn = stateTrigger({ entity: 'light.kitchen, light.hall', from: 'off', to: 'on' });
  assert.ok(toOn(change('light.hall', 'off', 'on')));
  assert.ok(!toOn(change('light.hall', 'unavailable', 'on')), 'from another state');
  assert.ok(!toOn(change('light.hall', 'on', 'off')), 'to another state');
  // compiled once, tested many times: the same answers every time
  for (let i = 0; i < 3; i++) assert.ok(toOn(change('light.kitchen', 'off', 'on')));
});
