// The rule engine: rules indexed by what can trigger them (event type, entity, MQTT topic, clock) so one event costs
// a map lookup, not a scan of every rule. Every run acts through the door; rules live in SQLite.
import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { eq } from 'drizzle-orm';
import type { MqttClient } from 'mqtt';
import { parse as parseYaml } from 'yaml';
import type { HassState, HassStateChange } from '../../ha/types';
import { rules as rulesTable } from '../../store/schema/brain';
import { nowSeconds, type ActionRequest, type ButlerEvent, type JsonObject } from '../../types';
import { evaluateAll, inRange, numericValue, stateMatches, type ConditionContext } from './conditions';
import { abortableSleep, isTrustedSource, parseClock, parseDuration, type BrainDeps } from './deps';
import { RuleValidationError, validateRule, type Rule, type RuleStep, type Trigger } from './schema';

export class RuleNotFoundError extends Error {}
export class RuleConflictError extends Error {}

export interface RuleRunInfo {
  ts: number;
  trigger: string;
  event_id: string | null;
  status: 'running' | 'ok' | 'error' | 'aborted';
  plan_ids: string[];
  error?: string;
}

export interface RuleInfo {
  id: string;
  name: string;
  enabled: boolean;
  /** invalid: stored but not loadable (e.g. an action it names is not registered); `errors` says why. */
  status: 'ok' | 'invalid';
  errors?: string[];
  rule: Rule | null;
  run_count: number;
  last_run_ts: number | null;
  running: number;
  queued: number;
  last_run: RuleRunInfo | null;
}

interface TriggerRef {
  c: Compiled;
  index: number;
  trigger: Trigger;
}

interface Fire {
  label: string;
  /** Records the butler event the run links to (lazily: only when the rule really runs). */
  event: () => { event_id: string | null; trusted: boolean };
}

interface Compiled {
  rule: Rule;
  runs: Set<AbortController>;
  queue: Fire[];
  lastStart: number;
  runCount: number;
  lastRunTs: number | null;
  lastRun: RuleRunInfo | null;
  crons: Cron[];
}

/** MQTT topic filter match (+ and # wildcards). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function stateValue(s: HassState | null | undefined, attribute?: string): unknown {
  if (!s) return undefined;
  return attribute ? s.attributes[attribute] : s.state;
}

function addTo<K>(map: Map<K, Set<TriggerRef>>, key: K, ref: TriggerRef): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(ref);
}

function removeFrom<K>(map: Map<K, Set<TriggerRef>>, key: K, c: Compiled): void {
  const set = map.get(key);
  if (!set) return;
  for (const r of set) if (r.c === c) set.delete(r);
  if (set.size === 0) map.delete(key);
}

/** Parses a YAML or JSON document (YAML is a superset of JSON); throws RuleValidationError on a broken document. */
export function parseRuleDocument(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new RuleValidationError([`document: ${(err as Error).message.split('\n')[0]}`]);
  }
}

export class RuleEngine {
  private readonly compiled = new Map<string, Compiled>();
  private readonly invalid = new Map<string, { name: string; enabled: boolean; errors: string[]; definition: string }>();
  private readonly byEventType = new Map<string, Set<TriggerRef>>();
  private readonly byEntity = new Map<string, Set<TriggerRef>>();
  private readonly byTopic = new Map<string, Set<TriggerRef>>();
  private readonly forTimers = new Map<string, NodeJS.Timeout>();
  private mqttClient: MqttClient | null = null;
  private readonly onMqttMessage = (topic: string, payload: Buffer) => this.handleMqtt(topic, payload);
  private readonly onMqttConnect = () => this.subscribeAll();
  private started = false;
  private stopRegistryWatch: (() => void) | null = null;
  private readonly changeListeners = new Set<() => void>();
  readonly stats = { events: 0, matched: 0, runs: 0, skipped: 0, errors: 0 };
  /** The clock conditions use (tests may pin it). */
  now: () => Date = () => new Date();

  constructor(private readonly deps: BrainDeps) {}

  /** Loads every stored rule; a rule that no longer validates is kept as invalid, never crashes the load. */
  load(): void {
    const rows = this.deps.db.db.select().from(rulesTable).all();
    for (const row of rows) this.loadRow(row);
  }

