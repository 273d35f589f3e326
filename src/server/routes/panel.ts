// The small read-only routes the sidebar panel needs beyond the API: running timers and tasks, the settings page
// (options in effect with secrets and URL credentials hidden, the safety posture), and for the rule editor a
// validation that names the wrong field and a dry run of a rule against a past event (nothing executed).
import type { FastifyInstance } from 'fastify';
import type { ScheduledTask } from '../../actions/scheduler';
import type { ActionRegistry } from '../../actions/registry';
import type { ModeState } from '../../actions/modes';
import { evaluateAll, evaluateCondition, type ConditionContext } from '../../brain/rules/conditions';
import { TRUSTED_EVENT_SOURCES } from '../../brain/rules/deps';
import type { Condition, Rule, RuleStep } from '../../brain/rules/schema';
import { eventMatches } from '../../brain/rules/trigger-index';
import type { BrainServices } from '../../brain/wire';
import { InvalidError, NotFoundError, UnavailableError } from '../../errors';
import type { HomeAssistantConnection } from '../../ha/types';
import type { AuditStore } from '../../store/audit';
import type { ButlerEvent, JsonObject } from '../../types';
import { checkReferences } from '../references';
import { confirmationTable } from '../confirmation-table';

export interface PanelRoutesHost {
  http: { app: FastifyInstance };
  audit: AuditStore;
  registry: ActionRegistry;
  modes: ModeState;
  ha: HomeAssistantConnection;
  brain: () => BrainServices | null;
  /** Pending scheduled tasks (timers are the ones named `timer:<name>`); absent where no scheduler runs. */
  scheduler?: { list(status?: ScheduledTask['status']): ScheduledTask[] };
  /** The options in effect, secrets already replaced (redactOptions). */
  options?: Record<string, unknown>;
  /** The deployed flows for the reference check; null while the flows are not running. */
  flows?: () => Promise<unknown[] | null>;
  /** Usage per day (requests, tokens, cost, who answered, stage latencies); absent where it is not recorded. */
  usage?: { report(days: number): unknown };
}

const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i;

/** Hides `user:password@` inside any URL-valued option, on top of the secret options redactOptions already hid. */
export function hideUrlCredentials(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) out[k] = typeof v === 'string' ? v.replace(URL_CREDENTIALS, '$1[redacted]@') : v;
  return out;
}

export interface DryRunStep {
  action_type: string;
  params: JsonObject;
  risk: string;
}

export interface DryRun {
  would_run: boolean;
  /** Why nothing would run (no trigger matches, a condition is false), in words. */
  why: string | null;
  trigger: number | null;
  conditions: { condition: Condition; holds: boolean }[];
  actions: DryRunStep[];
  delays: number;
}

/** What `rule` would have done for event `e` now (conditions read the current state): nothing is run. */
export function dryRun(rule: Rule, e: ButlerEvent, ctx: ConditionContext, registry: ActionRegistry): DryRun {
  const trigger = rule.triggers.findIndex((t) => t.kind === 'event' && t.type === e.type && eventMatches(t, e));
  const conditions = rule.conditions.map((condition) => ({ condition, holds: evaluateCondition(condition, ctx) }));
  const out: DryRun = { would_run: false, why: null, trigger: trigger >= 0 ? trigger : null, conditions, actions: [], delays: 0 };
  if (trigger < 0) {
    const kinds = [...new Set(rule.triggers.map((t) => (t.kind === 'event' ? `event "${t.type}"` : t.kind)))].join(', ');
    out.why = `no trigger matches the event "${e.type}" from "${e.source}" (the rule listens to ${kinds})`;
    return out;
  }
  if (!rule.enabled) out.why = 'the rule is disabled';
  const failed = conditions.findIndex((c) => !c.holds);
  if (failed >= 0) {
    out.why = `condition ${failed + 1} (${conditions[failed].condition.kind}) does not hold now`;
    return out;
  }
  const walk = (steps: RuleStep[]) => {
    for (const step of steps) {
      if ('action_type' in step) {
        const params = step.params ?? {};
        let risk = 'unknown';
        try {
          risk = registry.riskOf(step.action_type, params);
        } catch {
          /* an unregistered action is reported by validation, not here */
        }
        out.actions.push({ action_type: step.action_type, params, risk });
      } else if ('delay' in step) out.delays++;
      else {
        const branch = step.choose.find((b) => evaluateAll(b.conditions, ctx));
        walk(branch ? branch.actions : (step.default ?? []));
      }
    }
  };
  walk(rule.actions);
  out.would_run = rule.enabled;
  return out;
}

