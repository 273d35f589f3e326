// The offline conversation stage: understand the sentence against the live home, act through the one door, reply.
// The home model is rebuilt lazily when entities appear, disappear or are renamed, or after a reconnect.
import { HomeModel, IntentRecognizer, handleIntent, type Language } from './intents';
import type { ConversationReply, ConversationStage } from './commands';
import type { Butler } from '../service';
import type { ActionResult } from '../types';
import { TIMER_PREFIX } from '../actions/builtin/butler';

const MODE_SCENES: Record<string, string> = { home: 'home', away: 'away', night: 'sleep' };

export class OfflineUnderstanding {
  private home: HomeModel | null = null;
  private readonly recognizers = new Map<Language, IntentRecognizer>();
  private builtAt = 0;

  constructor(private readonly butler: Butler) {
    butler.bus.on(
      'ha_state',
      (c) => {
        if (!c.old_state || !c.new_state || c.old_state.attributes.friendly_name !== c.new_state.attributes.friendly_name) this.invalidate();
      },
      'offline-understanding',
    );
    butler.bus.on('backend', (b) => b.name === 'ha' && b.ok && this.invalidate(), 'offline-understanding');
  }

  private invalidate(): void {
    this.home = null;
    this.recognizers.clear();
  }

  private recognizer(language: Language): { home: HomeModel; recognizer: IntentRecognizer } {
    // Registries can change without a state change; rebuilding is one cheap pass, so refresh at most once a minute.
    if (!this.home || Date.now() - this.builtAt > 60_000) {
      this.invalidate();
      this.home = HomeModel.fromHomeAssistant(this.butler.ha.registries(), this.butler.ha.states());
      this.builtAt = Date.now();
    }
    // Timers live on the butler's scheduler, not in Home Assistant: show them to the understanding.
    const now = Date.now() / 1000;
    this.home.timers.length = 0;
    for (const t of this.butler.scheduler.list('pending')) {
      if (!t.name.startsWith(TIMER_PREFIX)) continue;
      this.home.timers.push({ name: t.name.slice(TIMER_PREFIX.length), total_seconds_left: Math.max(0, Math.round(t.run_at - now)), is_active: true });
    }
    let r = this.recognizers.get(language);
    if (!r) this.recognizers.set(language, (r = new IntentRecognizer(this.home, language)));
    return { home: this.home, recognizer: r };
  }

  readonly stage: ConversationStage = async (req) => {
    // A question about a picture is for the model, whatever its words look like.
    if (req.images?.length && this.butler.options.llm_api_key) return null;
    const language: Language = req.language === 'zh-cn' ? 'zh-cn' : 'en';
    const zh = language === 'zh-cn';
    const { home, recognizer } = this.recognizer(language);
    const intent = recognizer.recognize(req.text);
    if (!intent) return null;
    const outcome = handleIntent(intent, home, language);
    // "Good night", "I'm leaving", "I'm home": when the household has the matching scene, run it (it sets the mode too).
    outcome.actions = outcome.actions.map((a) => {
      const sceneId = a.action_type === 'set_mode' ? MODE_SCENES[String(a.params.mode)] : undefined;
      return sceneId && this.butler.brain?.scenes.get(sceneId) ? { action_type: 'activate_scene', params: { scene_id: sceneId } } : a;
    });
    const base: Omit<ConversationReply, 'reply'> = {
      conversation_id: req.conversation_id,
      handled: true,
      plan_id: null,
      results: [],
      language,
      answered_by: 'offline',
    };
    if (outcome.actions.length === 0) return { ...base, reply: outcome.reply };
    const plan = await this.butler.door.execute({
      actions: outcome.actions,
      origin: req.origin,
      triggered_by_event_id: req.event_id,
      reason: `understood "${req.text}" as ${intent.name}`,
      conversation_id: req.conversation_id,
    });
    // Answers that come from an action (what the butler remembers) carry their sentence in the result.
    const said = outcome.reply || String((plan.results[0]?.output as { reply?: unknown } | null)?.reply ?? '');
    return { ...base, plan_id: plan.plan_id, results: plan.results, reply: replyFor(said, plan.results, zh) };
  };
}

/** The handler's reply when everything ran; otherwise say what is waiting or what failed. */
export function replyFor(success: string, results: ActionResult[], zh: boolean): string {
  const pending = results.filter((r) => r.status === 'pending_confirmation');
  const failed = results.filter((r) => r.status === 'error' || r.status === 'denied');
  if (pending.length) return zh ? '这需要确认。要继续吗？（是/不）' : 'That needs confirmation. Shall I go ahead? (yes/no)';
  if (failed.length === 0) return success;
  const why = failed
    .map((r) => {
      const o = r.output as { error?: string; reason?: string } | null;
      return o?.error ?? o?.reason ?? r.status;
    })
    .join('; ');
  return zh ? `没能完成：${why}` : `I couldn't do that: ${why}`;
}
