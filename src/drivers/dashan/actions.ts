// The DaShan actions: expression (by name), servos (clamped to 0–180), animation, speech, state. The robot is only
// reached through these, so through the door.
import type { ActionRegistry } from '../../actions/registry';
import { UnavailableError } from '../../errors';
import { ANIMATIONS, clampServo, command, EXPRESSION_NAMES, EXPRESSIONS, type ExpressionName, type RobotCommand, STATES } from './protocol';

export interface DashanActionDeps {
  registry: ActionRegistry;
  robot: { send(cmd: RobotCommand): void };
}

export function registerDashanActions(d: DashanActionDeps): void {
  const send = (cmd: RobotCommand) => {
    try {
      d.robot.send(cmd);
    } catch (err) {
      throw new UnavailableError((err as Error).message);
    }
  };
  d.registry.register({
    name: 'dashan_expression',
    description: `Show an expression on the DaShan desk robot's face: ${EXPRESSION_NAMES.join(', ')}.`,
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['expression'],
      properties: {
        expression: { type: 'string', enum: EXPRESSION_NAMES },
        brightness: { type: 'integer', minimum: 0, maximum: 100, default: 80 },
      },
    },
    risk: 'safe',
    provider: 'dashan',
    handler: async (p) => {
      const name = p.expression as ExpressionName;
      const brightness = typeof p.brightness === 'number' ? p.brightness : 80;
      send(command('set_expression', { expression_id: EXPRESSIONS[name], brightness }));
      return { expression: name, expression_id: EXPRESSIONS[name], brightness };
    },
  });
  d.registry.register({
    name: 'dashan_servo',
    description: "Turn the DaShan robot's head: horizontal and vertical angles in degrees (0–180; values outside are clamped).",
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['horizontal', 'vertical'],
      properties: {
        horizontal: { type: 'number', minimum: -10000, maximum: 10000 },
        vertical: { type: 'number', minimum: -10000, maximum: 10000 },
      },
    },
    risk: 'safe',
    provider: 'dashan',
    handler: async (p) => {
      const h = clampServo(p.horizontal as number);
      const v = clampServo(p.vertical as number);
      send(command('set_servo', { servo_h: h, servo_v: v }));
      return { horizontal: h, vertical: v, clamped: h !== p.horizontal || v !== p.vertical };
    },
  });
  d.registry.register({
    name: 'dashan_animation',
    description: `Play an animation on the DaShan robot: ${ANIMATIONS.join(', ')}.`,
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['animation'],
      properties: { animation: { type: 'string', enum: [...ANIMATIONS] } },
    },
    risk: 'safe',
    provider: 'dashan',
    handler: async (p) => {
      send(command('play_animation', { animation: p.animation }));
      return { animation: p.animation };
    },
  });
  d.registry.register({
    name: 'dashan_speak',
    description: 'Have the DaShan robot say a sentence aloud.',
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['text'],
      properties: { text: { type: 'string', minLength: 1, maxLength: 500 } },
    },
    risk: 'safe',
    provider: 'dashan',
    handler: async (p) => {
      send(command('speak', { text: p.text }));
      return { spoken: p.text };
    },
  });
  d.registry.register({
    name: 'dashan_state',
    description: `Put the DaShan robot in a state: ${STATES.join(', ')}.`,
    params: {
      type: 'object',
      additionalProperties: false,
      required: ['state'],
      properties: { state: { type: 'string', enum: [...STATES] } },
    },
    risk: 'safe',
    provider: 'dashan',
    handler: async (p) => {
      send(command('set_state', { state: p.state }));
      return { state: p.state };
    },
  });
}
