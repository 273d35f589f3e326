// Starts a goal from text (msg.payload, or the node's text) and follows it: one message when it starts (the goal and
// its steps), one per finished step (topic goal.step), and one when it ends (goal.done on the first output;
// goal.failed / cancelled on the second). Progress comes from the goal.* butler events.
import type { ButlerEvent } from '../../src/types';
import {
  clock,
  errorText,
  migrate,
  originOf,
  servicesOf,
  short,
  type NodeAPI,
  type NodeDef,
  type NodeMessage,
  type RedNode,
} from '../lib/red';

interface Config extends NodeDef {
  text: string;
}

export = (RED: NodeAPI) => {
  function ButlerGoal(this: RedNode, def: NodeDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrate<Config>(def, 1, { 0: (c) => ({ ...c, text: c.text ?? '' }) });
    /** goal id → the message that started it (its properties travel on with every progress message). */
    const following = new Map<string, { msg: NodeMessage; steps: number }>();
    /** Events of goals whose start() has not returned yet (a fast first step), replayed once it has. */
    const early: ButlerEvent[] = [];
    let off: (() => void) | null = null;
    node.status({});

    const onEvent = (e: ButlerEvent) => {
      if (!e.type.startsWith('goal.') || e.type === 'goal.started') return;
      const goalId = e.payload.goal_id;
      if (typeof goalId !== 'string') return;
      const f = following.get(goalId);
      if (!f) {
        early.push(e);
        if (early.length > 50) early.shift();
        return;
      }
      const out: NodeMessage = { ...f.msg, topic: e.type, payload: e.payload, goal_id: goalId, event: e };
      if (e.type === 'goal.step') {
        f.steps++;
        node.status({
          fill: 'blue',
          shape: 'dot',
          text: short(`step ${f.steps}/${(f.msg.goal as { steps?: unknown[] })?.steps?.length ?? '?'} · ${clock()}`),
        });
        node.send([out, null]);
        return;
      }
      following.delete(goalId);
      const ok = e.type === 'goal.done';
      node.status({
        fill: ok ? 'green' : 'yellow',
        shape: 'dot',
        text: short(`${ok ? 'done' : String(e.payload.status ?? 'failed')} · ${clock()}`),
      });
      node.send(ok ? [out, null] : [null, out]);
    };

    try {
      off = servicesOf(RED).bus.on('event', onEvent, `flow-node:${node.id}`);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'config error' });
      node.error(`butler-goal: ${errorText(err)}`);
    }

    node.on('input', async (msg, send, done) => {
      try {
        const brain = servicesOf(RED).brain;
        if (!brain) throw new Error('the goal service is missing from the butler services (settings.butler.brain)');
        const text = config.text || (typeof msg.payload === 'string' ? msg.payload : '');
        if (!text.trim()) throw new Error('no goal: set its text in the node, or send msg.payload = "<what to do>"');
        const goal = await brain.goals.start(text, originOf(msg, node));
        const base: NodeMessage = { ...msg, goal };
        following.set(goal.goal_id, { msg: base, steps: 0 });
        node.status({ fill: 'blue', shape: 'ring', text: short(`started: ${goal.steps.length} step(s)`) });
        send([{ ...base, topic: 'goal.started', payload: goal, goal_id: goal.goal_id }, null]);
        for (const e of early.splice(0).filter((x) => x.payload.goal_id === goal.goal_id)) onEvent(e);
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: short(errorText(err)) });
        done(err as Error);
      }
    });
    node.on('close', (_removed, done) => {
      off?.();
      following.clear();
      done();
    });
  }
  RED.nodes.registerType('butler-goal', ButlerGoal);
};
