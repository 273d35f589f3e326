// Offline understanding only: msg.payload (text) → msg.intent {name, slots, entities}, msg.reply (what the butler
// would say) and, when the node is set to, msg.actions and msg.payload = {actions} for butler-policy / butler-execute.
// Nothing runs here. Sentences it does not understand leave by the second output, unchanged.
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  /** Put the implied actions on the message (msg.actions, msg.payload = {actions}). */
  actions: boolean;
  /** '' = the message's language (msg.language / msg.conversation.language), else detected from the text. */
  language: string;
}

export = (RED: NodeAPI) => {
  function ButlerUnderstand(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, actions: c.actions ?? true, language: c.language ?? '' }) });
    node.status({});
    node.on('input', (msg, send, done) => {
      try {
        const brain = servicesOf(RED).brain;
        if (!brain) throw new Error('the offline understanding is missing from the butler services (settings.butler.brain)');
        if (typeof msg.payload !== 'string')
          throw new Error(`msg.payload must be the sentence (a string), got ${msg.payload === null ? 'null' : typeof msg.payload}`);
        const conv = msg.conversation as { language?: unknown } | undefined;
        const language =
          config.language ||
          (typeof msg.language === 'string' ? msg.language : typeof conv?.language === 'string' ? conv.language : undefined);
        const u = brain.understanding.understand(msg.payload, language);
        if (!u) {
          node.status({ fill: 'grey', shape: 'ring', text: short(`not understood · ${clock()}`) });
          send([null, msg]);
          return done();
        }
        msg.intent = u.intent;
        msg.reply = u.reply;
        msg.language = u.language;
        if (config.actions) {
          msg.actions = u.actions;
          msg.payload = { actions: u.actions };
        }
        node.status({ fill: 'green', shape: 'dot', text: short(`${u.intent.name} · ${clock()}`) });
        send([msg, null]);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-understand', ButlerUnderstand);
};
