// Offline understanding only: msg.payload (text) → msg.intent {name, slots, entities}, msg.reply (what the butler
// would say) and, when the node is set to, msg.actions and msg.payload = {actions} for butler-policy / butler-execute.
// Nothing runs here. Sentences it does not understand leave by the second output, unchanged.
import { defineNode } from '../lib/node';
import { textPayload, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  /** Put the implied actions on the message (msg.actions, msg.payload = {actions}). */
  actions: boolean;
  /** '' = the message's language (msg.language / msg.conversation.language), else detected from the text. */
  language: string;
}

export = defineNode<Config>({
  type: 'butler-understand',
  version: 1,
  migrations: { 0: (c) => ({ ...c, actions: c.actions ?? true, language: c.language ?? '' }) },
  onInput(msg, { config, brain }) {
    const { understanding } = brain('the offline understanding');
    const text = textPayload(msg, 'the sentence');
    const conv = msg.conversation as { language?: unknown } | undefined;
    const language =
      config.language || (typeof msg.language === 'string' ? msg.language : typeof conv?.language === 'string' ? conv.language : undefined);
    const u = understanding.understand(text, language);
    if (!u) return { status: { text: 'not understood', fill: 'grey', shape: 'ring' }, send: [null, msg] };
    msg.intent = u.intent;
    msg.reply = u.reply;
    msg.language = u.language;
    if (config.actions) {
      msg.actions = u.actions;
      msg.payload = { actions: u.actions };
    }
    return { status: u.intent.name, send: [msg, null] };
  },
});
