// Rule evaluation cost per event at 10, 1,000 and 10,000 rules: indexed by trigger, it should stay flat.
// Run: node --import tsx bench/rules.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionRegistry } from '../src/actions/registry';
import { Bus } from '../src/bus/bus';
import { silentLogger } from '../src/log';
import { openDatabase } from '../src/store/db';
import { RuleEngine } from '../src/brain/rules/engine';
import type { ActionExecutor } from '../src/actions/types';
import type { ButlerEvent, JsonObject } from '../src/types';

async function measure(ruleCount: number): Promise<{ rules: number; perEventUs: number; runs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rules-'));
  const db = openDatabase(join(dir, 'b.db'));
  const registry = new ActionRegistry();
  registry.register({ name: 'noop', description: 'nothing', params: { type: 'object' }, risk: 'safe', handler: async () => null });
  let runs = 0;
  const door: ActionExecutor = { execute: async () => ({ plan_id: 'p', policy: 'allow', results: [] }) };
  const engine = new RuleEngine({
    bus: new Bus(),
    door,
    registry,
    db,
    log: silentLogger(),
    modes: { mode: 'home', privacy: false },
    ha: { getState: () => undefined, states: () => new Map() },
    ingest: {
      emit: (type: string, source: string, payload: JsonObject = {}) => ({
        event_id: 'e',
        ts: 0,
        source,
        type,
        payload,
        severity: 0,
        correlation_id: null,
      }),
    },
  });
  const rules = Array.from({ length: ruleCount }, (_, i) => ({
    id: `r${i}`,
    mode: 'parallel',
    max_runs: 100,
    triggers: [i % 2 ? { kind: 'event', type: `type_${i}` } : { kind: 'state', entity_id: `sensor.s_${i}`, to: 'on' }],
    actions: [{ action_type: 'noop' }],
  }));
  for (let i = 0; i < rules.length; i += 1000) engine.import(rules.slice(i, i + 1000));
  engine.start();
  const N = 200_000;
  const types = ['type_1', 'unmatched_a', 'unmatched_b', 'unmatched_c'];
  const events: ButlerEvent[] = types.map((type) => ({
    event_id: 'x',
    ts: 0,
    source: 'api',
    type,
    payload: {},
    severity: 0,
    correlation_id: null,
  }));
  for (let i = 0; i < 10_000; i++) engine.handleEvent(events[i % events.length]);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    engine.handleEvent(events[i % events.length]);
    if (i % 4 === 0) engine.handleState({ entity_id: 'sensor.s_0', old_state: null, new_state: null });
  }
  const ns = Number(process.hrtime.bigint() - t0);
  runs = engine.stats.runs;
  await engine.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { rules: ruleCount, perEventUs: ns / 1000 / (N * 1.25), runs };
}

async function main(): Promise<void> {
  for (const n of [10, 1000, 10_000]) {
    const r = await measure(n);
    console.log(`${String(r.rules).padStart(6)} rules: ${r.perEventUs.toFixed(3)} µs per event (${r.runs} runs started)`);
  }
}

void main();
