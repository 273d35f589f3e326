// One stage of the butler's own conversation pipeline, run from a flow: the same offline understanding, planner and
// "not understood" answer the built-in path uses, so a conversation answered in a flow says and does what it would
// have without the flow. Takes the message from butler-command-in; an answer leaves by the first output (for
// butler-reply), a turn the stage does not answer leaves unchanged by the second.
import { type ConversationNodeConfig, STAGES, turnOf } from '../lib/conversation';
import { defineNode } from '../lib/node';
import { ConfigError } from '../lib/red';

export = defineNode<ConversationNodeConfig>({
  type: 'butler-conversation',
  version: 1,
  migrations: { 0: (c) => ({ ...c, stage: c.stage ?? 'offline' }) },
  validate(config) {
    if (!STAGES.includes(config.stage))
      throw new ConfigError('stage', `must be one of ${STAGES.join(', ')}, got "${String(config.stage)}"`);
  },
  async onInput(msg, { config, services }) {
    const turn = turnOf(msg);
    const pipeline = services.pipeline;
    if (!pipeline) throw new Error('the conversation pipeline is missing from the butler services (settings.butler.pipeline)');
    const answer = config.stage === 'not-understood' ? pipeline.notUnderstood(turn) : await pipeline.runStage(config.stage, turn);
    if (!answer) return { status: { text: 'not answered', fill: 'grey', shape: 'ring' }, send: [null, msg] };
    msg.payload = answer;
    msg.plan_id = answer.plan_id;
    return { status: `${answer.answered_by}: ${answer.reply}`, send: [msg, null] };
  },
});
