// The offline conversation stage: understand the sentence against the live home, act through the one door, reply.
// The home model is rebuilt lazily when entities appear, disappear or are renamed, or after a reconnect.
import type { ConversationReply, ConversationStage } from './commands';
import type { Butler } from '../service';
import { TIMER_PREFIX } from '../actions/builtin/butler';
import { Understander } from './understanding';
import { replyFor } from './replies';

export class OfflineUnderstanding {
  readonly understanding: Understander;

  constructor(private readonly butler: Butler) {
    this.understanding = new Understander({
      bus: butler.bus,
      ha: butler.ha,
      hasScene: (id) => Boolean(butler.brain?.scenes.get(id)),
      timers: () => {
        const now = Date.now() / 1000;
        return butler.scheduler
          .list('pending')
          .filter((t) => t.name.startsWith(TIMER_PREFIX))
          .map((t) => ({
            name: t.name.slice(TIMER_PREFIX.length),
            total_seconds_left: Math.max(0, Math.round(t.run_at - now)),
            is_active: true,
          }));
      },
    });
  }

  readonly stage: ConversationStage = async (req) => {
    // A question about a picture is for the model, whatever its words look like.
    if (req.images?.length && this.butler.options.llm_api_key) return null;
    const outcome = this.understanding.understand(req.text, req.language);
    if (!outcome) return null;
    const zh = outcome.language === 'zh-cn';
    const base: Omit<ConversationReply, 'reply'> = {
      conversation_id: req.conversation_id,
      handled: true,
      plan_id: null,
      results: [],
      language: outcome.language,
      answered_by: 'offline',
    };
    if (outcome.actions.length === 0) return { ...base, reply: outcome.reply };
    const plan = await this.butler.door.execute({
      actions: outcome.actions,
      origin: req.origin,
      triggered_by_event_id: req.event_id,
      reason: `understood "${req.text}" as ${outcome.intent.name}`,
      conversation_id: req.conversation_id,
    });
    // Answers that come from an action (what the butler remembers) carry their sentence in the result.
    const said = outcome.reply || String((plan.results[0]?.output as { reply?: unknown } | null)?.reply ?? '');
    return { ...base, plan_id: plan.plan_id, results: plan.results, reply: replyFor(said, plan.results, zh) };
  };
}
