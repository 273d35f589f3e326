// Answers the conversation that entered through butler-command-in: msg.payload (text, or {reply}) becomes the reply.
import type { ActionResult } from '../../src/types';
import { replyFor } from '../../src/brain/replies';
import { defineNode } from '../lib/node';

export = defineNode({
  type: 'butler-reply',
  version: 1,
  onInput(msg, { services }) {
    const id = msg._butler_conversation;
    if (typeof id !== 'string')
      throw new Error('msg._butler_conversation is missing: butler-reply answers messages that came from butler-command-in');
    const p = msg.payload as { reply?: unknown; plan_id?: unknown; results?: unknown } | string | undefined;
    const text = typeof p === 'string' ? p : p && typeof p === 'object' && typeof p.reply === 'string' ? p.reply : null;
    if (text === null || text === '') throw new Error('msg.payload must be the reply text (a string, or an object with a "reply" string)');
    const plan = typeof msg.plan_id === 'string' ? msg.plan_id : null;
    const results = Array.isArray((msg.payload as { results?: unknown })?.results)
      ? (msg.payload as { results: ActionResult[] }).results
      : undefined;
    // A sentence written for success must not hide a denied, failed or waiting action.
    const said = results ? replyFor(text, results, /[\u3400-\u9fff]/.test(text)) : text;
    if (!services.conversations.reply(id, { reply: said, plan_id: plan, results })) {
      throw new Error('the conversation already ended (it was answered, or it timed out and the built-in pipeline answered)');
    }
    return { status: said };
  },
});
