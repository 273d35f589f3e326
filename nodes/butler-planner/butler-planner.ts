// The LLM planner as a node: msg.payload (text, + msg.images) → butler.llm.planner.converse → msg.payload = the reply,
// msg.plan_ids / msg.plan_id, msg.results, msg.planner (offline, cached, usage, rejected calls). Its tool calls run
// through the one door with the message's origin; msg.untrusted === true marks the text as untrusted input.
import type { ImageInput } from '../../src/brain/planner/types';
import type { Origin } from '../../src/types';
import { defineNode } from '../lib/node';
import { originOf, textPayload, type NodeDef, type NodeMessage } from '../lib/red';

interface Config extends NodeDef {
  /** Answer in this language ('' = the message's, else the planner's default). */
  language: string;
}

function conversationIdOf(msg: NodeMessage): string | null {
  const c = msg.conversation as { conversation_id?: unknown } | undefined;
  if (c && typeof c.conversation_id === 'string') return c.conversation_id;
  return typeof msg.conversation_id === 'string' ? msg.conversation_id : null;
}

function languageOf(msg: NodeMessage, config: Config): string | undefined {
  const c = msg.conversation as { language?: unknown } | undefined;
  if (typeof msg.language === 'string' && msg.language) return msg.language;
  if (c && typeof c.language === 'string' && c.language) return c.language;
  return config.language || undefined;
}

export = defineNode<Config>({
  type: 'butler-planner',
  version: 1,
  migrations: { 0: (c) => ({ ...c, language: c.language ?? '' }) },
  async onInput(msg, { node, config, brain, busy }) {
    const b = brain('the planner');
    const text = textPayload(msg, 'the request text');
    if (msg.images !== undefined && !Array.isArray(msg.images)) throw new Error('msg.images must be a list of {media_type, data_base64}');
    let origin: Origin = originOf(msg, node);
    if (msg.untrusted === true) origin = { ...origin, untrusted_input: true };
    busy('thinking…');
    const r = await b.planner.converse({
      text,
      conversation_id: conversationIdOf(msg),
      origin,
      language: languageOf(msg, config),
      ...(Array.isArray(msg.images) ? { images: msg.images as ImageInput[] } : {}),
    });
    msg.payload = r.reply;
    msg.plan_ids = r.plan_ids;
    msg.plan_id = r.plan_ids[0] ?? null;
    msg.results = r.results;
    msg.conversation_id = r.conversation_id;
    msg.planner = { offline: r.offline, cached: r.cached, usage: r.usage, rejected: r.rejected };
    if (r.offline) return { status: { text: 'offline', fill: 'yellow', shape: 'ring' }, send: msg };
    const s = b.planner.stats();
    const tokens = r.cached
      ? 'cache'
      : `${r.usage.input_tokens + r.usage.cache_read_input_tokens + r.usage.cache_creation_input_tokens}+${r.usage.output_tokens} tok`;
    return { status: { text: `online · ${tokens} · Σ${s.input_tokens + s.output_tokens}`, clock: false }, send: msg };
  },
});
