// Everything that can set a rule off: butler events, Home Assistant state changes (with their `for` waits), MQTT
// messages and the clock. Each one that concerns a rule becomes a fire for the runner, with the butler event the run
// links to and whether it may act as trusted.
import type { MqttClient } from 'mqtt';
import type { HassStateChange } from '../../ha/types';
import type { ButlerEvent } from '../../types';
import { isTrustedSource, type BrainDeps } from './deps';
import type { InstalledRule, RuleRunner, RuleStats } from './runner';
import type { Trigger } from './schema';
import { HoldTimers, holdKey, startClockTriggers, stopClockTriggers } from './timers';
import { eventMatches, judgeStateChange, TriggerIndex, type TriggerRef } from './trigger-index';

export class RuleTriggers {
  private readonly index = new TriggerIndex();
  private readonly holds = new HoldTimers();
  private mqttClient: MqttClient | null = null;
  private readonly onMqttMessage = (topic: string, payload: Buffer) => this.handleMqtt(topic, payload);
  private readonly onMqttConnect = () => this.subscribeAll();

  constructor(
    private readonly deps: BrainDeps,
    private readonly stats: RuleStats,
    private readonly runner: RuleRunner,
    /** A `for` wait that ends only fires while a rule with this id is installed. */
    private readonly isInstalled: (id: string) => boolean,
  ) {}

  /** Listens for the rule's event, state and MQTT triggers (subscribing to topics new to the MQTT client). */
  add(c: InstalledRule): void {
    const newTopics = this.index.add(c);
    if (newTopics.length && this.mqttClient) this.mqttClient.subscribe(newTopics, { qos: 1 });
  }

  /** Stops every trigger of the rule: clocks, `for` waits, index entries and topics no other rule needs. */
  remove(c: InstalledRule): void {
    stopClockTriggers(c);
    c.rule.triggers.forEach((t, index) => {
      if (t.kind === 'state' || t.kind === 'numeric_state') this.holds.cancel(holdKey(c.rule.id, index));
    });
    const goneTopics = this.index.remove(c);
    if (goneTopics.length && this.mqttClient) this.mqttClient.unsubscribe(goneTopics);
  }

  /** Starts the rule's time and cron triggers. */
  startClock(c: InstalledRule): void {
    startClockTriggers(c, this.deps.log, (index, label) => {
      this.runner.fire(c, {
        label,
        event: () => ({
          event_id: this.deps.ingest.emit('rule.clock', 'rule', { rule_id: c.rule.id, trigger: index, at: label }).event_id,
          trusted: true,
        }),
      });
    });
  }

  /** Ends every `for` wait, the rules' clocks, and lets go of the MQTT client. */
  stop(rules: Iterable<InstalledRule>): void {
    this.holds.clear();
    for (const c of rules) stopClockTriggers(c);
    this.detachMqtt();
  }

  attachMqtt(client: MqttClient): void {
    if (this.mqttClient === client) return;
    this.detachMqtt();
    this.mqttClient = client;
    client.on('message', this.onMqttMessage);
    client.on('connect', this.onMqttConnect);
    this.subscribeAll();
  }

  private detachMqtt(): void {
    if (!this.mqttClient) return;
    this.mqttClient.removeListener('message', this.onMqttMessage);
    this.mqttClient.removeListener('connect', this.onMqttConnect);
    this.mqttClient = null;
  }

  private subscribeAll(): void {
    if (!this.mqttClient || !this.index.hasTopics()) return;
    this.mqttClient.subscribe(this.index.topics(), { qos: 1 }, (err) => {
      if (err) this.deps.log.warn({ err: err.message }, 'subscribing to rule topics failed');
    });
  }

  indexSizes(): { event_types: number; entities: number; topics: number } {
    return this.index.sizes();
  }

  /** Pending `for` waits, as "<rule id>#<trigger index>". */
  pendingTimers(): string[] {
    return this.holds.keys();
  }

  /** One map lookup per event, whatever the number of rules. */
  handleEvent(e: ButlerEvent): void {
    this.stats.events++;
    // The butler connects MQTT after the brain starts: pick the client up once it is there.
    if (!this.mqttClient && this.deps.mqtt && this.index.hasTopics()) {
      const client = this.deps.mqtt();
      if (client) this.attachMqtt(client);
    }
    const refs = this.index.forEventType(e.type);
    if (!refs) return;
    for (const ref of refs) {
      if (!eventMatches(ref.trigger, e)) continue;
      this.runner.fire(ref.c, { label: `event ${e.type}`, event: () => ({ event_id: e.event_id, trusted: isTrustedSource(e.source) }) });
    }
  }

  handleState(change: HassStateChange): void {
    this.stats.events++;
    const refs = this.index.forEntity(change.entity_id);
    if (!refs) return;
    for (const ref of refs) {
      const verdict = judgeStateChange(ref.trigger, change);
      if (verdict.fire) {
        this.fireState(ref, change);
        continue;
      }
      if (!verdict.cancel && !verdict.hold) continue;
      const key = holdKey(ref.c.rule.id, ref.index);
      if (verdict.cancel) this.holds.cancel(key);
      if (verdict.hold && !this.holds.has(key)) {
        const { stillHolds } = verdict.hold;
        this.holds.start(key, verdict.hold.ms, () => {
          if (!this.isInstalled(ref.c.rule.id) || !stillHolds((entityId) => this.deps.ha.getState(entityId))) return;
          this.fireState(ref, change);
        });
      }
    }
  }

  private fireState(ref: TriggerRef, change: HassStateChange): void {
    this.runner.fire(ref.c, {
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
    const hits = this.index.forTopic(topic);
    if (!hits.length) return;
    const text = payload.subarray(0, 4096).toString('utf8');
    let recorded: string | null = null;
    for (const ref of hits) {
      const t = ref.trigger as Extract<Trigger, { kind: 'mqtt' }>;
      if (t.payload !== undefined && t.payload !== text) continue;
      this.runner.fire(ref.c, {
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
}
