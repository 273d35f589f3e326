// Goals decomposed by the language model: one forced tool call returns the steps, which are checked (shape, cap, every
// action against the registry, waits for sane values) before anything is stored. The steps then run like any goal's,
// each through the door, with the trust of whoever asked and nothing counted as asked for: a sensitive step waits.
import type { ConverseRequest } from '../planner/types';
import type { JsonObject, Origin } from '../../types';
import type { GoalHome, GoalPlanner, GoalStep } from './planner';

/** Most steps a model may propose for one goal. */
export const MAX_MODEL_STEPS = 12;

export const goalStepsTool = {
  name: 'propose_goal_steps',
  description:
    'Split the household goal into ordered steps: actions (one of the butler tools, with its params), waits until an entity is in a state, or waits until a time.',
  input_schema: {
    type: 'object',
    required: ['steps'],
    properties: {
      steps: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_MODEL_STEPS,
        items: {
          type: 'object',
          required: ['kind'],
          properties: {
            kind: { type: 'string', enum: ['action', 'wait_state', 'wait_time'] },
            action_type: { type: 'string', description: 'for action: the tool name' },
            params: { type: 'object', description: 'for action: the tool input' },
            entity_id: { type: 'string', description: 'for wait_state' },
            state: { type: 'string', description: 'for wait_state: the state to wait for' },
            timeout_s: { type: 'number', description: 'for wait_state: give up after this many seconds' },
            at: { type: 'string', description: 'for wait_time: HH:MM today or an ISO date-time' },
            description: { type: 'string', description: 'what the step does, in a few words' },
          },
        },
      },
    },
  },
};

const INSTRUCTIONS =
  'Decompose the goal in the last message into steps by calling propose_goal_steps once. Use only the tools and entities listed; at most 12 steps; prefer few. Do not add anything the goal does not need.';

/** A goal's steps were refused before anything ran; the message names what was wrong. */
export class GoalStepsRejected extends Error {}

export interface ModelGoalHost {
  /** The planner's structured call (Planner.propose). Null means no model is configured. */
  propose(req: ConverseRequest, tool: typeof goalStepsTool, instructions: string): Promise<unknown | null>;
  /** The goal service's step check (GoalService.checkSteps); throws naming each wrong step. */
  checkSteps(steps: GoalStep[]): GoalStep[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The model's answer as goal steps: known fields only, shape checked, capped. */
export function stepsFromModel(answer: unknown): GoalStep[] {
  const raw = (answer as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(raw)) throw new GoalStepsRejected('steps: the model gave no list of steps');
  if (raw.length === 0) throw new GoalStepsRejected('steps: the model gave no steps');
  if (raw.length > MAX_MODEL_STEPS) throw new GoalStepsRejected(`steps: the model gave ${raw.length} steps; at most ${MAX_MODEL_STEPS}`);
  return raw.map((r, i): GoalStep => {
    const s = (r && typeof r === 'object' && !Array.isArray(r) ? r : {}) as Record<string, unknown>;
    const description = str(s.description)?.slice(0, 200);
    const common = description ? { description } : {};
    if (s.kind === 'action') {
      const action_type = str(s.action_type);
      if (!action_type) throw new GoalStepsRejected(`steps/${i}/action_type: missing`);
      const params = s.params && typeof s.params === 'object' && !Array.isArray(s.params) ? s.params : {};
      return { kind: 'action', action_type, params: params as JsonObject, ...common };
    }
    if (s.kind === 'wait_state') {
      const entity_id = str(s.entity_id);
      const state = str(s.state);
      if (!entity_id || !state) throw new GoalStepsRejected(`steps/${i}: wait_state needs entity_id and state`);
      return { kind: 'wait_state', entity_id, state, ...(typeof s.timeout_s === 'number' ? { timeout_s: s.timeout_s } : {}), ...common };
    }
    if (s.kind === 'wait_time') {
      const at = str(s.at);
      if (!at) throw new GoalStepsRejected(`steps/${i}/at: missing`);
      return { kind: 'wait_time', at, ...common };
    }
    throw new GoalStepsRejected(`steps/${i}/kind: must be "action", "wait_state" or "wait_time"`);
  });
}

export class ModelGoalPlanner implements GoalPlanner {
  readonly name = 'llm';
  readonly proposes = true;

  constructor(private readonly host: ModelGoalHost) {}

  async decompose(text: string, _home: GoalHome, origin?: Origin): Promise<GoalStep[] | null> {
    const answer = await this.host.propose({ text, origin: origin ?? { source: 'goal', trusted: false } }, goalStepsTool, INSTRUCTIONS);
    if (answer === null) return null;
    const steps = stepsFromModel(answer);
    try {
      return this.host.checkSteps(steps);
    } catch (err) {
      throw new GoalStepsRejected((err as Error).message);
    }
  }
}
