// The planner as a conversation stage: asked when the offline understanding did not recognise the sentence.
import { Planner, type HomeContext, type PlannerReply } from './planner';
import type { ConversationStage } from './commands';
import type { Butler } from '../service';
import { SqliteConversationStore } from '../store/conversations';
import { areaNamesByEntity } from '../ha/areas';
import { relevantMemories } from './memory/context';

const USEFUL_ATTRIBUTES = [
  'brightness',
  'current_temperature',
  'temperature',
  'current_position',
  'hvac_mode',
  'unit_of_measurement',
  'device_class',
  'volume_level',
  'media_title',
];

/** `text` (the request) picks the relevant memories; without it the newest ones are listed. */
export function homeContext(butler: Butler, text?: string): HomeContext {
  const reg = butler.ha.registries();
  const areaOf = areaNamesByEntity(reg);
  const entities = [...butler.ha.states().values()].map((s) => {
    const attributes: Record<string, string | number | boolean | null> = {};
    for (const k of USEFUL_ATTRIBUTES) {
      const v = s.attributes[k];
      if (v !== undefined && (v === null || ['string', 'number', 'boolean'].includes(typeof v)))
        attributes[k] = v as string | number | boolean | null;
    }
    return {
      entity_id: s.entity_id,
      name: String(s.attributes.friendly_name ?? s.entity_id),
      area: areaOf.get(s.entity_id) ?? null,
      state: s.state,
      attributes,
    };
  });
  return {
    areas: reg.areas.map((a) => ({ id: a.area_id, name: a.name })),
    entities,
    mode: butler.modes.mode,
    privacy: butler.modes.privacy,
    memories: butler.memory ? relevantMemories(butler.memory, text) : [],
  };
}

export class LlmStage {
  readonly planner: Planner;

  constructor(private readonly butler: Butler) {
    const o = butler.options;
    this.planner = new Planner({
      apiKey: o.llm_api_key,
      baseURL: o.llm_base_url,
      model: o.llm_model,
      registry: butler.registry,
      executor: butler.door,
      // The planner's home() has no request yet: the stage passes the text along in async context.
      home: (req) => homeContext(butler, req.text),
      conversations: new SqliteConversationStore(butler.db),
      log: butler.log.child({ part: 'planner' }),
      // The offline understanding already had its turn before the planner was asked.
      fallback: async (req, reason): Promise<PlannerReply> => ({
        reply: /^zh/.test(req.language ?? '')
          ? `我现在连不上大模型（${reason}），离线也没听懂。`
          : `I can't reach the language model right now (${reason}) and didn't understand that offline.`,
        conversation_id: req.conversation_id,
        plan_ids: [],
        results: [],
        usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        cached: false,
        offline: true,
        rejected: [],
      }),
    });
    butler.addMetrics(() => {
      const s = this.planner.stats();
      return [
        ['butler_llm_requests_total', { type: 'counter', help: 'Requests to the language model.', samples: [[null, s.requests]] }],
        ['butler_llm_errors_total', { type: 'counter', help: 'Failed language model requests.', samples: [[null, s.errors]] }],
        [
          'butler_llm_tokens_total',
          {
            type: 'counter',
            help: 'Tokens by kind, cache reads included.',
            samples: [
              [{ kind: 'input' }, s.input_tokens],
              [{ kind: 'output' }, s.output_tokens],
              [{ kind: 'cache_creation' }, s.cache_creation_input_tokens],
              [{ kind: 'cache_read' }, s.cache_read_input_tokens],
            ],
          },
        ],
        [
          'butler_plan_cache_total',
          {
            type: 'counter',
            help: 'Plan cache lookups by outcome.',
            samples: [
              [{ outcome: 'hit' }, s.plan_cache_hits],
              [{ outcome: 'miss' }, s.plan_cache_misses],
            ],
          },
        ],
        [
          'butler_llm_rejected_tool_calls_total',
          { type: 'counter', help: 'Tool calls rejected before they became actions.', samples: [[null, s.rejected_tool_calls]] },
        ],
      ];
    });
    butler.addHealth('llm', () => {
      if (!o.llm_api_key) return { ok: true, detail: 'no API key: offline understanding only' };
      const s = this.planner.stats();
      return {
        ok: s.requests === 0 || s.errors < s.requests,
        detail: `${o.llm_model}${o.llm_base_url ? ` via ${o.llm_base_url}` : ''}: ${s.requests} requests, ${s.errors} errors`,
      };
    });
  }

  readonly stage: ConversationStage = async (req) => {
    if (!this.butler.options.llm_api_key) return null;
    const r = await this.planner.converse({
      text: req.text,
      conversation_id: req.conversation_id,
      origin: req.origin,
      language: req.language,
      images: req.images,
    });
    return {
      reply: r.reply,
      conversation_id: r.conversation_id,
      handled: !r.offline,
      plan_id: r.plan_ids[0] ?? null,
      results: r.results,
      language: req.language,
      answered_by: r.offline ? 'offline' : r.cached ? 'planner (cache)' : 'planner',
    };
  };
}
