// Scenes: named lists of actions, validated against the registry when saved, run through the door as one plan.
// A scene's result is honest: a status per action, ok only if every action is ok.
import { eq } from 'drizzle-orm';
import { ParamsError } from '../../actions/registry';
import { ConflictError, InvalidError, NotFoundError } from '../../errors';
import { createAjv, describeAjvErrors } from '../../util/schema';
import { brainMeta, scenes as scenesTable } from '../../store/schema/brain';
import { nowSeconds, type ActionRequest, type ActionResult, type JsonObject, type Origin } from '../../types';
import type { BrainDeps } from '../rules/deps';
import { SCENE_PRESETS, type SceneDefinition } from './presets';

export interface Scene extends SceneDefinition {
  description: string;
  preset: boolean;
  created_ts: number;
  updated_ts: number;
}

export interface SceneActivation {
  scene_id: string;
  plan_id: string;
  policy: string;
  ok: boolean;
  /** How many actions did not end ok (error, denied, or waiting for a confirmation). */
  failed: number;
  results: Pick<ActionResult, 'index' | 'action_type' | 'status' | 'output'>[];
}

export const sceneSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'actions'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' },
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', maxLength: 1000 },
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action_type'],
        properties: { action_type: { type: 'string', minLength: 1 }, params: { type: 'object' } },
      },
    },
  },
} as const;

const validateShape = createAjv().compile(sceneSchema);

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 64) || 'scene'
  );
}

export class SceneService {
  private readonly scenes = new Map<string, Scene>();
  private readonly listeners = new Set<(scenes: Scene[]) => void>();

  constructor(private readonly deps: BrainDeps) {}

  /** Loads stored scenes; seeds the presets once (a deleted preset stays deleted). */
  load(): void {
    const db = this.deps.db.db;
    const seeded = db.select().from(brainMeta).where(eq(brainMeta.key, 'scene_presets_seeded')).get();
    if (!seeded) {
      const ts = nowSeconds();
      this.deps.db.sqlite.transaction(() => {
        for (const p of SCENE_PRESETS) {
          db.insert(scenesTable)
            .values({
              id: p.id,
              name: p.name,
              description: p.description ?? '',
              actions: JSON.stringify(p.actions),
              preset: true,
              created_ts: ts,
              updated_ts: ts,
            })
            .onConflictDoNothing()
            .run();
        }
        db.insert(brainMeta)
          .values({ key: 'scene_presets_seeded', value: String(ts) })
          .run();
      })();
    }
    for (const row of db.select().from(scenesTable).all()) {
      let actions: ActionRequest[] = [];
      try {
        actions = JSON.parse(row.actions) as ActionRequest[];
      } catch (err) {
        this.deps.log.warn({ scene: row.id, err: (err as Error).message }, 'a stored scene is not valid JSON; it has no actions');
      }
      this.scenes.set(row.id, {
        id: row.id,
        name: row.name,
        description: row.description,
        actions,
        preset: row.preset,
        created_ts: row.created_ts,
        updated_ts: row.updated_ts,
      });
    }
  }

  /** Reads the stored scenes again (an import wrote some in its own transaction) and tells the listeners. */
  reload(): void {
    this.scenes.clear();
    this.load();
    this.changed();
  }

  list(): Scene[] {
    return [...this.scenes.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): Scene | null {
    return this.scenes.get(id) ?? null;
  }

  /** Called with the full list after every change (MQTT discovery keeps one button per scene). */
  onChange(fn: (scenes: Scene[]) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    const all = this.list();
    for (const fn of this.listeners) {
      try {
        fn(all);
      } catch (err) {
        this.deps.log.warn({ err }, 'scene change listener failed');
      }
    }
  }

  /** Validates a scene body: shape, then every action against the registry. Returns the normalised definition. */
  validate(input: unknown): SceneDefinition {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      throw InvalidError.fields('scene', ['(root): a scene must be an object']);
    const copy = structuredClone(input) as JsonObject;
    if (!validateShape(copy)) throw InvalidError.fields('scene', describeAjvErrors(validateShape.errors));
    const def = copy as unknown as SceneDefinition;
    const errors: string[] = [];
    def.actions = def.actions.map((a, i) => {
      if (!this.deps.registry.has(a.action_type)) {
        errors.push(`/actions/${i}/action_type: unknown action "${a.action_type}"`);
        return a;
      }
      try {
        return { action_type: a.action_type, params: this.deps.registry.validate(a.action_type, a.params ?? {}) };
      } catch (err) {
        const details = err instanceof ParamsError ? err.details : [(err as Error).message];
        for (const d of details) errors.push(`/actions/${i}/params${d.startsWith('/') ? '' : ': '}${d.replace(/^\(root\): /, '')}`);
        return a;
      }
    });
    if (errors.length) throw InvalidError.fields('scene', errors);
    def.id ??= slug(def.name);
    return def;
  }

  create(input: unknown): Scene {
    const def = this.validate(input);
    if (this.scenes.has(def.id)) throw new ConflictError(`a scene with id "${def.id}" exists: use PUT /api/scenes/${def.id} to change it`);
    return this.save(def, false);
  }

  update(id: string, input: unknown): Scene {
    const existing = this.scenes.get(id);
    if (!existing) throw new NotFoundError(`no scene with id "${id}"`);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
      const given = (input as { id?: unknown }).id;
      if (given !== undefined && given !== id)
        throw InvalidError.fields('scene', [`/id: "${String(given)}" does not match the scene being changed ("${id}")`]);
      input = { ...input, id };
    }
    return this.save(this.validate(input), existing.preset);
  }

