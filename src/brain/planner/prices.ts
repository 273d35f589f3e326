// What the language model costs, in one place: US dollars per million tokens by model, as Anthropic lists them
// (cache writes at 1.25× and cache reads at 0.1× the input price). The usage page multiplies the tokens counted each
// day by these; a model not listed here has no estimate rather than a wrong one.

export interface ModelPrice {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

const price = (input: number, output: number): ModelPrice => ({ input, output, cache_write: input * 1.25, cache_read: input / 10 });

/** By model id prefix; the longest matching prefix wins ("claude-opus-4-5" before "claude-opus-4"). */
export const MODEL_PRICES: Record<string, ModelPrice> = {
  'claude-opus-4-6': price(5, 25),
  'claude-opus-4-5': price(5, 25),
  'claude-opus-4': price(15, 75),
  'claude-sonnet-4': price(3, 15),
  'claude-3-7-sonnet': price(3, 15),
  'claude-haiku-4': price(1, 5),
  'claude-3-5-haiku': price(0.8, 4),
  'claude-3-haiku': price(0.25, 1.25),
};

export function priceOf(model: string): ModelPrice | null {
  let best: string | null = null;
  for (const prefix of Object.keys(MODEL_PRICES)) if (model.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  return best ? MODEL_PRICES[best] : null;
}

export interface TokenCounts {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

/** Estimated US dollars for these tokens, or null when the model's price is not known. */
export function estimateCost(model: string, t: TokenCounts): number | null {
  const p = priceOf(model);
  if (!p) return null;
  return (t.input * p.input + t.output * p.output + t.cache_write * p.cache_write + t.cache_read * p.cache_read) / 1_000_000;
}
