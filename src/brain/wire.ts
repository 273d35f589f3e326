// Builds, loads and starts the rule, scene and goal services and registers their actions.
import type { Butler } from '../service';
import { GoalService } from './goals/service';
import { TemplateGoalPlanner } from './goals/planner';
import type { BrainDeps } from './rules/deps';
import { RuleEngine } from './rules/engine';
import { SceneService } from './scenes/service';

export interface BrainServices {
  rules: RuleEngine;
  scenes: SceneService;
  goals: GoalService;
  stop(): Promise<void>;
}

/** For tests and other hosts: the same services from a narrow set of dependencies. */
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

export async function startBrainServices(butler: Butler): Promise<BrainServices> {
  const services = await startBrainWith({
    bus: butler.bus,
    door: butler.door,
    registry: butler.registry,
    ha: butler.ha,
    db: butler.db,
    ingest: butler.ingest,
    modes: butler.modes,
    log: butler.log.child({ part: 'brain' }),
    // MQTT connects after the brain starts: attach topic triggers when it comes up.
    mqtt: () => (butler as { mqtt?: Butler['mqtt'] }).mqtt?.client ?? null,
  });
  butler.bus.on(
    'backend',
    (b) => {
      if (b.name !== 'mqtt' || !b.ok) return;
      // The first 'connect' is announced before Butler.mqtt is assigned: look once the current turn is over.
      setImmediate(() => {
        const client = (butler as { mqtt?: Butler['mqtt'] }).mqtt?.client;
        if (client) services.rules.attachMqtt(client);
      });
    },
    'brain',
  );
  const stop = services.stop;
  services.stop = async () => {
    butler.bus.removeOwner('brain');
    await stop();
  };
  return services;
}
