// The DaShan desk robot's MQTT protocol (REFERENCE.md): commands on <prefix>/command as {command, params, priority,
// timestamp}; status on <prefix>/status (merged: an update may carry only some fields); logs and camera frames.
// Expression names map to the robot's ids here and nowhere else.

/** The one table of expressions: name → the id the robot's firmware uses. */
export const EXPRESSIONS = {
  sleep: 0,
  normal: 1,
  happy: 2,
  sad: 3,
  think: 4,
  listen: 5,
  talk: 6,
  surprised: 7,
  confused: 8,
  curious: 9,
  shy: 10,
  angry: 11,
  love: 12,
  tired: 13,
  excited: 14,
  blank: 15,
} as const;
export type ExpressionName = keyof typeof EXPRESSIONS;
export const EXPRESSION_NAMES = Object.keys(EXPRESSIONS) as ExpressionName[];

export function expressionName(id: number): ExpressionName | null {
  return EXPRESSION_NAMES.find((n) => EXPRESSIONS[n] === id) ?? null;
}

export const ANIMATIONS = ['blink', 'nod', 'shake', 'tilt', 'look_left', 'look_right', 'surprised', 'happy', 'shy', 'think'] as const;
export const STATES = ['SLEEP', 'WAKE', 'LISTEN', 'THINK', 'TALK'] as const;
export type RobotState = (typeof STATES)[number];

export const SERVO_MIN = 0;
export const SERVO_MAX = 180;

export function clampServo(v: number): number {
  return Math.min(SERVO_MAX, Math.max(SERVO_MIN, Math.round(v)));
}

export interface RobotCommand {
  command: 'set_expression' | 'set_servo' | 'play_animation' | 'speak' | 'set_state';
  params: Record<string, unknown>;
  priority: number;
  timestamp: number;
}

export function command(name: RobotCommand['command'], params: Record<string, unknown>, priority = 1): RobotCommand {
  return { command: name, params, priority, timestamp: Date.now() / 1000 };
}

export interface RobotStatus {
  state?: string;
  expression?: number;
  emotion?: { type: string; intensity: number };
  servo?: { horizontal: number; vertical: number };
  battery?: number;
  proximity?: boolean;
  distance?: number;
  light?: number;
  timestamp?: number;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Merges a status update into what is known. Each field is taken only when it has the right shape; the names of
 * fields that did not are returned (garbage never overwrites a good value). Throws when the update is not an object.
 */
export function mergeStatus(known: RobotStatus, update: unknown): { status: RobotStatus; rejected: string[] } {
  if (!update || typeof update !== 'object' || Array.isArray(update)) throw new Error('status: expected a JSON object');
  const u = update as Record<string, unknown>;
  const s: RobotStatus = { ...known };
  const rejected: string[] = [];
  const take = (k: string, ok: boolean, apply: () => void) => {
    if (!(k in u)) return;
    if (ok) apply();
    else rejected.push(k);
  };
  take('state', typeof u.state === 'string' && u.state.length <= 32, () => {
    s.state = String(u.state).toUpperCase();
  });
  take('expression', isNum(u.expression), () => {
    s.expression = u.expression as number;
  });
  const em = u.emotion as Record<string, unknown> | undefined;
  take('emotion', !!em && typeof em === 'object' && typeof em.type === 'string' && isNum(em.intensity), () => {
    s.emotion = { type: String(em?.type), intensity: em?.intensity as number };
  });
  const sv = u.servo as Record<string, unknown> | undefined;
  take('servo', !!sv && typeof sv === 'object' && (isNum(sv.horizontal) || isNum(sv.vertical)), () => {
    s.servo = {
      horizontal: isNum(sv?.horizontal) ? sv.horizontal : (known.servo?.horizontal ?? 90),
      vertical: isNum(sv?.vertical) ? sv.vertical : (known.servo?.vertical ?? 90),
    };
  });
  take('battery', isNum(u.battery) && (u.battery as number) >= 0 && (u.battery as number) <= 100, () => {
    s.battery = u.battery as number;
  });
  take('proximity', typeof u.proximity === 'boolean' || isNum(u.proximity), () => {
    s.proximity = Boolean(u.proximity);
  });
  take('distance', isNum(u.distance), () => {
    s.distance = u.distance as number;
  });
  take('light', isNum(u.light), () => {
    s.light = u.light as number;
  });
  take('timestamp', isNum(u.timestamp), () => {
    s.timestamp = u.timestamp as number;
  });
  return { status: s, rejected };
}
