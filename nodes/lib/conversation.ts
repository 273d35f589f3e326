// What butler-conversation reads from a message and its config, apart from Node-RED (so it can be tested alone).
import type { StageTurn } from '../../src/conversation/turn';
import type { Origin } from '../../src/types';
import type { NodeDef, NodeMessage } from './red';

export const STAGES = ['offline', 'planner', 'not-understood'] as const;
export type StageChoice = (typeof STAGES)[number];

export interface ConversationNodeConfig extends NodeDef {
  stage: StageChoice;
}

/** The turn carried by a message from butler-command-in; throws naming what is missing. */
export function turnOf(msg: NodeMessage): StageTurn {
  const conv = msg.conversation as { conversation_id?: unknown; language?: unknown; event_id?: unknown } | undefined;
  if (typeof msg.payload !== 'string' || !msg.payload.trim()) throw new Error('msg.payload must be the sentence (a non-empty string)');
  if (!conv || typeof conv.conversation_id !== 'string' || typeof conv.language !== 'string')
    throw new Error('msg.conversation is missing: this node takes messages from butler-command-in');
  const origin = msg.origin as Origin | undefined;
  if (!origin || typeof origin.source !== 'string' || typeof origin.trusted !== 'boolean')
    throw new Error('msg.origin is missing: this node takes messages from butler-command-in');
  return {
    text: msg.payload,
    origin,
    conversation_id: conv.conversation_id,
    language: conv.language,
    event_id: typeof conv.event_id === 'string' ? conv.event_id : '',
  };
}
