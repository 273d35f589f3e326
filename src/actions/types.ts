// The contract of the one door every action goes through (policy, then the tool runner).
import type { ActionRequest, ActionResult, Origin } from '../types';

export interface PlanRequest {
  actions: ActionRequest[];
  origin: Origin;
  triggered_by_event_id?: string | null;
  /** Why this plan exists ("rule night_lights", "planner: user asked to …"). */
  reason?: string;
  conversation_id?: string | null;
}

export interface PlanOutcome {
  plan_id: string;
  /** allow | partial | deny | confirm */
  policy: string;
  results: ActionResult[];
}

/** The one door: validate, decide by policy, run, record. Everything that acts calls this. */
export interface ActionExecutor {
  execute(request: PlanRequest): Promise<PlanOutcome>;
}
