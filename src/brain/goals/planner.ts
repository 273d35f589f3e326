// Goal decomposition: the GoalPlanner interface (the LLM planner will implement it) and the offline templates.
import type { HassState } from '../../ha/types';
import type { HomeMode, JsonObject, Origin } from '../../types';

export type GoalStep =
  | { kind: 'action'; action_type: string; params: JsonObject; description?: string }
  /** Wait until an entity is in one of the states; fails after timeout_s (default 600). */
  | { kind: 'wait_state'; entity_id: string; state: string | string[]; attribute?: string; timeout_s?: number; description?: string }
  /** Wait until a time of day ("19:00", today; already past means reached) or an ISO date-time. until_ts is fixed when the goal starts. */
  | { kind: 'wait_time'; at: string; until_ts?: number; description?: string };

export interface GoalHome {
  getState(entityId: string): HassState | undefined;
  mode: HomeMode;
  /** Ids of the scenes that exist. */
  scenes: string[];
}

export interface GoalPlanner {
  readonly name: string;
  /** True when a language model proposes the steps: nothing in them counts as asked for by the person. */
  readonly proposes?: boolean;
  /** Steps for the goal, or null when this planner does not know how. */
  decompose(text: string, home: GoalHome, origin?: Origin): Promise<GoalStep[] | null>;
}

const scene = (id: string, description: string): GoalStep => ({
  kind: 'action',
  action_type: 'activate_scene',
  params: { scene_id: id },
  description,
});
const locked = (entity: string): GoalStep => ({
  kind: 'wait_state',
  entity_id: entity,
  state: 'locked',
  timeout_s: 120,
  description: `wait until ${entity} is locked`,
});

interface Template {
  name: string;
  match: RegExp;
  steps(text: string, home: GoalHome): GoalStep[];
}

/** "by 7 pm", "by 19:30", "7点前", "晚上7点" -> "HH:MM". */
export function deadlineOf(text: string): string | null {
  const en = /\bby\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?/i.exec(text);
  const zh = /(上午|下午|晚上)?\s*(\d{1,2})\s*[点點:：]\s*(\d{1,2})?/.exec(text);
  let h: number;
  let m: number;
  if (en) {
    h = Number(en[1]);
    m = Number(en[2] ?? 0);
    const ap = en[3]?.toLowerCase().replace(/\./g, '');
    if (ap === 'pm' && h < 12) h += 12;
    if (ap === 'am' && h === 12) h = 0;
  } else if (zh) {
    h = Number(zh[2]);
    m = Number(zh[3] ?? 0);
    if ((zh[1] === '下午' || zh[1] === '晚上') && h < 12) h += 12;
  } else return null;
  if (h > 23 || m > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

const TEMPLATES: Template[] = [
  {
    name: 'good_night',
    match: /\bgood\s*night\b|\bnight\s*night\b|晚安/i,
    steps: (_t, home) => [
      scene('sleep', 'sleep scene: lights down, doors locked, mode night'),
      ...(home.getState('lock.front_door') ? [locked('lock.front_door')] : []),
    ],
  },
  {
    name: 'leaving_home',
    match: /\b(i'?m|i am)\s+(leaving|heading out|off|going out)\b|\bleaving\s+(home|the house|now)\b|\bgoodbye\b|我(要)?出门了?|出门了/i,
    steps: (_t, home) => [
      scene('away', 'away scene: lights off, covers closed, doors locked, mode away'),
      ...(home.getState('lock.front_door') ? [locked('lock.front_door')] : []),
    ],
  },
  {
    name: 'back_home',
    match: /\b(i'?m|i am)\s+(back|home)\b|\bback\s+home\b|我回来了|回来了|到家了/i,
    steps: () => [scene('home', 'home scene: lights on, covers open, mode home')],
  },
  {
    name: 'guests',
    match: /\bguests?\b|\bvisitors?\b|客人/i,
    steps: (text) => {
      const by = deadlineOf(text);
      const steps: GoalStep[] = [];
      if (by) {
        const [h, m] = by.split(':').map(Number);
        const start = h * 60 + m - 30;
        if (start >= 0)
          steps.push({
            kind: 'wait_time',
            at: `${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}`,
            description: `start 30 minutes before ${by}`,
          });
      }
      steps.push(scene('home', 'home scene: lights on, covers open, 21 °C'));
      return steps;
    },
  },
];

/** The offline decomposition: a few household goals in English and Chinese. */
export class TemplateGoalPlanner implements GoalPlanner {
  readonly name = 'template';

  async decompose(text: string, home: GoalHome): Promise<GoalStep[] | null> {
    const t = TEMPLATES.find((x) => x.match.test(text));
    if (!t) return null;
    return t
      .steps(text, home)
      .filter((s) => s.kind !== 'action' || s.action_type !== 'activate_scene' || home.scenes.includes(String(s.params.scene_id)));
  }

  /** Which template matches (for the goal's `planner` column). */
  templateOf(text: string): string | null {
    return TEMPLATES.find((x) => x.match.test(text))?.name ?? null;
  }
}
