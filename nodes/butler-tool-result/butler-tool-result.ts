// Answers a call of a flow-declared tool (see butler-tool): msg.payload is the action's output, or msg.error fails
// the action with that message. The message must carry the msg._butlerTool the tool node put on it.
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

function errorMessage(e: unknown): string | null {
  if (e === undefined || e === null || e === false || e === '') return null;
  if (typeof e === 'string') return e;
  if (typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') return (e as { message: string }).message;
  return JSON.stringify(e);
}

export = (RED: NodeAPI) => {
  function ButlerToolResult(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    migrate(def, 1, {});
    node.status({});
    node.on('input', (msg, send, done) => {
      try {
        const tools = servicesOf(RED).tools;
        if (!tools) throw new Error('the flow-tool bridge is missing from the butler services');
        const call = msg._butlerTool as { id?: unknown; action_type?: unknown } | undefined;
        if (!call || typeof call !== 'object' || typeof call.id !== 'string') {
          throw new Error(
            'msg._butlerTool is missing: butler-tool-result answers messages that came from a butler-tool node (keep msg._butlerTool on the way)',
          );
        }
        const name = typeof call.action_type === 'string' ? call.action_type : 'tool';
        const failure = errorMessage(msg.error);
        const answered = failure !== null ? tools.reject(call.id, failure) : tools.resolve(call.id, msg.payload);
        if (!answered) throw new Error(`the call of ${name} already ended (it timed out, or was answered before)`);
        node.status(
          failure !== null
            ? { fill: 'yellow', shape: 'dot', text: short(`${name} failed · ${clock()}`) }
            : { fill: 'green', shape: 'dot', text: short(`${name} ok · ${clock()}`) },
        );
        send(null);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
  }
  RED.nodes.registerType('butler-tool-result', ButlerToolResult);
};
