// The butler's shared vocabulary: what flows through the bus, the store and MQTT.
// Field names follow the original system's wire format (REFERENCE.md) so existing devices keep working.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Something that happened: a sensor, a person, a schedule, Home Assistant, a message. */
export interface ButlerEvent {
  event_id: string;
  /** Epoch seconds (float). */
  ts: number;
  source: string;
  type: string;
  payload: JsonObject;
  /** 0 info, 1 notice, 2 warning, 3 critical. */
  severity: number;
  correlation_id: string | null;
}

export interface ActionRequest {
  action_type: string;
  params: JsonObject;
}

export type RiskTier = 'safe' | 'sensitive' | 'dangerous';

/**
 * Who asked for an action. Trust decides what may run without confirmation;
 * `untrusted_input` marks a plan derived from text that came from outside (a message, a web page).
 */
export interface Origin {
  /** api, panel, mqtt, ha, flow, rule, scene, goal, schedule, assist, messaging, planner, system ... */
  source: string;
  trusted: boolean;
  user?: string;
  untrusted_input?: boolean;
  /** A trusted person on a channel where they should still confirm sensitive actions (voice: Assist). */
  confirm_sensitive?: boolean;
  conversation_id?: string;
  /**
   * Set when a language model proposed the actions: what the person's own words asked for (the offline
   * understanding of the same sentence). A sensitive action not among them waits for a person. Kept with what the
   * model created for later (scheduled tasks, goal steps, scenes it activates) and checked again when they run.
   */
  asked_for?: ActionRequest[];
}

export interface ActionPlan {
  plan_id: string;
  triggered_by_event_id: string | null;
  actions: ActionRequest[];
  /** The policy verdict summary for the plan: "allow", "partial", "deny", "confirm". */
  policy: string;
  reason: string;
  created_ts: number;
  source: string;
  trusted: boolean;
  conversation_id: string | null;
}

/** `interrupted`: sent (or about to be) when the butler stopped, result unknown; never run again by itself. */
export type ResultStatus = 'ok' | 'error' | 'denied' | 'pending_confirmation' | 'interrupted';

export interface ActionResult {
  plan_id: string;
  /** Position of the action in its plan. */
  index: number;
  action_type: string;
  status: ResultStatus;
  output: Json;
  ts: number;
}

/**
 * How a planner request ended: actions all done, answered without actions, something waits for a person, something
 * failed or was refused, or the model could not be reached.
 */
export type PlannerOutcome = 'done' | 'answered' | 'waiting' | 'failed' | 'unreachable';

/** What the planner is doing (bus event `planner`): it began asking the model, and how that request ended. */
export interface PlannerActivity {
  phase: 'thinking' | 'done';
  conversation_id: string;
  /** Set when the phase is "done". */
  outcome?: PlannerOutcome;
}

export type HomeMode = 'home' | 'away' | 'night';

export type ConfirmationStatus = 'pending' | 'approved' | 'denied' | 'expired';

/** A sensitive action waiting for a trusted person's approval (persisted; it expires). */
export interface Confirmation {
  id: string;
  plan_id: string;
  index: number;
  action_type: string;
  params: JsonObject;
  origin: Origin;
  reason: string;
  status: ConfirmationStatus;
  created_ts: number;
  expires_ts: number;
  decided_by: string | null;
  decided_ts: number | null;
}

/** One remembered turn of a conversation: text, plus a summary of the actions taken on that turn. */
export interface StoredTurn {
  role: 'user' | 'assistant';
  text: string;
  ts: number;
  /** The user text came from outside the household and was marked untrusted. */
  untrusted?: boolean;
  actions?: { tool: string; status: string }[];
}

/** Where the planner keeps conversation turns (in memory, or SQLite so they survive a restart). */
export interface ConversationStore {
  load(id: string): Promise<StoredTurn[]>;
  append(id: string, turns: StoredTurn[]): Promise<void>;
}

/** A rejected input (garbage payload, invalid body): reported on butler/out/error and counted. */
export interface InputError {
  source: string;
  topic?: string;
  reason: string;
  /** A short, safe excerpt of what arrived. */
  excerpt?: string;
  ts: number;
}

export function nowSeconds(): number {
  return Date.now() / 1000;
}
