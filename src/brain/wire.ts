// Builds, loads and starts the rule, scene and goal services and registers their actions; BrainPart runs them as a
// part of the butler, tests start them on the test core.
import type { MqttClient } from 'mqtt';
import type { Part } from '../parts/part';
import { TemplateGoalPlanner } from './goals/planner';
import { GoalService } from './goals/goals';
import type { BrainDeps } from './rules/deps';
import { RuleEngine } from './rules/engine';
import { SceneService } from './scenes/scenes';

export interface BrainServices {
  rules: RuleEngine;
  scenes: SceneService;
  goals: GoalService;
  stop(): Promise<void>;
}

/** The rule, scene and goal services from a narrow set of dependencies. */
export async function startBrainWith(deps: BrainDeps): Promise<BrainServices> {
  const scenes = new SceneService(deps);
  scenes.load();
  scenes.registerActions();
  const goals = new GoalService(deps, [new TemplateGoalPlanner()], () => scenes.list().map((s) => s.id));
  goals.registerActions();
  // Rules load after the brain's own actions exist, so rules may name activate_scene / execute_goal.
  const rules = new RuleEngine(deps);
  rules.load();
  rules.start();
  goals.resume();
  return {
    rules,
    scenes,
    goals,
    async stop() {
      await rules.stop();
      await goals.stop();
      scenes.unregisterActions();
      goals.unregisterActions();
    },
  };
}

export type BrainHost = Omit<BrainDeps, 'mqtt'> & { mqtt: { client: MqttClient } };

/** Rules, scenes and goals as a part of the butler. MQTT is connected before it starts (topic triggers). */
export class BrainPart implements Part<BrainHost> {
  readonly name = 'brain';
  private current: BrainServices | null = null;

  get services(): BrainServices {
    if (!this.current) throw new Error('rules, scenes and goals are not running');
    return this.current;
  }

  /** Null when the part failed to start (the API then answers 503 for rules, scenes and goals). */
  get running(): BrainServices | null {
    return this.current;
  }

  async start(host: BrainHost): Promise<void> {
    this.current = await startBrainWith({ ...host, mqtt: () => host.mqtt.client });
  }

  async stop(): Promise<void> {
    await this.current?.stop();
  }
}
