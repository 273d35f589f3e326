// One stage of the butler's own conversation pipeline, run from a flow: the same offline understanding, planner and
// "not understood" answer the built-in path uses, so a conversation answered in a flow says and does what it would
// have without the flow. Takes the message from butler-command-in; an answer leaves by the first output (for
// butler-reply), a turn the stage does not answer leaves unchanged by the second.
import { notUnderstood } from '../../src/conversation/replies';
import type { TurnReply } from '../../src/conversation/turn';
import { type ConversationNodeConfig, migrations, STAGES, turnOf } from '../lib/conversation';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

export = (RED: NodeAPI) => {
  function ButlerConversation(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<ConversationNodeConfig>(def, 1, migrations);
    if (!STAGES.includes(config.stage)) {
      node.status({ fill: 'red', shape: 'ring', text: 'config error' });
      node.error(`butler-conversation: stage must be one of ${STAGES.join(', ')}, got "${String(config.stage)}"`);
      return;
    }
    node.status({});
    node.on('input', async (msg, send, done) => {
      try {
        const turn = turnOf(msg);
        let answer: TurnReply | null;
        if (config.stage === 'not-understood') answer = notUnderstood(turn);
        else {
          const pipeline = servicesOf(RED).pipeline;
          if (!pipeline) throw new Error('the conversation pipeline is missing from the butler services (settings.butler.pipeline)');
          answer = await pipeline.runStage(config.stage, turn);
        }
        if (!answer) {
          node.status({ fill: 'grey', shape: 'ring', text: short(`not answered · ${clock()}`) });
          send([null, msg]);
          return done();
        }
        msg.payload = answer;
        msg.plan_id = answer.plan_id;
        node.status({ fill: 'green', shape: 'dot', text: short(`${answer.answered_by}: ${answer.reply} · ${clock()}`) });
        send([msg, null]);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-conversation', ButlerConversation);
};
