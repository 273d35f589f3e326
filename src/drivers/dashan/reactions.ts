// The robot reacts to the planner: "think" while the planner asks the language model, then a face for how the
// request ended. It listens to the planner's activity on the bus (the planner knows nothing of the robot) and asks
// the door for a dashan_expression like anyone else. Nothing waits for it: a robot that is offline is skipped and a
// failed reaction is only logged.
import type { ActionExecutor } from '../../actions/types';
import type { Bus } from '../../bus/bus';
import type { Logger } from '../../log';
import type { Origin, PlannerActivity, PlannerOutcome } from '../../types';
import type { ExpressionName } from './protocol';

/** The face for each way a planner request can end. */
export const REACTIONS: Record<PlannerOutcome, ExpressionName> = {
  done: 'happy',
  answered: 'happy',
  waiting: 'curious',
  failed: 'sad',
  unreachable: 'confused',
};

/** The butler itself asks, for a safe action: the policy allows it without any trust, so none is claimed. */
const ORIGIN: Origin = { source: 'butler', trusted: false };
const OWNER = 'dashan-reactions';

export interface ReactionDeps {
  bus: Bus;
  door: ActionExecutor;
  /** Whether the robot would hear a command now. */
  online: () => boolean;
  log: Logger;
}

export class PlannerReactions {
  readonly counters = { sent: 0, skipped_offline: 0, failed: 0 };

  constructor(private readonly d: ReactionDeps) {}

  start(): void {
    this.d.bus.on('planner', (a) => this.react(a), OWNER);
  }

  stop(): void {
    this.d.bus.removeOwner(OWNER);
  }

  private react(a: PlannerActivity): void {
    const expression = a.phase === 'thinking' ? 'think' : REACTIONS[a.outcome ?? 'failed'];
    if (!this.d.online()) {
      this.counters.skipped_offline++;
      return;
    }
    this.counters.sent++;
    const what = a.phase === 'thinking' ? 'the planner is thinking' : `the planner finished (${a.outcome ?? 'failed'})`;
    this.d.door
      .execute({
        actions: [{ action_type: 'dashan_expression', params: { expression } }],
        origin: ORIGIN,
        reason: `DaShan reacts: ${what}`,
      })
      .then((out) => {
        const r = out.results[0];
        if (r?.status !== 'ok') {
          this.counters.failed++;
          this.d.log.debug({ expression, status: r?.status, output: r?.output }, 'the DaShan reaction did not run');
        }
      })
      .catch((err: unknown) => {
        this.counters.failed++;
        this.d.log.warn({ err: (err as Error).message, expression }, 'the DaShan reaction failed');
      });
  }
}