  private loadRow(row: typeof rulesTable.$inferSelect): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.definition);
    } catch (err) {
      this.invalid.set(row.id, {
        name: row.name,
        enabled: row.enabled,
        errors: [`stored definition is not JSON: ${(err as Error).message}`],
        definition: row.definition,
      });
      return;
    }
    try {
      const rule = validateRule(parsed, this.deps.registry, () => row.id);
      rule.id = row.id;
      this.invalid.delete(row.id);
      this.install(rule, { runCount: row.run_count, lastRunTs: row.last_run_ts });
    } catch (err) {
      const errors = err instanceof RuleValidationError ? err.details : [(err as Error).message];
      this.invalid.set(row.id, { name: row.name, enabled: row.enabled, errors, definition: row.definition });
      this.deps.log.warn({ rule: row.id, errors }, 'a stored rule is invalid; it stays off until fixed');
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.deps.bus.on('event', (e) => this.handleEvent(e), 'rules');
    this.deps.bus.on('ha_state', (c) => this.handleState(c), 'rules');
    for (const c of this.compiled.values()) this.startClock(c);
    // Actions declared later (flows, drivers) can make an invalid stored rule valid.
    this.stopRegistryWatch = this.deps.registry.onChange(() => this.retryInvalid());
    const client = this.deps.mqtt?.();
    if (client) this.attachMqtt(client);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.bus.removeOwner('rules');
    this.stopRegistryWatch?.();
    for (const t of this.forTimers.values()) clearTimeout(t);
    this.forTimers.clear();
    for (const c of this.compiled.values()) {
      for (const cron of c.crons) cron.stop();
      c.crons = [];
      c.queue = [];
      for (const run of c.runs) run.abort();
    }
    if (this.mqttClient) {
      this.mqttClient.removeListener('message', this.onMqttMessage);
      this.mqttClient.removeListener('connect', this.onMqttConnect);
      this.mqttClient = null;
    }
  }

  /** Connects MQTT topic triggers (the butler's MQTT client connects after the brain starts). */
  attachMqtt(client: MqttClient): void {
    if (this.mqttClient === client) return;
    if (this.mqttClient) {
      this.mqttClient.removeListener('message', this.onMqttMessage);
      this.mqttClient.removeListener('connect', this.onMqttConnect);
    }
    this.mqttClient = client;
    client.on('message', this.onMqttMessage);
    client.on('connect', this.onMqttConnect);
    this.subscribeAll();
  }

  private subscribeAll(): void {
    if (!this.mqttClient || this.byTopic.size === 0) return;
    this.mqttClient.subscribe([...this.byTopic.keys()], { qos: 1 }, (err) => {
      if (err) this.deps.log.warn({ err: err.message }, 'subscribing to rule topics failed');
    });
  }

  onChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  private changed(): void {
    for (const fn of this.changeListeners) {
      try {
        fn();
      } catch (err) {
        this.deps.log.warn({ err }, 'rule change listener failed');
      }
    }
  }

  // ---- queries ----

  list(): RuleInfo[] {
    const ids = [...new Set([...this.compiled.keys(), ...this.invalid.keys()])].sort();
    return ids.map((id) => this.get(id)!);
  }

  get(id: string): RuleInfo | null {
    const c = this.compiled.get(id);
    if (c) {
      return {
        id,
        name: c.rule.name,
        enabled: c.rule.enabled,
        status: 'ok',
        rule: c.rule,
        run_count: c.runCount,
        last_run_ts: c.lastRunTs,
        running: c.runs.size,
        queued: c.queue.length,
        last_run: c.lastRun,
      };
    }
    const bad = this.invalid.get(id);
    if (!bad) return null;
    return {
      id,
      name: bad.name,
      enabled: bad.enabled,
      status: 'invalid',
      errors: bad.errors,
      rule: null,
      run_count: 0,
      last_run_ts: null,
      running: 0,
      queued: 0,
      last_run: null,
    };
  }

  has(id: string): boolean {
    return this.compiled.has(id) || this.invalid.has(id);
  }

  /** How many triggers of each kind are indexed (for the bench and /api/health). */
  indexSizes(): { event_types: number; entities: number; topics: number; rules: number } {
    return { event_types: this.byEventType.size, entities: this.byEntity.size, topics: this.byTopic.size, rules: this.compiled.size };
  }

  // ---- changes ----

  validate(input: unknown): Rule {
    return validateRule(input, this.deps.registry, () => `rule_${randomUUID().slice(0, 8)}`);
  }

  /** Adds a new rule; throws RuleConflictError if its id exists. */
  create(input: unknown): Rule {
    const rule = this.validate(input);
    if (this.has(rule.id)) throw new RuleConflictError(`a rule with id "${rule.id}" exists: use PUT /api/rules/${rule.id} to change it`);
    this.persist([rule]);
    return rule;
  }

  /** Replaces the rule `id` (the body's id, if any, must match). */
  update(id: string, input: unknown): Rule {
    if (!this.has(id)) throw new RuleNotFoundError(`no rule with id "${id}"`);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      const given = (input as { id?: unknown }).id;
      if (given !== undefined && given !== id)
        throw new RuleValidationError([`/id: "${String(given)}" does not match the rule being changed ("${id}")`]);
      input = { ...input, id };
    }
    const rule = this.validate(input);
    this.persist([rule]);
    return rule;
  }

  remove(id: string): boolean {
    if (!this.has(id)) return false;
    this.deps.db.db.delete(rulesTable).where(eq(rulesTable.id, id)).run();
    this.uninstall(id);
    this.invalid.delete(id);
    this.changed();
    return true;
  }

  setEnabled(id: string, enabled: boolean): Rule {
    const c = this.compiled.get(id);
    if (!c) throw new RuleNotFoundError(`no valid rule with id "${id}"`);
    return this.update(id, { ...c.rule, enabled });
  }

  /**
   * Imports a document of several rules (YAML or JSON text, or already parsed: a list, `{rules: [...]}` or one rule).
   * All or nothing: any invalid rule rejects the whole document with every error listed.
   */
  import(document: unknown): Rule[] {
    const parsed = typeof document === 'string' ? parseRuleDocument(document) : document;
    let items: unknown[];
    let base: string;
    if (Array.isArray(parsed)) [items, base] = [parsed, ''];
    else if (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { rules?: unknown }).rules))
      [items, base] = [(parsed as { rules: unknown[] }).rules, '/rules'];
    else if (typeof parsed === 'object' && parsed !== null && 'triggers' in parsed) [items, base] = [[parsed], ''];
    else throw new RuleValidationError(['document: expected a list of rules, {rules: [...]} or a single rule']);
    if (items.length === 0) throw new RuleValidationError(['document: contains no rules']);
    if (items.length > 1000) throw new RuleValidationError([`document: ${items.length} rules is more than the 1000 accepted at once`]);
    const errors: string[] = [];
    const out: Rule[] = [];
    const ids = new Map<string, number>();
    items.forEach((item, i) => {
      const prefix = `${base}/${i}`;
      try {
        const rule = validateRule(item, this.deps.registry, () => `rule_${randomUUID().slice(0, 8)}`, prefix);
        if (ids.has(rule.id)) errors.push(`${prefix}/id: "${rule.id}" is also used by ${base}/${ids.get(rule.id)}`);
        ids.set(rule.id, i);
        out.push(rule);
      } catch (err) {
        errors.push(...(err instanceof RuleValidationError ? err.details : [`${prefix}: ${(err as Error).message}`]));
      }
    });
    if (errors.length) throw new RuleValidationError(errors);
    this.persist(out);
    return out;
  }

  private persist(list: Rule[]): void {
    const ts = nowSeconds();
    const sqlite = this.deps.db.sqlite;
    sqlite.transaction(() => {
      for (const rule of list) {
        this.deps.db.db
          .insert(rulesTable)
          .values({ id: rule.id, name: rule.name, enabled: rule.enabled, definition: JSON.stringify(rule), created_ts: ts, updated_ts: ts })
          .onConflictDoUpdate({
            target: rulesTable.id,
            set: { name: rule.name, enabled: rule.enabled, definition: JSON.stringify(rule), updated_ts: ts },
          })
          .run();
      }
    })();
    for (const rule of list) {
      const old = this.compiled.get(rule.id);
      const counters = old ? { runCount: old.runCount, lastRunTs: old.lastRunTs, lastRun: old.lastRun } : { runCount: 0, lastRunTs: null };
      this.uninstall(rule.id);
      this.invalid.delete(rule.id);
      this.install(rule, counters);
    }
    this.changed();
  }

  private retryInvalid(): void {
    if (this.invalid.size === 0) return;
    const rows = this.deps.db.db
      .select()
      .from(rulesTable)
      .all()
      .filter((r) => this.invalid.has(r.id));
    for (const row of rows) this.loadRow(row);
  }

  private install(rule: Rule, counters: { runCount: number; lastRunTs: number | null; lastRun?: RuleRunInfo | null }): void {
    const c: Compiled = {
      rule,
      runs: new Set(),
      queue: [],
      lastStart: 0,
      runCount: counters.runCount,
      lastRunTs: counters.lastRunTs,
      lastRun: counters.lastRun ?? null,
      crons: [],
    };
    this.compiled.set(rule.id, c);
    if (!rule.enabled) return;
    const newTopics: string[] = [];
    rule.triggers.forEach((trigger, index) => {
      const ref: TriggerRef = { c, index, trigger };
      if (trigger.kind === 'event') addTo(this.byEventType, trigger.type, ref);
      else if (trigger.kind === 'state' || trigger.kind === 'numeric_state') addTo(this.byEntity, trigger.entity_id, ref);
      else if (trigger.kind === 'mqtt') {
        if (!this.byTopic.has(trigger.topic)) newTopics.push(trigger.topic);
        addTo(this.byTopic, trigger.topic, ref);
      }
    });
    if (newTopics.length && this.mqttClient) this.mqttClient.subscribe(newTopics, { qos: 1 });
    if (this.started) this.startClock(c);
  }

  private startClock(c: Compiled): void {
    if (!c.rule.enabled || c.crons.length) return;
    c.rule.triggers.forEach((t, index) => {
      let pattern: string;
      let label: string;
      if (t.kind === 'cron') [pattern, label] = [t.cron, `cron ${t.cron}`];
      else if (t.kind === 'time') {
        const s = parseClock(t.at)!;
        [pattern, label] = [`${s % 60} ${Math.floor(s / 60) % 60} ${Math.floor(s / 3600)} * * *`, `time ${t.at}`];
      } else return;
      c.crons.push(
        new Cron(pattern, { catch: (err) => this.deps.log.warn({ err, rule: c.rule.id }, 'clock trigger failed') }, () => {
          this.fire(c, {
            label,
            event: () => ({
              event_id: this.deps.ingest.emit('rule.clock', 'rule', { rule_id: c.rule.id, trigger: index, at: label }).event_id,
              trusted: true,
            }),
          });
        }),
      );
    });
  }

  private uninstall(id: string): void {
    const c = this.compiled.get(id);
    if (!c) return;
    this.compiled.delete(id);
    for (const cron of c.crons) cron.stop();
    c.queue = [];
    for (const run of c.runs) run.abort();
    const goneTopics: string[] = [];
    c.rule.triggers.forEach((t, index) => {
      if (t.kind === 'event') removeFrom(this.byEventType, t.type, c);
      else if (t.kind === 'state' || t.kind === 'numeric_state') {
        removeFrom(this.byEntity, t.entity_id, c);
        this.cancelTimer(`${id}#${index}`);
      } else if (t.kind === 'mqtt') {
        removeFrom(this.byTopic, t.topic, c);
        if (!this.byTopic.has(t.topic)) goneTopics.push(t.topic);
      }
    });
    if (goneTopics.length && this.mqttClient) this.mqttClient.unsubscribe(goneTopics);
  }

  // ---- triggers ----

  /** One map lookup per event, whatever the number of rules. */
  handleEvent(e: ButlerEvent): void {
    this.stats.events++;
    if (!this.mqttClient && this.deps.mqtt && this.byTopic.size) {
      const client = this.deps.mqtt();
      if (client) this.attachMqtt(client);
    }
    const refs = this.byEventType.get(e.type);
    if (!refs) return;
    for (const ref of refs) {
      const t = ref.trigger as Extract<Trigger, { kind: 'event' }>;
      if (t.source !== undefined && t.source !== e.source) continue;
      if (t.payload && !Object.entries(t.payload).every(([k, v]) => jsonEqual(e.payload[k], v))) continue;
      this.fire(ref.c, { label: `event ${e.type}`, event: () => ({ event_id: e.event_id, trusted: isTrustedSource(e.source) }) });
    }
  }

  handleState(change: HassStateChange): void {
    this.stats.events++;
    const refs = this.byEntity.get(change.entity_id);
    if (!refs) return;
    for (const ref of refs) {
      const key = `${ref.c.rule.id}#${ref.index}`;
      const t = ref.trigger;
      if (t.kind === 'state') {
        const before = stateValue(change.old_state, t.attribute);
        const after = stateValue(change.new_state, t.attribute);
        if (jsonEqual(before, after)) continue; // attribute-only update: not a change of what this trigger watches
        const matches = stateMatches(before, t.from) && stateMatches(after, t.to);
        const holdMs = t.for !== undefined ? parseDuration(t.for) : null;
        if (holdMs === null) {
          if (matches) this.fireState(ref, change);
          continue;
        }
        // `for`: the state has to stay; any change away from it cancels the wait.
        if (this.forTimers.has(key) && (t.to === undefined || !stateMatches(after, t.to))) this.cancelTimer(key);
        if (matches && !this.forTimers.has(key))
          this.startTimer(key, holdMs, ref, change, () =>
            stateMatches(stateValue(this.deps.ha.getState(t.entity_id), t.attribute), t.to ?? String(after)),
          );
      } else if (t.kind === 'numeric_state') {
        const wasIn = inRange(numericValue(stateValue(change.old_state, t.attribute)), t.above, t.below);
        const isIn = inRange(numericValue(stateValue(change.new_state, t.attribute)), t.above, t.below);
        const holdMs = t.for !== undefined ? parseDuration(t.for) : null;
        if (!isIn) {
          this.cancelTimer(key);
          continue;
        }
        if (wasIn) continue;
        if (holdMs === null) this.fireState(ref, change);
        else if (!this.forTimers.has(key))
          this.startTimer(key, holdMs, ref, change, () =>
            inRange(numericValue(stateValue(this.deps.ha.getState(t.entity_id), t.attribute)), t.above, t.below),
          );
      }
    }
  }

  /** Pending `for` waits (tests and the API can see them). */
  pendingTimers(): string[] {
    return [...this.forTimers.keys()];
  }

  private startTimer(key: string, ms: number, ref: TriggerRef, change: HassStateChange, stillHolds: () => boolean): void {
    const timer = setTimeout(() => {
      this.forTimers.delete(key);
      if (!this.compiled.has(ref.c.rule.id) || !stillHolds()) return;
      this.fireState(ref, change);
    }, ms);
    timer.unref?.();
    this.forTimers.set(key, timer);
  }

  private cancelTimer(key: string): void {
    const t = this.forTimers.get(key);
    if (t) {
      clearTimeout(t);
      this.forTimers.delete(key);
    }
  }

  private fireState(ref: TriggerRef, change: HassStateChange): void {
    this.fire(ref.c, {
      label: `${ref.trigger.kind} ${change.entity_id}`,
      event: () => {
        const e = this.deps.ingest.emit('ha.state_changed', 'ha', {
          entity_id: change.entity_id,
          from: change.old_state?.state ?? null,
          to: change.new_state?.state ?? null,
          rule_id: ref.c.rule.id,
        });
        return { event_id: e.event_id, trusted: true };
      },
    });
  }

  private handleMqtt(topic: string, payload: Buffer): void {
    this.stats.events++;
    const hits: TriggerRef[] = [];
    const exact = this.byTopic.get(topic);
    if (exact) hits.push(...exact);
    // Wildcard filters are few; exact topics are looked up directly.
    for (const [filter, refs] of this.byTopic)
      if (filter !== topic && (filter.includes('+') || filter.includes('#')) && topicMatches(filter, topic)) hits.push(...refs);
    if (!hits.length) return;
    const text = payload.subarray(0, 4096).toString('utf8');
    let recorded: string | null = null;
    for (const ref of hits) {
      const t = ref.trigger as Extract<Trigger, { kind: 'mqtt' }>;
      if (t.payload !== undefined && t.payload !== text) continue;
      this.fire(ref.c, {
        label: `mqtt ${topic}`,
        event: () => {
          recorded ??= this.deps.ingest.emit('mqtt.message', 'mqtt', {
            topic,
            payload: text.slice(0, 1024),
            rule_id: ref.c.rule.id,
          }).event_id;
          // Anyone on the broker can publish: MQTT-triggered runs are untrusted.
          return { event_id: recorded, trusted: false };
        },
      });
    }
  }

  /** Runs a rule now as if triggered (tests, the API's "run" button); conditions still apply unless skipped. */
  trigger(id: string, opts: { skipConditions?: boolean } = {}): boolean {
    const c = this.compiled.get(id);
    if (!c) throw new RuleNotFoundError(`no valid rule with id "${id}"`);
    return this.fire(
      c,
      {
        label: 'manual',
        event: () => ({ event_id: this.deps.ingest.emit('rule.manual', 'rule', { rule_id: id }).event_id, trusted: true }),
      },
      opts.skipConditions,
    );
  }

  // ---- runs ----

  private conditionContext(): ConditionContext {
    return { getState: (id) => this.deps.ha.getState(id), mode: this.deps.modes.mode, privacy: this.deps.modes.privacy, now: this.now() };
  }

  private fire(c: Compiled, fire: Fire, skipConditions = false): boolean {
    if (!c.rule.enabled || !this.compiled.has(c.rule.id)) return false;
    this.stats.matched++;
    try {
      if (!skipConditions && !evaluateAll(c.rule.conditions, this.conditionContext())) return false;
    } catch (err) {
      this.deps.log.warn({ err, rule: c.rule.id }, 'evaluating rule conditions failed');
      return false;
    }
    if (c.rule.cooldown_s > 0 && Date.now() - c.lastStart < c.rule.cooldown_s * 1000) {
      this.stats.skipped++;
      return false;
    }
    const busy = c.runs.size > 0;
    switch (c.rule.mode) {
      case 'single':
        if (busy) {
          this.stats.skipped++;
          return false;
        }
        break;
      case 'restart':
        for (const run of c.runs) run.abort();
        break;
      case 'queued':
        if (busy) {
          if (c.queue.length >= c.rule.max_runs) {
            this.stats.skipped++;
            return false;
          }
          c.queue.push(fire);
          return true;
        }
        break;
      case 'parallel':
        if (c.runs.size >= c.rule.max_runs) {
          this.stats.skipped++;
          return false;
        }
        break;
    }
    void this.run(c, fire);
    return true;
  }

  private async run(c: Compiled, fire: Fire): Promise<void> {
    const controller = new AbortController();
    c.runs.add(controller);
    c.lastStart = Date.now();
    this.stats.runs++;
    let info: RuleRunInfo = { ts: nowSeconds(), trigger: fire.label, event_id: null, status: 'running', plan_ids: [] };
    c.lastRun = info;
    try {
      const { event_id, trusted } = fire.event();
      info.event_id = event_id;
      c.runCount++;
      c.lastRunTs = info.ts;
      try {
        this.deps.db.db.update(rulesTable).set({ run_count: c.runCount, last_run_ts: info.ts }).where(eq(rulesTable.id, c.rule.id)).run();
      } catch (err) {
        this.deps.log.warn({ err, rule: c.rule.id }, 'recording a rule run failed');
      }
      await this.runSteps(c, c.rule.actions, { event_id, trusted, signal: controller.signal, info });
      info = { ...info, status: controller.signal.aborted ? 'aborted' : info.status === 'error' ? 'error' : 'ok' };
    } catch (err) {
      this.stats.errors++;
      info = { ...info, status: controller.signal.aborted ? 'aborted' : 'error', error: (err as Error).message };
      if (!controller.signal.aborted) this.deps.log.warn({ err, rule: c.rule.id }, 'rule run failed');
    } finally {
      c.runs.delete(controller);
      c.lastRun = info;
      const next = c.queue.shift();
      if (next && this.compiled.get(c.rule.id) === c && this.started) void this.run(c, next);
    }
  }

  private async runSteps(
    c: Compiled,
    steps: RuleStep[],
    r: { event_id: string | null; trusted: boolean; signal: AbortSignal; info: RuleRunInfo },
  ): Promise<void> {
    let batch: ActionRequest[] = [];
    const flush = async () => {
      while (batch.length) {
        const actions = batch.slice(0, 20);
        batch = batch.slice(20);
        if (r.signal.aborted) return;
        const out = await this.deps.door.execute({
          actions,
          origin: { source: 'rule', trusted: r.trusted },
          triggered_by_event_id: r.event_id,
          reason: `rule ${c.rule.id}: ${c.rule.name}`,
        });
        r.info.plan_ids.push(out.plan_id);
        const failed = out.results.filter((x) => x.status === 'error' || x.status === 'denied');
        if (failed.length) {
          r.info.status = 'error';
          r.info.error = failed.map((x) => `${x.action_type}: ${x.status}`).join('; ');
        }
      }
    };
    for (const step of steps) {
      if (r.signal.aborted) return;
      if ('action_type' in step) batch.push({ action_type: step.action_type, params: (step.params ?? {}) as JsonObject });
      else if ('delay' in step) {
        await flush();
        await abortableSleep(parseDuration(step.delay) ?? 0, r.signal);
      } else {
        await flush();
        const ctx = this.conditionContext();
        const branch = step.choose.find((b) => evaluateAll(b.conditions, ctx));
        const chosen = branch ? branch.actions : step.default;
        if (chosen) await this.runSteps(c, chosen, r);
      }
    }
    await flush();
  }
}
