// The planner's vocabulary: what it is asked, what it answers, what it knows about the home.
import type { ActionResult, HomeMode, Origin } from '../../types';

/** One entity as the planner sees it: enough to pick it by name and to know its state, nothing more. */
export interface HomeEntityContext {
  entity_id: string;
  name: string;
  /** Area name (not id): the model talks in names. */
  area?: string | null;
  state: string;
  /** A few useful attributes (brightness, temperature, current_position…); scalars only. */
  attributes?: Record<string, string | number | boolean | null>;
}

export interface HomeContext {
  areas: { id: string; name: string }[];
  entities: HomeEntityContext[];
  mode: HomeMode;
  privacy: boolean;
  /** Relevant memories, already chosen and phrased ("Anna prefers the hallway light at 30%"). */
  memories: string[];
}

export interface ImageInput {
  media_type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
  data_base64: string;
}

export interface ConverseRequest {
  text: string;
  conversation_id?: string | null;
  origin: Origin;
  images?: ImageInput[];
  /** BCP-47 tag of the language to answer in ("en", "zh-Hans"). */
  language?: string;
}

export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface RejectedCall {
  tool: string;
  reason: string;
}

export interface PlannerReply {
  reply: string;
  conversation_id: string;
  plan_ids: string[];
  results: ActionResult[];
  usage: TokenUsage;
  /** Answered from the plan cache, without calling the model. */
  cached: boolean;
  /** Answered by the fallback because the model was not configured or not reachable. */
  offline: boolean;
  rejected: RejectedCall[];
}

export interface PlannerStats {
  requests: number;
  errors: number;
  retries: number;
  offline_replies: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  plan_cache_hits: number;
  plan_cache_misses: number;
  rejected_tool_calls: number;
  actions: number;
}

export type FallbackRequest = ConverseRequest & { conversation_id: string };

export type PlannerFallback = (req: FallbackRequest, reason: string) => Promise<PlannerReply>;

/** Bad input to `converse` (empty text, unsupported image type…); names the field. */
export class PlannerInputError extends Error {
  constructor(
    public readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PlannerInputError';
  }
}

export function emptyUsage(): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}
