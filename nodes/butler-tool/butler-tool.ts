// Declares a new action type from the editor (name, description, params schema, risk tier) in the butler's action
// registry, provider "flow:<node id>". Each call of the action through the door sends a message out of this node
// (msg.payload = params, msg._butlerTool = correlation, msg.origin = who asked); a butler-tool-result node answers it.
// Removing or redeploying the node unregisters the tool.
import { defineNode } from '../lib/node';
import { short, type NodeDef } from '../lib/red';

interface Config extends NodeDef {
  tool: string;
  description: string;
  /** JSON schema of the params (text from the editor's JSON editor). */
  params: string;
  risk: string;
  /** Seconds; '' = the butler's action timeout. */
  timeout: string | number;
}

export = defineNode<Config>({
  type: 'butler-tool',
  version: 1,
  migrations: {
    0: (c) => ({
      ...c,
      tool: c.tool ?? '',
      description: c.description ?? '',
      params: c.params ?? '',
      risk: c.risk ?? 'safe',
      timeout: c.timeout ?? '',
    }),
  },
  // The declaration is checked by the bridge (name, schema, risk, clashes); its error is the node's status.
  start({ node, config, tools, status, show, send, onClose }) {
    const bridge = tools();
    onClose(() => bridge.withdraw(node.id));
    const timeout =
      config.timeout === '' || config.timeout === undefined || config.timeout === null ? undefined : Number(config.timeout) * 1000;
    let calls = 0;
    const spec = bridge.declare(
      node.id,
      { name: config.tool, description: config.description, params: config.params, risk: config.risk, timeoutMs: timeout },
      (params, call, origin) => {
        calls++;
        show({ text: `${call.action_type} ×${calls}`, fill: 'blue' });
        send({ topic: call.action_type, payload: params, _butlerTool: call, origin });
      },
    );
    status({ fill: 'green', shape: 'ring', text: short(`${spec.name} · ${spec.risk}`) });
  },
});
