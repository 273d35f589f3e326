// Declares a new action type from the editor (name, description, params schema, risk tier) in the butler's action
// registry, provider "flow:<node id>". Each call of the action through the door sends a message out of this node
// (msg.payload = params, msg._butlerTool = correlation, msg.origin = who asked); a butler-tool-result node answers it.
// Removing or redeploying the node unregisters the tool.
import type { FlowTools } from '../../src/flows/tools';
import { clock, errorText, migrate, servicesOf, short, type NodeAPI, type NodeDef, type RedNode } from '../lib/red';

interface Config extends NodeDef {
  tool: string;
  description: string;
  /** JSON schema of the params (text from the editor's JSON editor). */
  params: string;
  risk: string;
  /** Seconds; '' = the butler's action timeout. */
  timeout: string | number;
}

export = (RED: NodeAPI) => {
  function ButlerTool(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, {
      0: (c) => ({
        ...c,
        tool: c.tool ?? '',
        description: c.description ?? '',
        params: c.params ?? '',
        risk: c.risk ?? 'safe',
        timeout: c.timeout ?? '',
      }),
    });
    let calls = 0;
    let tools: FlowTools | undefined;
    try {
      tools = servicesOf(RED).tools;
      if (!tools) throw new Error('the flow-tool bridge is missing from the butler services');
      const timeout =
        config.timeout === '' || config.timeout === undefined || config.timeout === null ? undefined : Number(config.timeout) * 1000;
      const spec = tools.declare(
        node.id,
        { name: config.tool, description: config.description, params: config.params, risk: config.risk, timeoutMs: timeout },
        (params, call, origin) => {
          calls++;
          node.status({ fill: 'blue', shape: 'dot', text: short(`${call.action_type} ×${calls} · ${clock()}`) });
          node.send({ topic: call.action_type, payload: params, _butlerTool: call, origin });
        },
      );
      node.status({ fill: 'green', shape: 'ring', text: short(`${spec.name} · ${spec.risk}`) });
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
      node.error(`butler-tool: ${errorText(err)}`);
    }
    node.on('close', (_removed, done) => {
      tools?.withdraw(node.id);
      done();
    });
  }
  RED.nodes.registerType('butler-tool', ButlerTool);
};
