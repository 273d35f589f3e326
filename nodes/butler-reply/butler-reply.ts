// Answers the conversation that entered through butler-command-in: msg.payload (text, or {reply}) becomes the reply.
import { replyFor } from '../../src/conversation/replies';
import type { ActionResult } from '../../src/types';
import { defineNode } from '../lib/node';

export = defineNode({
  type: 'butler-reply',
  version: 1,
  onInput(msg, { services }) {
    const id = msg._butler_conversation;
    if (typeof id !== 'string')
      throw new Error('msg._butler_conversation is missing: butler-reply answers messages that came from butler-command-in');
    const p = msg.payload as
      | { reply?: unknown; plan_id?: unknown; results?: unknown; answered_by?: unknown; handled?: unknown }
      | string
      | undefined;
    const text = typeof p === 'string' ? p : p && typeof p === 'object' && typeof p.reply === 'string' ? p.reply : null;
    if (text === null || text === '') throw new Error('msg.payload must be the reply text (a string, or an object with a "reply" string)');
    const obj = p && typeof p === 'object' ? p : null;
    const plan = typeof msg.plan_id === 'string' ? msg.plan_id : typeof obj?.plan_id === 'string' ? obj.plan_id : null;
    const results = Array.isArray(obj?.results) ? (obj.results as ActionResult[]) : undefined;
    // An answer from one of the butler's own stages (butler-conversation) is already worded as the built-in path words
    // it; a sentence written in the flow for success must not hide a denied, failed or waiting action.
    const staged = typeof obj?.answered_by === 'string';
    const said = results && !staged ? replyFor(text, results, /[\u3400-\u9fff]/.test(text)) : text;
    const answer = staged
      ? { reply: said, plan_id: plan, results, handled: obj?.handled !== false }
      : { reply: said, plan_id: plan, results };
    if (!services.conversations.reply(id, answer)) {
      throw new Error('the conversation already ended (it was answered, or it timed out and the built-in pipeline answered)');
    }
    return { status: said };
  },
});
