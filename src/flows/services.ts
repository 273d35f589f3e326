// What the palette's nodes may use, handed to them as RED.settings.butler (never a global).
import type { ActionRegistry } from '../actions/registry';
import type { ModeState } from '../actions/modes';
import type { ActionExecutor } from '../actions/types';
import type { PolicyEngine } from '../actions/policy';
import type { Bus } from '../bus/bus';
import type { EventIngest } from '../bus/ingest';
import type { MqttBridge } from '../bus/mqtt';
import type { ConverseRequest, PlannerReply, PlannerStats } from '../brain/planner/types';
import type { RuleEngine } from '../brain/rules/engine';
import type { SceneService } from '../brain/scenes/scenes';
import type { GoalService } from '../brain/goals/goals';
import type { HomeAssistantConnection } from '../ha/types';
import type { Logger } from '../log';
import type { FlowConversations } from './conversations';
import type { FlowTools } from './tools';
import type { Understander } from '../brain/understanding';
import type { ConversationPipeline } from '../conversation/pipeline';

/** The brain as the palette's brain nodes see it (butler planner, understand, rules, scene, goal). */
export interface FlowBrain {
  planner: { converse(req: ConverseRequest): Promise<PlannerReply>; stats(): PlannerStats };
  /** True when a language model is configured (else the planner answers with its offline fallback). */
  online: () => boolean;
  understanding: Understander;
  rules: RuleEngine;
  scenes: SceneService;
  goals: GoalService;
}

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
  /** The flow-tool bridge (butler-tool / butler-tool-result). Absent: those nodes report that they cannot work. */
  tools?: FlowTools;
  /** The brain services. Absent: the brain nodes report that they cannot work. */
  brain?: FlowBrain;
  /** The conversation pipeline, whose stages the conversation tab's nodes call. Absent: those nodes say they cannot work. */
  pipeline?: Pick<ConversationPipeline, 'runStage' | 'notUnderstood'>;
  /** The home mode and privacy mode (read only). Absent: nodes that filter by mode say they cannot. */
  modes?: Pick<ModeState, 'mode' | 'privacy'>;
}
