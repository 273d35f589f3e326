// The offline stage: understand the sentence against the live home, act through the one door, reply.
import type { ActionExecutor } from '../../actions/types';
import type { Understander } from '../../brain/understanding';
import { isChinese, needsModel, replyFor } from '../replies';
import type { Stage, TurnReply } from '../turn';

export interface OfflineStageHost {
  understanding: Pick<Understander, 'understand'>;
  door: ActionExecutor;
  /** True when a model is configured: a question about a picture is then the model's, whatever its words look like. */
  modelConfigured: () => boolean;
}

const LOOKING = new Set(['camera_describe']);

export function offlineStage(host: OfflineStageHost): Stage {
  return async (turn) => {
    if (turn.images?.length && host.modelConfigured()) return null;
    const outcome = host.understanding.understand(turn.text, turn.language);
    if (!outcome) return null;
    const base: Omit<TurnReply, 'reply'> = {
      conversation_id: turn.conversation_id,
      handled: true,
      plan_id: null,
      results: [],
      language: outcome.language,
      answered_by: 'offline',
    };
    if (outcome.actions.length === 0) return { ...base, reply: outcome.reply };
    // Looking needs a model: say so in the person's language instead of running an action that can only refuse.
    if (!host.modelConfigured() && outcome.actions.some((a) => LOOKING.has(a.action_type)))
      return { ...base, reply: needsModel(isChinese(outcome.language)) };
    const plan = await host.door.execute({
      actions: outcome.actions,
      origin: turn.origin,
      triggered_by_event_id: turn.event_id,
      reason: `understood "${turn.text}" as ${outcome.intent.name}`,
      conversation_id: turn.conversation_id,
    });
    // Answers that come from an action (what the butler remembers, what a camera shows) carry their sentence in the result.
    const out = plan.results[0]?.output as { reply?: unknown; description?: unknown } | null;
    const said = outcome.reply || String(out?.reply ?? out?.description ?? '');
    return { ...base, plan_id: plan.plan_id, results: plan.results, reply: replyFor(said, plan.results, isChinese(outcome.language)) };
  };
}
