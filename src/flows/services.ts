// What the palette's nodes may use, handed to them as RED.settings.butler (never a global).
import type { ActionRegistry } from '../actions/registry';
import type { ActionExecutor } from '../actions/types';
import type { PolicyEngine } from '../actions/policy';
import type { Bus } from '../bus/bus';
import type { EventIngest } from '../bus/ingest';
import type { MqttBridge } from '../bus/mqtt';
import type { HomeAssistantConnection } from '../ha/types';
import type { Logger } from '../log';
import type { FlowConversations } from './conversations';

export interface ButlerServices {
  bus: Bus;
  door: ActionExecutor;
  policy: PolicyEngine;
  registry: ActionRegistry;
  ha: HomeAssistantConnection;
  ingest: EventIngest;
  /** Null when MQTT is not connected (the entity node then reports an error status). */
  mqtt: Pick<MqttBridge, 'publishJson' | 'client'> | null;
  conversations: FlowConversations;
  log: Logger;
}
