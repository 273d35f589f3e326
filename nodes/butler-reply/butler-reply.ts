// Answers the conversation that entered through butler-command-in: msg.payload (text, or {reply}) becomes the reply.
import type { ActionResult } from '../../src/types';
import { replyFor } from '../../src/conversation/replies';
import { clock, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

export = (RED: NodeAPI) => {
  function ButlerReply(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    migrate(def, 1, {});
    node.status({});
    node.on('input', (msg, send, done) => {
      try {
        const services = servicesOf(RED);
        const id = msg._butler_conversation;
        if (typeof id !== 'string')
          throw new Error('msg._butler_conversation is missing: butler-reply answers messages that came from butler-command-in');
        const p = msg.payload as { reply?: unknown; plan_id?: unknown; results?: unknown } | string | undefined;
        const text = typeof p === 'string' ? p : p && typeof p === 'object' && typeof p.reply === 'string' ? p.reply : null;
        if (text === null || text === '')
          throw new Error('msg.payload must be the reply text (a string, or an object with a "reply" string)');
        const plan =
          typeof msg.plan_id === 'string'
            ? msg.plan_id
            : typeof (p as { plan_id?: unknown })?.plan_id === 'string'
              ? (p as { plan_id: string }).plan_id
              : null;
        const results = Array.isArray((msg.payload as { results?: unknown })?.results)
          ? (msg.payload as { results: ActionResult[] }).results
          : undefined;
        // An answer from one of the butler's own stages (butler-conversation) is already worded as the built-in path
        // words it; a sentence written in the flow for success must not hide a denied, failed or waiting action.
        const staged = p && typeof p === 'object' && typeof (p as { answered_by?: unknown }).answered_by === 'string';
        const said = results && !staged ? replyFor(text, results, /[\u3400-\u9fff]/.test(text)) : text;
        const handled = staged ? (p as { handled?: unknown }).handled !== false : true;
        if (!services.conversations.reply(id, { reply: said, plan_id: plan, results, handled })) {
          throw new Error('the conversation already ended (it was answered, or it timed out and the built-in pipeline answered)');
        }
        node.status({ fill: 'green', shape: 'dot', text: short(`${said} · ${clock()}`) });
        send(null);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short((err as Error).message) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-reply', ButlerReply);
};
