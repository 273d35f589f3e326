// Answers a call of a flow-declared tool (see butler-tool): msg.payload is the action's output, or msg.error fails
// the action with that message. The message must carry the msg._butlerTool the tool node put on it.
import { defineNode } from '../lib/node';

function errorMessage(e: unknown): string | null {
  if (e === undefined || e === null || e === false || e === '') return null;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return JSON.stringify(e);
}

export = defineNode({
  type: 'butler-tool-result',
  version: 1,
  onInput(msg, { tools }) {
    const bridge = tools();
    const call = msg._butlerTool as { id?: unknown; action_type?: unknown } | undefined;
    if (!call || typeof call !== 'object' || typeof call.id !== 'string') {
      throw new Error(
        'msg._butlerTool is missing: butler-tool-result answers messages that came from a butler-tool node (keep msg._butlerTool on the way)',
      );
    }
    const name = typeof call.action_type === 'string' ? call.action_type : 'tool';
    const failure = errorMessage(msg.error);
    const answered = failure !== null ? bridge.reject(call.id, failure) : bridge.resolve(call.id, msg.payload);
    if (!answered) throw new Error(`the call of ${name} already ended (it timed out, or was answered before)`);
    return { status: failure !== null ? { text: `${name} failed`, fill: 'yellow' } : `${name} ok` };
  },
});
