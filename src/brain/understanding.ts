// Offline understanding: a sentence → the intent, its slots, the reply and the actions it implies, without running
// anything. The conversation stage (offline.ts) runs the actions through the door; the butler-understand node hands
// them to the flow. The home model is built from Home Assistant lazily and rebuilt when entities appear, disappear or
// are renamed, after a reconnect, or once a minute (registries can change without a state change).
import type { Bus } from '../bus/bus';
import type { HomeAssistantConnection } from '../ha/types';
import { HomeModel, IntentRecognizer, handleIntent, languageOf, type Language } from './intents';
import { capabilities, durationWords } from './intents/handler';
import type { HomeTimer } from './intents/home';
import type { JsonObject } from '../types';

const MODE_SCENES: Record<string, string> = { home: 'home', away: 'away', night: 'sleep' };
const OWNER = 'understanding';

export interface Understanding {
  language: Language;
  intent: { name: string; slots: JsonObject; entities?: string[] };
  /** What the butler would answer once the actions ran (or the answer itself, for a question). */
  reply: string;
  /** The actions the sentence implies, not run. Empty for questions. */
  actions: { action_type: string; params: JsonObject }[];
  query: boolean;
}

export interface UnderstandingHost {
  bus: Bus;
  ha: Pick<HomeAssistantConnection, 'registries' | 'states'>;
  /** Scenes by id: "good night" runs the household's sleep scene when it has one. */
  hasScene?: (id: string) => boolean;
  /** Timers live on the butler's scheduler, not in Home Assistant. */
  timers?: () => HomeTimer[];
}

export class Understander {
  private home: HomeModel | null = null;
  private builtAt = 0;
  private readonly recognizers = new Map<Language, IntentRecognizer>();

  constructor(private readonly host: UnderstandingHost) {
    host.bus.on(
      'ha_state',
      (c) => {
        if (!c.old_state || !c.new_state || c.old_state.attributes.friendly_name !== c.new_state.attributes.friendly_name)
          this.invalidate();
      },
      OWNER,
    );
    host.bus.on('backend', (b) => b.name === 'ha' && b.ok && this.invalidate(), OWNER);
  }

  invalidate(): void {
    this.home = null;
    this.recognizers.clear();
  }

  /** Null when the sentence is not understood. `language`: "en" or "zh-cn" (anything zh*), else detected. */
  understand(text: string, language?: string): Understanding | null {
    if (typeof text !== 'string' || !text.trim()) throw new Error('text: say something (msg.payload must be a non-empty string)');
    if (text.length > 2000) throw new Error('text: longer than 2000 characters');
    const lang: Language = languageOf(language, text);
    if (!this.home || Date.now() - this.builtAt > 60_000) {
      this.invalidate();
      this.home = HomeModel.fromHomeAssistant(this.host.ha.registries(), this.host.ha.states());
      this.builtAt = Date.now();
    }
    if (this.host.timers) this.home.timers.splice(0, this.home.timers.length, ...this.host.timers());
    let recognizer = this.recognizers.get(lang);
    if (!recognizer) this.recognizers.set(lang, (recognizer = new IntentRecognizer(this.home, lang)));
    const intent = recognizer.recognize(text);
    if (!intent) return null;
    let outcome = handleIntent(intent, this.home, lang);
    // "turn off the lights in 10 minutes" / "十分钟后关灯": the command's own actions, scheduled
    const command = intent.name === 'HassStartTimer' ? intent.slots.conversation_command : undefined;
    if (typeof command === 'string' && command.trim()) {
      const later = recognizer.recognize(command);
      const inner = later && later.name !== 'HassStartTimer' ? handleIntent(later, this.home, lang) : null;
      if (!inner || inner.actions.length === 0) return null;
      const delay = outcome.actions[0]?.params.delay_sec;
      const when = durationWords(Number(delay ?? 0), lang === 'zh-cn');
      const done = inner.reply.replace(/[.。]$/, '');
      outcome = {
        actions: [
          {
            action_type: 'schedule_task',
            params: { delay_sec: Number(delay ?? 0), name: `later:${command}`, actions: inner.actions as unknown as JsonObject[] },
          },
        ],
        reply:
          lang === 'zh-cn'
            ? `好的，${when}后执行：${done.replace(/^已/, '')}。`
            : `OK, in ${when}: ${done.charAt(0).toLowerCase()}${done.slice(1)}.`,
      };
    }
    const actions = outcome.actions.map((a) => {
      const sceneId = a.action_type === 'set_mode' ? MODE_SCENES[String(a.params.mode)] : undefined;
      return sceneId && this.host.hasScene?.(sceneId)
        ? { action_type: 'activate_scene', params: { scene_id: sceneId } as JsonObject }
        : { action_type: a.action_type, params: a.params };
    });
    return {
      language: lang,
      intent: { name: intent.name, slots: intent.slots as JsonObject, ...(intent.entities ? { entities: intent.entities } : {}) },
      reply: outcome.reply,
      actions,
      query: outcome.query === true || actions.length === 0,
    };
  }

  /** What the butler can do here, with two or three examples from the live home (for "not understood"). */
  capabilities(language?: string): string {
    const lang: Language = languageOf(language, '');
    try {
      if (!this.home || Date.now() - this.builtAt > 60_000) {
        this.invalidate();
        this.home = HomeModel.fromHomeAssistant(this.host.ha.registries(), this.host.ha.states());
        this.builtAt = Date.now();
      }
      return capabilities(this.home, lang === 'zh-cn');
    } catch {
      return capabilities(new HomeModel({}), lang === 'zh-cn');
    }
  }

  stop(): void {
    this.host.bus.removeOwner(OWNER);
  }
}
