// The conversation part: the offline understanding, the pipeline with its built-in stages, the command service, and
// the MQTT entrances (butler/in/event, butler/in/command). The flows fill their own stage when Node-RED is up.
import { TIMER_PREFIX } from '../actions/builtin/butler';
import type { ConfirmationStore } from '../actions/confirmations';
import type { ActionDoor } from '../actions/door';
import type { Scheduler } from '../actions/scheduler';
import type { Planner } from '../brain/planner';
import { Understander } from '../brain/understanding';
import type { Bus } from '../bus/bus';
import type { EventIngest } from '../bus/ingest';
import { InputRejected, TOPICS, type MqttBridge } from '../bus/mqtt';
import type { Part } from '../parts/part';
import type { HomeAssistantConnection } from '../ha/types';
import type { Logger } from '../log';
import type { Origin } from '../types';
import { CommandService } from './commands';
import { ConversationPipeline } from './pipeline';
import { confirmationStage } from './stages/confirmation';
import { offlineStage } from './stages/offline';
import { plannerStage } from './stages/planner';

export interface ConversationHost {
  bus: Bus;
  ha: Pick<HomeAssistantConnection, 'registries' | 'states'>;
  ingest: EventIngest;
  door: ActionDoor;
  confirmations: ConfirmationStore;
  scheduler: Pick<Scheduler, 'list'>;
  /** Scenes by id: "good night" runs the household's sleep scene when it has one. */
  hasScene: (id: string) => boolean;
  planner: Planner;
  modelConfigured: () => boolean;
  mqtt: MqttBridge;
  /** Whether butler/in/* speaks for a trusted person (option mqtt_trusted). */
  mqttTrusted: boolean;
  /** Option `language`: for a sentence that does not show its own. */
  defaultLanguage: string;
  log: Logger;
}

export class ConversationPart implements Part<ConversationHost> {
  readonly name = 'conversation';
  /** Every entrance (API, MQTT, Assist, flows) needs it: without it the butler cannot start. */
  readonly essential = true;
  private started: { understanding: Understander; pipeline: ConversationPipeline; commands: CommandService } | null = null;

  start(host: ConversationHost): void {
    const understanding = new Understander({
      bus: host.bus,
      ha: host.ha,
      hasScene: host.hasScene,
      timers: () => {
        const now = Date.now() / 1000;
        return [...host.scheduler.list('pending'), ...host.scheduler.list('paused')]
          .filter((t) => t.name.startsWith(TIMER_PREFIX))
          .map((t) => ({
            name: t.name.slice(TIMER_PREFIX.length),
            total_seconds_left: Math.max(0, Math.round(t.status === 'paused' ? (t.paused_left_s ?? 0) : t.run_at - now)),
            is_active: t.status !== 'paused',
          }));
      },
    });
    const pipeline = new ConversationPipeline({
      ingest: host.ingest,
      log: host.log,
      defaultLanguage: host.defaultLanguage,
      capabilities: (language) => understanding.capabilities(language),
    });
    pipeline.setStage('confirmation', confirmationStage(host));
    pipeline.setStage('offline', offlineStage({ understanding, door: host.door, modelConfigured: host.modelConfigured }));
    pipeline.setStage('planner', plannerStage({ planner: host.planner, modelConfigured: host.modelConfigured }));
    const commands = new CommandService({ ingest: host.ingest, door: host.door, pipeline });
    this.started = { understanding, pipeline, commands };

    const mqtt = host.mqtt;
    // A redelivered message (bus/redelivery.ts) is recorded as seen and acts on nothing; any other is recorded under
    // the id the bridge derived from its packet, so a later redelivery is recognised even after a restart.
    mqtt.handle(TOPICS.inEvent, (_topic, body, delivery) => {
      const type = typeof (body as { type?: unknown })?.type === 'string' ? (body as { type: string }).type : 'event';
      if (delivery.duplicateOf) return host.ingest.duplicate(delivery.duplicateOf, 'mqtt', type, 'mqtt');
      const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
      try {
        host.ingest.accept(delivery.id && isObject ? { ...body, event_id: delivery.id } : body, 'mqtt');
      } catch (err) {
        throw new InputRejected((err as Error).message);
      }
    });
    mqtt.handle(TOPICS.inCommand, async (_topic, body, delivery) => {
      if (delivery.duplicateOf) return host.ingest.duplicate(delivery.duplicateOf, 'mqtt', 'command', 'mqtt');
      const origin: Origin = { source: 'mqtt', trusted: host.mqttTrusted };
      const out = await commands.command(body, origin, delivery.id);
      if ('reply' in out)
        mqtt.publishJson(TOPICS.outReply, { ...out, correlation_id: (body as { correlation_id?: string }).correlation_id ?? null });
    });
  }

  private get running() {
    if (!this.started) throw new Error('the conversation part has not started');
    return this.started;
  }

  get pipeline(): ConversationPipeline {
    return this.running.pipeline;
  }

  get commands(): CommandService {
    return this.running.commands;
  }

  get understanding(): Understander {
    return this.running.understanding;
  }

  stop(): void {
    this.started?.understanding.stop();
  }
}
