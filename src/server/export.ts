// Export and import of what a person made: flows (credentials stay encrypted), rules, scenes, goals, memories, the IR
// code library, and the options in effect without secrets. An import is checked as a whole first (format, version,
// every section), then written in one transaction; the flows are deployed only once that transaction has committed.
import { asc, eq } from 'drizzle-orm';
import type { Rule } from '../brain/rules/schema';
import { RuleStore } from '../brain/rules/rule-store';
import { rulesFromDocument } from '../brain/rules/import-document';
import type { SceneDefinition } from '../brain/scenes/presets';
import type { BrainServices } from '../brain/wire';
import type { MemoryStore } from '../brain/memory/store';
import { MAX_MEMORY_CHARS, MAX_SUBJECT_CHARS } from '../brain/memory/store';
import { foldForIndex } from '../brain/memory/text';
import type { ActionRegistry } from '../actions/registry';
import { normaliseCode } from '../drivers/broadlink/library';
import { InvalidError, ServiceError, UnavailableError } from '../errors';
import { knownMigrations, type OpenedDb } from '../store/db';
import { goalSteps, goals, scenes } from '../store/schema/brain';
import { nrCredentials, nrFlows } from '../store/schema/flows';
import { irCodes } from '../store/schema/ir';
import { memories } from '../store/schema/memory';
import { nowSeconds } from '../types';
import { createAjv, describeAjvErrors } from '../util/schema';

export const EXPORT_FORMAT = 'smart-butler-export' as const;
/** The document's own version: an import of a newer one is refused (this butler would not know what it holds). */
export const EXPORT_VERSION = 1;

/** The migrations this butler knows, oldest first (an export names the newest its database had). */
/** What the import deploys flows with; null when the flows part is not running. */
export interface FlowDeployer {
  opensCredentials(blob: Record<string, unknown>): boolean;
  deploy(flows: Record<string, unknown>[], credentials: Record<string, unknown> | null, user: string): Promise<unknown>;
}

export interface ExportHost {
  db: OpenedDb;
  registry: ActionRegistry;
  brain: () => BrainServices | null;
  memory: MemoryStore | null;
  flows: () => FlowDeployer | null;
  /** The options in effect, secrets already replaced (redactOptions). */
  options?: Record<string, unknown>;
  version: string;
}

interface ExportedGoal {
  goal_id: string;
  text: string;
  status: string;
  planner: string;
  current_step: number;
  origin: unknown;
  event_id: string | null;
  error: string | null;
  created_ts: number;
  updated_ts: number;
  steps: { index: number; step: unknown; status: string; result: unknown; started_ts: number | null; finished_ts: number | null }[];
}

export interface ExportDocument {
  format: typeof EXPORT_FORMAT;
  version: number;
  butler_version: string;
  migration: string;
  exported_ts: number;
  flows: { flows: Record<string, unknown>[]; credentials: Record<string, unknown> | null } | null;
  rules: unknown[];
  scenes: { id: string; name: string; description: string; actions: unknown; preset: boolean }[];
  goals: ExportedGoal[];
  memories: { text: string; subject: string | null; source: string; user: string | null; trusted: boolean; created_ts: number }[];
  ir_codes: { device: string; command: string; codes: unknown; source: string; blaster: string | null }[];
  options: Record<string, unknown>;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Drops every "[redacted]" value: an export carries no secret, not even its placeholder. */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== '[redacted]') out[k] = withoutSecrets(v);
    return out;
  }
  return value;
}

