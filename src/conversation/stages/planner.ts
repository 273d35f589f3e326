// The planner stage: asked when nothing before it answered, and only when a model is configured.
import type { Planner } from '../../brain/planner';
import type { Stage } from '../turn';

export interface PlannerStageHost {
  planner: Pick<Planner, 'converse'>;
  modelConfigured: () => boolean;
}

export function plannerStage(host: PlannerStageHost): Stage {
  return async (turn) => {
    if (!host.modelConfigured()) return null;
    const r = await host.planner.converse({
      text: turn.text,
      conversation_id: turn.conversation_id,
      origin: turn.origin,
      language: turn.language,
      images: turn.images,
    });
    return {
      reply: r.reply,
      conversation_id: r.conversation_id,
      handled: !r.offline,
      plan_id: r.plan_ids[0] ?? null,
      results: r.results,
      language: turn.language,
      answered_by: r.offline ? 'offline' : r.cached ? 'planner (cache)' : 'planner',
    };
  };
}
