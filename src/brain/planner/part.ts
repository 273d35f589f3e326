// The planner part (health component "llm"): Claude through the Anthropic SDK, with the live home as its context.
// Without an API key it still exists (the flows' planner node answers with its offline fallback) but is never asked.
import type { ActionRegistry } from '../../actions/registry';
import type { ActionExecutor } from '../../actions/types';
import type { ComponentHealth, MetricFamily, Part } from '../../parts/part';
import { areaNamesByEntity } from '../../ha/areas';
import type { HomeAssistantConnection } from '../../ha/types';
import type { Logger } from '../../log';
import type { OpenedDb } from '../../store/db';
import { SqliteConversationStore } from '../../store/conversations';
import type { HomeMode } from '../../types';
import { relevantMemories } from '../memory/context';
import type { Bus } from '../../bus/bus';
import type { Understander } from '../understanding';
import type { MemoryStore } from '../memory/store';
import { emptyUsage, type HomeContext, type PlannerReply } from './types';
import { Planner, type Grounding } from './planner';

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

export interface PlannerSettings {
  apiKey?: string;
  baseURL?: string;
  model: string;
  /** Per-attempt HTTP timeout (option llm_timeout_s). */
  timeoutMs?: number;
  /** What to say when the model cannot be reached (the conversation's replies module words it). */
  unreachableReply: (reason: string, zh: boolean) => string;
  /** Words the planner's reply from what happened (the conversation's replies module). */
  groundedReply?: (g: Grounding) => string;
}

export interface HomeContextHost {
  ha: Pick<HomeAssistantConnection, 'registries' | 'states'>;
  modes: { readonly mode: HomeMode; readonly privacy: boolean };
  memory: MemoryStore | null;
}

/** The home as the model sees it; `text` (the request) picks the relevant memories, else the newest are listed. */
export function homeContext(host: HomeContextHost, text?: string): HomeContext {
  const reg = host.ha.registries();
  const areaOf = areaNamesByEntity(reg);
  const entities = [...host.ha.states().values()].map((s) => {
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
    mode: host.modes.mode,
    privacy: host.modes.privacy,
    memories: host.memory ? relevantMemories(host.memory, text) : [],
  };
}

export interface PlannerHost extends HomeContextHost {
  /** The conversation's offline understanding, which tells what the person's own words asked for. Asked for at
   * planning time only: the conversation part that owns it starts after this one. */
  understanding: () => Pick<Understander, 'understand'>;
  /** The planner's activity ("thinking", "done") is announced on it. */
  bus: Bus;
  registry: ActionRegistry;
  door: ActionExecutor;
  db: OpenedDb;
  log: Logger;
}

export class PlannerPart implements Part<PlannerHost> {
  readonly name = 'llm';
  /** The conversation's planner stage is built on it (with or without a model). */
  readonly essential = true;
  private current: Planner | null = null;

  constructor(private readonly settings: PlannerSettings) {}

  get modelConfigured(): boolean {
    return Boolean(this.settings.apiKey);
  }

  get planner(): Planner {
    if (!this.current) throw new Error('the planner has not started');
    return this.current;
  }

  start(host: PlannerHost): void {
    const s = this.settings;
    this.current = new Planner({
      ground: s.groundedReply,
      activity: (a) => host.bus.emit('planner', a),
      intended: (text, language) => host.understanding().understand(text, language)?.actions ?? [],
      apiKey: s.apiKey,
      baseURL: s.baseURL,
      model: s.model,
      timeoutMs: s.timeoutMs,
      registry: host.registry,
      executor: host.door,
      home: (req) => homeContext(host, req.text),
      conversations: new SqliteConversationStore(host.db),
      log: host.log,
      // The offline understanding already had its turn before the planner was asked.
      fallback: async (req, reason): Promise<PlannerReply> => ({
        reply: s.unreachableReply(reason, /^zh/.test(req.language ?? '')),
        conversation_id: req.conversation_id,
        plan_ids: [],
        results: [],
        usage: emptyUsage(),
        cached: false,
        offline: true,
        rejected: [],
      }),
    });
  }

  stop(): void {
    this.current?.close();
  }

  health(): ComponentHealth {
    const s = this.settings;
    if (!s.apiKey) return { ok: true, detail: 'no API key: offline understanding only' };
    const st = this.planner.stats();
    return {
      ok: st.requests === 0 || st.errors < st.requests,
      detail: `${s.model}${s.baseURL ? ` via ${s.baseURL}` : ''}: ${st.requests} requests, ${st.errors} errors`,
    };
  }

  metrics(): MetricFamily[] {
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
  }
}
