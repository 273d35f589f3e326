// The rule engine: rules stored in SQLite (rule-store), set off by events, state changes, MQTT messages and the clock
// (triggers, over trigger-index and timers), every run acting through the door (runner). This class puts the parts
// together and is what the rest of the butler uses.
import type { MqttClient } from 'mqtt';
import type { HassStateChange } from '../../ha/types';
import type { ButlerEvent } from '../../types';
import type { BrainDeps } from './deps';
import { generatedRuleId, rulesFromDocument } from './import-document';
import { decodeStoredRule, RuleStore, type InvalidRule, type StoredRuleRow } from './rule-store';
import { installedRuleInfo, invalidRuleInfo, type RuleInfo } from './rule-info';
import { abortRuns, installedRule, RuleRunner, type Fire, type InstalledRule, type RuleCounters } from './runner';
import { RuleValidationError, validateRule, type Rule } from './schema';
import { RuleTriggers } from './triggers';
import { ConflictError, NotFoundError } from '../../errors';

export { parseRuleDocument } from './import-document';
export type { RuleInfo } from './rule-info';
export type { RuleRunInfo } from './runner';
export { topicMatches } from './trigger-index';

export class RuleEngine {
  private readonly compiled = new Map<string, InstalledRule>();
  private readonly invalid = new Map<string, InvalidRule>();
  private readonly store: RuleStore;
  private readonly runner: RuleRunner;
  private readonly triggers: RuleTriggers;
  private started = false;
  private stopRegistryWatch: (() => void) | null = null;
  private readonly changeListeners = new Set<() => void>();
  readonly stats = { events: 0, matched: 0, runs: 0, skipped: 0, errors: 0 };
  /** The clock conditions use (tests may pin it). */
  now: () => Date = () => new Date();

  constructor(private readonly deps: BrainDeps) {
    this.store = new RuleStore(deps.db);
    this.runner = new RuleRunner(deps, this.store, this.stats, {
      isInstalled: (id) => this.compiled.has(id),
      keepsRunning: (c) => this.compiled.get(c.rule.id) === c && this.started,
      now: () => this.now(),
    });
    this.triggers = new RuleTriggers(deps, this.stats, this.runner, (id) => this.compiled.has(id));
  }

  /** Loads every stored rule; a rule that no longer validates is kept as invalid, never crashes the load. */
  load(): void {
    for (const row of this.store.all()) this.loadRow(row);
  }

  private loadRow(row: StoredRuleRow): void {
    let decoded = decodeStoredRule(row, this.deps.registry);
    if ('rule' in decoded) {
      try {
        this.invalid.delete(row.id);
        this.install(decoded.rule, { runCount: row.run_count, lastRunTs: row.last_run_ts });
        return;
      } catch (err) {
        // Installing can fail too (a clock that will not schedule): the rule then stays off, listed as invalid.
        decoded = {
          invalid: { name: row.name, enabled: row.enabled, errors: [(err as Error).message], definition: row.definition },
          reason: 'invalid',
        };
      }
    }
    this.invalid.set(row.id, decoded.invalid);
    if (decoded.reason === 'invalid')
      this.deps.log.warn({ rule: row.id, errors: decoded.invalid.errors }, 'a stored rule is invalid; it stays off until fixed');
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.deps.bus.on('event', (e) => this.handleEvent(e), 'rules');
    this.deps.bus.on('ha_state', (c) => this.handleState(c), 'rules');
    for (const c of this.compiled.values()) this.triggers.startClock(c);
    // Actions declared later (flows, drivers) can make an invalid stored rule valid.
    this.stopRegistryWatch = this.deps.registry.onChange(() => this.retryInvalid());
    const client = this.deps.mqtt?.();
    if (client) this.attachMqtt(client);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.bus.removeOwner('rules');
    this.stopRegistryWatch?.();
    this.triggers.stop(this.compiled.values());
    for (const c of this.compiled.values()) abortRuns(c);
  }

