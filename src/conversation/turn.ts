// One turn of a conversation, in and out: the API, MQTT, Wyoming (Assist), Home Assistant's "say to butler" text
// entity and the flows all speak these two shapes.
import type { ImageInput } from '../brain/planner';
import type { ActionResult, Origin } from '../types';

/** A sentence from a person, as it arrives. */
export interface Turn {
  text: string;
  /** Pictures to look at (vision): only the planner can use them. */
  images?: ImageInput[];
  origin: Origin;
  conversation_id?: string | null;
  /** What the caller says the language is; otherwise it is detected from the text (once, at the entrance). */
  language?: string;
  correlation_id?: string | null;
  /** The id its `command.text` event gets, when the entrance chose one (an MQTT input without an id of its own). */
  event_id?: string;
}

/** Who answered a turn. */
export type AnsweredBy = 'confirmation' | 'flow' | 'offline' | 'planner' | 'planner (cache)' | 'none';

/** The answer to a turn. */
export interface TurnReply {
  reply: string;
  conversation_id: string;
  /** False when nobody understood (Assist then says so in its own way). */
  handled: boolean;
  plan_id: string | null;
  results: ActionResult[];
  language: string;
  answered_by: AnsweredBy;
}

/** A turn inside the pipeline: its conversation, language and command event are settled. */
export interface StageTurn extends Turn {
  conversation_id: string;
  language: string;
  /** The `command.text` event the turn was recorded as; plans link back to it. */
  event_id: string;
}

/** A stage answers the turn, or says "not mine" with null. */
export type Stage = (turn: StageTurn) => Promise<TurnReply | null>;

/** The text turn's fields as every entrance validates them (API body, MQTT payload). */
export const textTurnProperties = {
  text: { type: 'string', minLength: 1, maxLength: 4000 },
  conversation_id: { type: ['string', 'null'], maxLength: 128 },
  language: { type: 'string', maxLength: 16 },
} as const;