  remove(id: string): boolean {
    if (!this.scenes.delete(id)) return false;
    this.deps.db.db.delete(scenesTable).where(eq(scenesTable.id, id)).run();
    this.changed();
    return true;
  }

  private save(def: SceneDefinition, preset: boolean): Scene {
    const ts = nowSeconds();
    const created = this.scenes.get(def.id)?.created_ts ?? ts;
    const scene: Scene = {
      id: def.id,
      name: def.name,
      description: def.description ?? '',
      actions: def.actions,
      preset,
      created_ts: created,
      updated_ts: ts,
    };
    this.deps.db.db
      .insert(scenesTable)
      .values({ ...scene, actions: JSON.stringify(scene.actions) })
      .onConflictDoUpdate({
        target: scenesTable.id,
        set: { name: scene.name, description: scene.description, actions: JSON.stringify(scene.actions), updated_ts: ts },
      })
      .run();
    this.scenes.set(scene.id, scene);
    this.changed();
    return scene;
  }

  /** Runs the scene's actions through the door as one plan; the origin's trust carries over. */
  async activate(id: string, origin: Origin, opts: { triggered_by_event_id?: string | null } = {}): Promise<SceneActivation> {
    const scene = this.scenes.get(id);
    if (!scene) throw new NotFoundError(`no scene with id "${id}" (scenes: ${[...this.scenes.keys()].join(', ') || 'none'})`);
    const out = await this.deps.door.execute({
      actions: scene.actions,
      origin,
      triggered_by_event_id: opts.triggered_by_event_id ?? null,
      reason: `scene ${scene.id}: ${scene.name}`,
    });
    const results = out.results.map((r) => ({ index: r.index, action_type: r.action_type, status: r.status, output: r.output }));
    const failed = results.filter((r) => r.status !== 'ok').length;
    return {
      scene_id: scene.id,
      plan_id: out.plan_id,
      policy: out.policy,
      ok: failed === 0 && results.length === scene.actions.length,
      failed,
      results,
    };
  }

  /** activate_scene and get_scenes in the action registry. */
  private readonly registered: string[] = [];

  /** Removes the actions this service registered (a stopped service must not keep serving them). */
  unregisterActions(): void {
    for (const name of this.registered.splice(0)) this.deps.registry.unregister(name);
  }

  registerActions(): void {
    const reg = this.deps.registry;
    if (!reg.has('activate_scene')) {
      this.registered.push('activate_scene');
      reg.register({
        name: 'activate_scene',
        description:
          'Activate a scene (home, away, sleep, movie, wake or a saved one) by its id; every action of the scene runs as one plan.',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['scene_id'],
          properties: { scene_id: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        risk: 'safe',
        timeoutMs: 120_000,
        handler: async (p, ctx) => {
          const res = await this.activate(String(p.scene_id), { ...ctx.origin, source: 'scene' });
          if (!res.ok) {
            const bad = res.results
              .filter((r) => r.status !== 'ok')
              .map(
                (r) =>
                  `#${r.index} ${r.action_type}: ${r.status}${r.output && typeof r.output === 'object' && 'error' in r.output ? ` (${String((r.output as JsonObject).error)})` : ''}`,
              );
            throw new Error(
              `scene ${res.scene_id}: ${res.failed} of ${res.results.length} actions did not succeed (plan ${res.plan_id}): ${bad.join('; ')}`,
            );
          }
          return res;
        },
      });
    }
    if (!reg.has('get_scenes')) {
      this.registered.push('get_scenes');
      reg.register({
        name: 'get_scenes',
        description: 'List the scenes that can be activated, with their ids and what they do.',
        params: { type: 'object', additionalProperties: false, properties: {} },
        risk: 'safe',
        handler: async () => ({
          scenes: this.list().map((s) => ({ id: s.id, name: s.name, description: s.description, actions: s.actions.length })),
        }),
      });
    }
  }
}
