// A conversation (panel chat, Assist, MQTT butler/in/command text) enters the flows here; butler-reply sends the answer.
// A sentence this node does not match is declined at once, so the built-in pipeline answers without waiting.
import type { FlowConversationRequest } from '../../src/flows/conversations';
import { defineNode } from '../lib/node';
import { ConfigError, errorText, LISTENING, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  /** Regular expression the text must match ('' = every sentence). */
  pattern: string;
}

function patternOf(config: Config): RegExp | null {
  try {
    return config.pattern ? new RegExp(config.pattern, 'i') : null;
  } catch (err) {
    throw new ConfigError('pattern', errorText(err));
  }
}

export = defineNode<Config>({
  type: 'butler-command-in',
  version: 1,
  migrations: { 0: (c) => ({ ...c, pattern: c.pattern ?? '' }) },
  validate: patternOf,
  start({ config, services, status, show, send, onClose }) {
    const re = patternOf(config);
    const conversations = services.conversations;
    onClose(
      conversations.listen((req: FlowConversationRequest) => {
        const m = re ? re.exec(req.text) : null;
        if (re && !m) {
          conversations.decline(req.id);
          return;
        }
        show(req.text);
        send({
          topic: 'conversation',
          payload: req.text,
          match: m ? [...m] : null,
          conversation: { conversation_id: req.conversation_id, language: req.language, event_id: req.event_id },
          origin: req.origin,
          event: req.event_id ? { event_id: req.event_id } : undefined,
          _butler_conversation: req.id,
        });
      }),
    );
    status(LISTENING);
  },
});