export function buildExport(host: ExportHost): ExportDocument {
  const db = host.db.db;
  // One read transaction: every section comes from the same moment.
  return host.db.sqlite.transaction(() => {
    const flowsRow = db.select().from(nrFlows).where(eq(nrFlows.id, 'main')).get();
    const credRow = db.select().from(nrCredentials).where(eq(nrCredentials.id, 'main')).get();
    const credentials = credRow ? (parseJson(credRow.credentials) as Record<string, unknown>) : null;
    const steps = db.select().from(goalSteps).orderBy(asc(goalSteps.goal_id), asc(goalSteps.idx)).all();
    const stepsOf = new Map<string, ExportedGoal['steps']>();
    for (const s of steps) {
      const list = stepsOf.get(s.goal_id) ?? [];
      list.push({
        index: s.idx,
        step: parseJson(s.step),
        status: s.status,
        result: parseJson(s.result),
        started_ts: s.started_ts,
        finished_ts: s.finished_ts,
      });
      stepsOf.set(s.goal_id, list);
    }
    const migrations = knownMigrations();
    return {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      butler_version: host.version,
      migration: migrations[migrations.length - 1],
      exported_ts: nowSeconds(),
      flows: flowsRow
        ? {
            flows: parseJson(flowsRow.flows) as Record<string, unknown>[],
            credentials: credentials && typeof credentials.$ === 'string' ? credentials : null,
          }
        : null,
      rules: new RuleStore(host.db)
        .all()
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((r) => parseJson(r.definition)),
      scenes: db
        .select()
        .from(scenes)
        .orderBy(asc(scenes.id))
        .all()
        .map((s) => ({ id: s.id, name: s.name, description: s.description, actions: parseJson(s.actions), preset: s.preset })),
      goals: db
        .select()
        .from(goals)
        .orderBy(asc(goals.created_ts))
        .all()
        .map((g) => ({ ...g, origin: parseJson(g.origin), steps: stepsOf.get(g.goal_id) ?? [] })),
      memories: db
        .select({
          text: memories.text,
          subject: memories.subject,
          source: memories.source,
          user: memories.user,
          trusted: memories.trusted,
          created_ts: memories.created_ts,
        })
        .from(memories)
        .orderBy(asc(memories.id))
        .all(),
      ir_codes: db
        .select({
          device: irCodes.device,
          command: irCodes.command,
          codes: irCodes.codes,
          source: irCodes.source,
          blaster: irCodes.blaster,
        })
        .from(irCodes)
        .orderBy(asc(irCodes.device), asc(irCodes.command))
        .all()
        .map((c) => ({ ...c, codes: parseJson(c.codes) })),
      options: withoutSecrets(host.options ?? {}) as Record<string, unknown>,
    };
  })();
}

/** As the code library names devices and commands. */
const irName = { type: 'string', pattern: '^[\\p{L}\\p{N} _./-]{1,64}$' } as const;
const ts = { type: 'number', minimum: 0 } as const;

/** The document's shape; what each section means is checked after (rules and scenes against the action registry). */
const documentSchema = {
  type: 'object',
  required: ['format', 'version'],
  additionalProperties: false,
  properties: {
    format: { const: EXPORT_FORMAT },
    version: { type: 'integer', minimum: 1 },
    butler_version: { type: 'string' },
    migration: { type: 'string', minLength: 1 },
    exported_ts: ts,
    flows: {
      type: ['object', 'null'],
      required: ['flows'],
      additionalProperties: false,
      properties: {
        flows: {
          type: 'array',
          maxItems: 20_000,
          items: {
            type: 'object',
            required: ['id', 'type'],
            properties: { id: { type: 'string', minLength: 1 }, type: { type: 'string', minLength: 1 } },
          },
        },
        credentials: {
          type: ['object', 'null'],
          required: ['$'],
          additionalProperties: false,
          properties: { $: { type: 'string', minLength: 32 } },
        },
      },
    },
    rules: { type: 'array', maxItems: 1000 },
    scenes: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', minLength: 1, maxLength: 128 }, preset: { type: 'boolean' } },
      },
    },
    goals: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['goal_id', 'text', 'status', 'steps'],
        properties: {
          goal_id: { type: 'string', minLength: 1, maxLength: 128 },
          text: { type: 'string', minLength: 1, maxLength: 1000 },
          status: { enum: ['running', 'done', 'failed', 'cancelled'] },
          planner: { type: 'string' },
          current_step: { type: 'integer', minimum: 0 },
          origin: { type: 'object' },
          event_id: { type: ['string', 'null'] },
          error: { type: ['string', 'null'] },
          created_ts: ts,
          updated_ts: ts,
          steps: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['index', 'step', 'status'],
              properties: {
                index: { type: 'integer', minimum: 0 },
                step: { type: 'object', required: ['kind'], properties: { kind: { enum: ['action', 'wait_state', 'wait_time'] } } },
                status: { enum: ['pending', 'running', 'waiting', 'ok', 'failed', 'cancelled', 'interrupted'] },
                result: {},
                started_ts: { type: ['number', 'null'] },
                finished_ts: { type: ['number', 'null'] },
              },
            },
          },
        },
      },
    },
    memories: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['text'],
        properties: {
          text: { type: 'string', minLength: 1, maxLength: MAX_MEMORY_CHARS },
          subject: { type: ['string', 'null'], maxLength: MAX_SUBJECT_CHARS },
          source: { type: 'string', maxLength: 200 },
          user: { type: ['string', 'null'], maxLength: 200 },
          trusted: { type: 'boolean' },
          created_ts: ts,
        },
      },
    },
    ir_codes: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['device', 'command', 'codes'],
        properties: {
          device: irName,
          command: irName,
          codes: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
          source: { enum: ['learned', 'imported'] },
          blaster: { type: ['string', 'null'], maxLength: 64 },
        },
      },
    },
    options: { type: 'object' },
  },
} as const;