export function registerPanelRoutes(host: PanelRoutesHost): void {
  const app = host.http.app;
  const brain = (): BrainServices => {
    const b = host.brain();
    if (!b) throw new UnavailableError('rules, scenes and goals are not running');
    return b;
  };

  app.get('/api/panel/tasks', async () => ({
    tasks: (host.scheduler?.list('pending') ?? []).map((t) => ({
      task_id: t.task_id,
      name: t.name,
      run_at: t.run_at,
      actions: t.actions.map((a) => a.action_type),
      source: t.origin.source,
    })),
  }));

  // Home Assistant's entities by area (an entity's own area, else its device's), with state and last change.
  app.get('/api/panel/devices', async () => {
    const reg = host.ha.registries();
    const deviceArea = new Map(reg.devices.map((d) => [d.id, d.area_id]));
    const entry = new Map(reg.entities.map((e) => [e.entity_id, e]));
    const areaName = new Map(reg.areas.map((a) => [a.area_id, a.name]));
    const groups = new Map<string, { area_id: string | null; name: string | null; entities: unknown[] }>();
    for (const st of [...host.ha.states().values()].sort((a, b) => a.entity_id.localeCompare(b.entity_id))) {
      const e = entry.get(st.entity_id);
      const area = e?.area_id ?? (e?.device_id ? (deviceArea.get(e.device_id) ?? null) : null);
      const key = area ?? '';
      if (!groups.has(key)) groups.set(key, { area_id: area, name: area ? (areaName.get(area) ?? area) : null, entities: [] });
      groups.get(key)!.entities.push({
        entity_id: st.entity_id,
        name: (st.attributes.friendly_name as string | undefined) ?? e?.name ?? st.entity_id,
        state: st.state,
        last_changed: st.last_changed,
      });
    }
    return { areas: [...groups.values()].sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff')) };
  });

  // Rules, scenes and flows that name entities Home Assistant no longer has.
  app.get('/api/references', async () => {
    const b = host.brain();
    const reg = host.ha.registries();
    const known = new Set([...host.ha.states().keys(), ...reg.entities.map((e) => e.entity_id)]);
    return checkReferences({
      connected: host.ha.status().connected,
      known,
      rules: b ? b.rules.list() : null,
      scenes: b ? b.scenes.list() : null,
      flows: host.flows ? await host.flows() : null,
    });
  });

  app.get(
    '/api/usage',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { days: { type: 'integer', minimum: 1, maximum: 366, default: 30 } },
        },
      },
    },
    async (req) => {
      if (!host.usage) throw new UnavailableError('usage is not recorded');
      return host.usage.report((req.query as { days: number }).days);
    },
  );

  app.get('/api/panel/settings', async () => {
    const options = hideUrlCredentials(host.options ?? {});
    const actions = host.registry.list();
    return {
      mode: host.modes.mode,
      privacy: host.modes.privacy,
      mqtt_trusted: options.mqtt_trusted === true,
      exec_allowlist: Array.isArray(options.exec_allowlist) ? options.exec_allowlist : [],
      script_allowlist: Array.isArray(options.script_allowlist) ? options.script_allowlist : [],
      trusted_sources: [...TRUSTED_EVENT_SOURCES].sort(),
      sensitive: actions.filter((a) => a.risk === 'sensitive').map((a) => a.name),
      dangerous: actions.filter((a) => a.risk === 'dangerous').map((a) => a.name),
      confirmations: confirmationTable(host.registry, host.modes, host.ha.states().keys(), options.mqtt_trusted === true),
      options,
    };
  });

  // Validation only, nothing is stored: a question answered with 200 {ok, error?, details?}, each detail naming a field.
  app.post('/api/rules/validate', async (req) => {
    const rules = brain().rules;
    try {
      return { ok: true, rule: rules.validate(req.body) };
    } catch (err) {
      if (!(err instanceof InvalidError)) throw err;
      return { ok: false, error: err.message, details: err.details ?? [err.message] };
    }
  });

  app.post(
    '/api/rules/dry-run',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['rule', 'event_id'],
          properties: { rule: { type: 'object' }, event_id: { type: 'string', minLength: 1, maxLength: 128 } },
        },
      },
    },
    async (req) => {
      const body = req.body as { rule: unknown; event_id: string };
      const rule = brain().rules.validate(body.rule);
      const event = host.audit.getEvent(body.event_id);
      if (!event) throw new NotFoundError(`no event with id "${body.event_id}"`);
      const ctx: ConditionContext = {
        getState: (id) => host.ha.getState(id) ?? undefined,
        mode: host.modes.mode,
        privacy: host.modes.privacy,
        now: new Date(),
      };
      return { event, ...dryRun(rule, event, ctx, host.registry) };
    },
  );
}
