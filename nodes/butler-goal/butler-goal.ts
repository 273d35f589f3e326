// Starts a goal from text (msg.payload, or the node's text) and follows it: one message when it starts (the goal and
// its steps), one per finished step (topic goal.step), and one when it ends (goal.done on the first output;
// goal.failed / cancelled on the second). Progress comes from the goal.* butler events.
import type { ButlerEvent } from '../../src/types';
import { defineNode } from '../lib/node';
import { originOf, short, type NodeDef, type NodeMessage } from '../lib/red';

interface Config extends NodeDef {
  text: string;
}

interface Following {
  /** goal id → the message that started it (its properties travel on with every progress message). */
  goals: Map<string, { msg: NodeMessage; steps: number }>;
  /** Events of goals whose start() has not returned yet (a fast first step), replayed once it has. */
  early: ButlerEvent[];
  onEvent(e: ButlerEvent): void;
}

export = defineNode<Config, Following>({
  type: 'butler-goal',
  version: 1,
  migrations: { 0: (c) => ({ ...c, text: c.text ?? '' }) },
  start({ listen, onClose, show, send }) {
    const goals: Following['goals'] = new Map();
    const early: ButlerEvent[] = [];
    const onEvent = (e: ButlerEvent) => {
      if (!e.type.startsWith('goal.') || e.type === 'goal.started') return;
      const goalId = e.payload.goal_id;
      if (typeof goalId !== 'string') return;
      const f = goals.get(goalId);
      if (!f) {
        early.push(e);
        if (early.length > 50) early.shift();
        return;
      }
      const out: NodeMessage = { ...f.msg, topic: e.type, payload: e.payload, goal_id: goalId, event: e };
      if (e.type === 'goal.step' && e.payload.status === 'waiting') {
        // a step held for a person's approval: the goal pauses, the flow hears why
        show({ text: 'waiting for approval', fill: 'yellow', shape: 'ring' });
        send([out, null]);
        return;
      }
      if (e.type === 'goal.step') {
        f.steps++;
        show({ text: `step ${f.steps}/${(f.msg.goal as { steps?: unknown[] })?.steps?.length ?? '?'}`, fill: 'blue' });
        send([out, null]);
        return;
      }
      goals.delete(goalId);
      const ok = e.type === 'goal.done';
      show({ text: ok ? 'done' : String(e.payload.status ?? 'failed'), fill: ok ? 'green' : 'yellow' });
      send(ok ? [out, null] : [null, out]);
    };
    listen('event', onEvent);
    onClose(() => goals.clear());
    return { goals, early, onEvent };
  },
  async onInput(msg, { node, config, brain, status, send }, { goals, early, onEvent }) {
    const { goals: service } = brain('the goal service');
    const text = config.text || (typeof msg.payload === 'string' ? msg.payload : '');
    if (!text.trim()) throw new Error('no goal: set its text in the node, or send msg.payload = "<what to do>"');
    const goal = await service.start(text, originOf(msg, node));
    const base: NodeMessage = { ...msg, goal };
    goals.set(goal.goal_id, { msg: base, steps: 0 });
    // Shown and sent here, before the replay, so that the start comes before its steps.
    status({ fill: 'blue', shape: 'ring', text: short(`started: ${goal.steps.length} step(s)`) });
    send([{ ...base, topic: 'goal.started', payload: goal, goal_id: goal.goal_id }, null]);
    for (const e of early.splice(0).filter((x) => x.payload.goal_id === goal.goal_id)) onEvent(e);
    return null;
  },
});