const validateDocument = createAjv().compile(documentSchema);

export interface ImportSummary {
  rules: number;
  scenes: number;
  goals: { added: number; already_there: number };
  memories: { added: number; already_there: number };
  ir_codes: number;
  flows: { deployed: boolean; nodes: number };
  /** Options come from the add-on configuration: an import shows them, never applies them. */
  options: 'not applied';
}

/** A document that cannot be imported (400); `details` lists every problem, each naming its place in the document. */
function rejected(details: string[]): InvalidError {
  return new InvalidError(`import rejected, nothing was changed: ${details.join('; ')}`, details);
}

/** Validates the whole document, then writes it in one transaction and deploys its flows after the commit. */
export async function importDocument(host: ExportHost, input: unknown, user: string): Promise<ImportSummary> {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw rejected(['(root): send the JSON object GET /api/export answers']);
  const doc = input as Record<string, unknown>;
  // The format and version first: a newer document is refused as such, not with a list of fields it does not know.
  if (doc.format !== EXPORT_FORMAT)
    throw rejected([`/format: must be "${EXPORT_FORMAT}" (got ${JSON.stringify(doc.format) ?? 'nothing'})`]);
  if (typeof doc.version === 'number' && doc.version > EXPORT_VERSION)
    throw rejected([`/version: ${doc.version} is newer than this butler reads (${EXPORT_VERSION}): update the butler first`]);
  if (typeof doc.migration === 'string' && !knownMigrations().includes(doc.migration))
    throw rejected([`/migration: "${doc.migration}" is a database version this butler does not know: update the butler first`]);
  if (!validateDocument(doc)) throw rejected(describeAjvErrors(validateDocument.errors));
  const d = doc as unknown as Partial<ExportDocument> & { flows?: ExportDocument['flows'] };

  const errors: string[] = [];
  const brain = host.brain();
  const needsBrain = (d.rules?.length ?? 0) + (d.scenes?.length ?? 0) + (d.goals?.length ?? 0) > 0;
  if (needsBrain && !brain) throw new UnavailableError('rules, scenes and goals are not running: nothing was imported');

  let rules: Rule[] = [];
  if (d.rules?.length) {
    try {
      rules = rulesFromDocument(d.rules, host.registry);
    } catch (err) {
      for (const e of (err as InvalidError).details ?? [(err as Error).message]) errors.push(`/rules${e.startsWith('/') ? '' : ': '}${e}`);
    }
  }
  const sceneDefs: (SceneDefinition & { preset: boolean })[] = [];
  d.scenes?.forEach((s, i) => {
    try {
      const { preset, ...def } = s as unknown as SceneDefinition & { preset?: boolean };
      sceneDefs.push({ ...brain!.scenes.validate(def), preset: preset === true });
    } catch (err) {
      for (const e of (err as InvalidError).details ?? [(err as Error).message])
        errors.push(`/scenes/${i}${e.startsWith('/') ? '' : ': '}${e}`);
    }
  });
  const flows = d.flows ?? null;
  const deployer = host.flows();
  if (flows) {
    if (!deployer)
      throw new UnavailableError('flows are off (see /api/health): an export with flows cannot be imported now; nothing was imported');
    const ids = new Set<string>();
    flows.flows.forEach((n, i) => {
      if (ids.has(n.id as string)) errors.push(`/flows/flows/${i}/id: "${n.id as string}" appears twice`);
      ids.add(n.id as string);
    });
    if (flows.credentials && !deployer.opensCredentials(flows.credentials))
      errors.push(
        "/flows/credentials: encrypted with another credential secret than this butler's: set credential_secret to the exporting butler's secret, or remove the credentials and enter them again",
      );
  }
  // Each IR code as the code library checks it (base64 of a Broadlink packet): one code, or a toggle pair.
  const irRows = (d.ir_codes ?? []).map((c, i) => {
    const codes = (c.codes as string[]).map((code, j) => {
      try {
        return normaliseCode(`/ir_codes/${i}/codes/${j}`, code);
      } catch (err) {
        errors.push((err as Error).message);
        return code;
      }
    });
    return { ...c, codes };
  });
  if (errors.length) throw rejected(errors);

  const db = host.db.db;
  const summary: ImportSummary = {
    rules: rules.length,
    scenes: sceneDefs.length,
    goals: { added: 0, already_there: 0 },
    memories: { added: 0, already_there: 0 },
    ir_codes: d.ir_codes?.length ?? 0,
    flows: { deployed: false, nodes: flows?.flows.length ?? 0 },
    options: 'not applied',
  };
  const now = nowSeconds();
  host.db.sqlite.transaction(() => {
    if (rules.length) new RuleStore(host.db).save(rules);
    for (const s of sceneDefs) {
      const row = { name: s.name, description: s.description ?? '', actions: JSON.stringify(s.actions), updated_ts: now };
      db.insert(scenes)
        .values({ id: s.id, ...row, preset: s.preset, created_ts: now })
        .onConflictDoUpdate({ target: scenes.id, set: row })
        .run();
    }
    for (const g of d.goals ?? []) {
      if (db.select({ id: goals.goal_id }).from(goals).where(eq(goals.goal_id, g.goal_id)).get()) {
        summary.goals.already_there++;
        continue;
      }
      // A goal that was running where it was exported is not started here: its steps may have acted there already.
      const running = g.status === 'running';
      db.insert(goals)
        .values({
          goal_id: g.goal_id,
          text: g.text,
          status: running ? 'cancelled' : g.status,
          planner: g.planner ?? '',
          current_step: g.current_step ?? 0,
          origin: JSON.stringify(g.origin ?? {}),
          event_id: g.event_id ?? null,
          error: running ? 'imported while running elsewhere: not resumed here' : (g.error ?? null),
          created_ts: g.created_ts ?? now,
          updated_ts: now,
        })
        .run();
      for (const s of g.steps) {
        const open = s.status === 'pending' || s.status === 'running' || s.status === 'waiting';
        db.insert(goalSteps)
          .values({
            goal_id: g.goal_id,
            idx: s.index,
            step: JSON.stringify(s.step),
            status: open ? 'cancelled' : s.status,
            result: s.result === undefined || s.result === null ? null : JSON.stringify(s.result),
            started_ts: s.started_ts ?? null,
            finished_ts: s.finished_ts ?? null,
          })
          .onConflictDoNothing()
          .run();
      }
      summary.goals.added++;
    }
    for (const m of d.memories ?? []) {
      const text = m.text.replace(/\s+/g, ' ').trim();
      const subject = m.subject?.replace(/\s+/g, ' ').trim() || null;
      const search = foldForIndex(text, subject);
      if (db.select({ id: memories.id }).from(memories).where(eq(memories.search_text, search)).get()) {
        summary.memories.already_there++;
        continue;
      }
      db.insert(memories)
        .values({
          text,
          subject,
          search_text: search,
          source: m.source ?? 'import',
          user: m.user ?? null,
          trusted: m.trusted ?? false,
          created_ts: m.created_ts ?? now,
        })
        .run();
      summary.memories.added++;
    }
    for (const c of irRows) {
      const row = { codes: JSON.stringify(c.codes), source: c.source ?? 'imported', blaster: c.blaster ?? null, updated_ts: now };
      db.insert(irCodes)
        .values({ device: c.device, command: c.command, ...row })
        .onConflictDoUpdate({ target: [irCodes.device, irCodes.command], set: row })
        .run();
    }
  })();

  // Committed: the running services take up what was written, then the flows are deployed.
  if (rules.length) brain!.rules.adopt(rules);
  if (sceneDefs.length) brain!.scenes.reload();
  if (summary.memories.added) host.memory?.markImported();
  if (flows && deployer) {
    try {
      await deployer.deploy(flows.flows, flows.credentials ?? null, user);
      summary.flows.deployed = true;
    } catch (err) {
      throw new FlowsNotDeployed(summary, (err as Error).message);
    }
  }
  return summary;
}

/** The data was imported but Node-RED refused the flows (500, with what was imported). */
export class FlowsNotDeployed extends ServiceError {
  readonly statusCode = 500;
  constructor(
    readonly summary: ImportSummary,
    reason: string,
  ) {
    super(`the data was imported but the flows were not deployed: ${reason}`);
  }
}