  /** Connects MQTT topic triggers (the butler's MQTT client connects after the brain starts). */
  attachMqtt(client: MqttClient): void {
    this.triggers.attachMqtt(client);
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
    if (c) return installedRuleInfo(id, c);
    const bad = this.invalid.get(id);
    return bad ? invalidRuleInfo(id, bad) : null;
  }

  has(id: string): boolean {
    return this.compiled.has(id) || this.invalid.has(id);
  }

  /** How many triggers of each kind are indexed (for the bench and /api/health). */
  indexSizes(): { event_types: number; entities: number; topics: number; rules: number } {
    return { ...this.triggers.indexSizes(), rules: this.compiled.size };
  }

  // ---- changes ----

  validate(input: unknown): Rule {
    return validateRule(input, this.deps.registry, generatedRuleId);
  }

  /** Adds a new rule; throws ConflictError if its id exists. */
  create(input: unknown): Rule {
    const rule = this.validate(input);
    if (this.has(rule.id)) throw new ConflictError(`a rule with id "${rule.id}" exists: use PUT /api/rules/${rule.id} to change it`);
    this.persist([rule]);
    return rule;
  }

  /** Replaces the rule `id` (the body's id, if any, must match). */
  update(id: string, input: unknown): Rule {
    if (!this.has(id)) throw new NotFoundError(`no rule with id "${id}"`);
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
    this.store.delete(id);
    this.uninstall(id);
    this.invalid.delete(id);
    this.changed();
    return true;
  }

  setEnabled(id: string, enabled: boolean): Rule {
    const c = this.compiled.get(id);
    if (!c) throw new NotFoundError(`no valid rule with id "${id}"`);
    return this.update(id, { ...c.rule, enabled });
  }

  /**
   * Imports a document of several rules (YAML or JSON text, or already parsed: a list, `{rules: [...]}` or one rule).
   * All or nothing: any invalid rule rejects the whole document with every error listed.
   */
  import(document: unknown): Rule[] {
    const out = rulesFromDocument(document, this.deps.registry);
    this.persist(out);
    return out;
  }

  private persist(list: Rule[]): void {
    this.store.save(list);
    this.adopt(list);
  }

  /** Installs rules that are already saved (an import that wrote them in its own transaction). */
  adopt(list: Rule[]): void {
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
    const rows = this.store.all().filter((r) => this.invalid.has(r.id));
    for (const row of rows) this.loadRow(row);
  }

  private install(rule: Rule, counters: RuleCounters): void {
    const c = installedRule(rule, counters);
    this.compiled.set(rule.id, c);
    if (!rule.enabled) return;
    this.triggers.add(c);
    if (this.started) this.triggers.startClock(c);
  }

  private uninstall(id: string): void {
    const c = this.compiled.get(id);
    if (!c) return;
    this.compiled.delete(id);
    this.triggers.remove(c);
    abortRuns(c);
  }

  // ---- triggers ----

  /** One map lookup per event, whatever the number of rules. */
  handleEvent(e: ButlerEvent): void {
    this.triggers.handleEvent(e);
  }

  handleState(change: HassStateChange): void {
    this.triggers.handleState(change);
  }

  /** Pending `for` waits (tests and the API can see them). */
  pendingTimers(): string[] {
    return this.triggers.pendingTimers();
  }

  /** Runs a rule now as if triggered (tests, the API's "run" button); conditions still apply unless skipped. */
  trigger(id: string, opts: { skipConditions?: boolean } = {}): boolean {
    const c = this.compiled.get(id);
    if (!c) throw new NotFoundError(`no valid rule with id "${id}"`);
    const fire: Fire = {
      label: 'manual',
      event: () => ({ event_id: this.deps.ingest.emit('rule.manual', 'rule', { rule_id: id }).event_id, trusted: true }),
    };
    return this.runner.fire(c, fire, opts.skipConditions);
  }
}
