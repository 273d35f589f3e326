// A conversation (panel chat, Assist, MQTT butler/in/command text) enters the flows here; butler-reply sends the answer.
// A sentence this node does not match is declined at once, so the built-in pipeline answers without waiting.
import type { ButlerServices } from '../../src/flows/services';
import type { FlowConversationRequest } from '../../src/flows/conversations';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  /** Regular expression the text must match ('' = every sentence). */
  pattern: string;
}

export = (RED: NodeAPI) => {
  function ButlerCommandIn(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, pattern: c.pattern ?? '' }) });
    let services: ButlerServices;
    let re: RegExp | null = null;
    try {
      services = servicesOf(RED);
      re = config.pattern ? new RegExp(config.pattern, 'i') : null;
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'config error' });
      node.error(`butler-command-in: ${errorText(err)}`);
      return;
    }
    const conversations = services.conversations;
    const off = conversations.listen((req: FlowConversationRequest) => {
      const m = re ? re.exec(req.text) : null;
      if (re && !m) {
        conversations.decline(req.id);
        return;
      }
      node.status({ fill: 'green', shape: 'dot', text: short(`${req.text} · ${clock()}`) });
      node.send({
        topic: 'conversation',
        payload: req.text,
        match: m ? [...m] : null,
        conversation: { conversation_id: req.conversation_id, language: req.language, event_id: req.event_id },
        origin: req.origin,
        event: req.event_id ? { event_id: req.event_id } : undefined,
        _butler_conversation: req.id,
      });
    });
    node.status({ fill: 'green', shape: 'ring', text: 'listening' });
    node.on('close', (_removed, done) => {
      off();
      done();
    });
  }
  RED.nodes.registerType('butler-command-in', ButlerCommandIn);
};
