// Node-RED's storage module over the butler's SQLite file: flows, credentials, settings, sessions, library,
// and a revision for every deploy (who, when, what changed).
//
// Node-RED finds getSettings/saveSettings/getSessions/saveSessions with hasOwnProperty, so every method here is an
// own property of a plain object (a class would hide them on its prototype and Node-RED would silently keep
// settings and sessions in memory only).
import { createHash } from 'node:crypto';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { OpenedDb } from '../store/db';
import { flowRevisions, nrCredentials, nrFlows, nrLibrary, nrSessions, nrSettings } from '../store/schema/flows';
import { diffFlows, isFlowArray, type FlowDiff, type FlowNode } from './diff';

const MAIN = 'main';

/** Node-RED's user object as it reaches saveFlows (absent when adminAuth is off). */
export interface NodeRedUser {
  username?: string;
  [key: string]: unknown;
}

export type RevisionKind = 'initial' | 'deploy' | 'restore';

export interface RevisionSummary {
  id: number;
  ts: number;
  user: string;
  kind: RevisionKind;
  restored_from: number | null;
  rev: string;
  summary: FlowDiff;
  nodes: number;
}

export interface Revision extends RevisionSummary {
  flows: FlowNode[];
  /** Encrypted credentials ({"$": ...}) as they were at that deploy; null when there were none. */
  credentials: Record<string, unknown> | null;
}

export interface LibraryListing {
  fn: string;
  [key: string]: unknown;
}

export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export interface FlowStorageHealth {
  ok: boolean;
  /** Why the stored flows could not be used, when they could not. */
  problem: string | null;
  /** The revision whose flows were loaded instead of a corrupt row. */
  fallbackRevision: number | null;
}

export interface FlowStorage {
  // ---- Node-RED's storage API ----
  init(settings?: unknown, runtime?: unknown): Promise<void>;
  getFlows(): Promise<FlowNode[]>;
  saveFlows(flows: FlowNode[], user?: NodeRedUser | null): Promise<void>;
  getCredentials(): Promise<Record<string, unknown>>;
  saveCredentials(credentials: Record<string, unknown>): Promise<void>;
  getSettings(): Promise<Record<string, unknown>>;
  saveSettings(settings: Record<string, unknown>): Promise<void>;
  getSessions(): Promise<Record<string, unknown>>;
  saveSessions(sessions: Record<string, unknown>): Promise<void>;
  getLibraryEntry(type: string, path: string): Promise<string | (string | LibraryListing)[]>;
  saveLibraryEntry(type: string, path: string, meta: Record<string, unknown>, body: string): Promise<void>;
  // ---- the butler's own ----
  /** Checks the stored flows row; a corrupt row is reported, and the newest parseable revision is offered instead. */
  check(): FlowStorageHealth;
  /** Writes `flows` as the first revision when nothing was ever deployed. Returns true when it did. */
  seedIfEmpty(flows: FlowNode[], user: string): boolean;
  /** The next saveFlows is a restore of revision `from` (set just before deploying it). */
  expectRestore(from: number | null): void;
  listRevisions(opts?: { limit?: number; before?: number }): RevisionSummary[];
  getRevision(id: number): Revision | null;
  /** The encrypted credentials blob as stored, or null. */
  readCredentials(): Record<string, unknown> | null;
  writeCredentials(credentials: Record<string, unknown>): void;
  /** The raw flows row (for backing up a corrupt one). */
  rawFlows(): string | null;
}

function now(): number {
  return Date.now() / 1000;
}

export function flowsRev(flows: unknown): string {
  // The same hash Node-RED uses as the flows "rev", so a revision can be matched to what the editor shows.
  return createHash('sha256').update(JSON.stringify(flows)).digest('hex');
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StorageError(`${what} is not valid JSON: ${(err as Error).message}`, 'corrupt');
  }
}

function parseObject(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined) return {};
  const v = parseJson(text, what);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new StorageError(`${what} is not a JSON object`, 'corrupt');
  return v as Record<string, unknown>;
}

export function createFlowStorage(store: OpenedDb): FlowStorage {
  const db = store.db;
  let pendingRestore: number | null = null;

  const readFlowsRow = (): string | null => db.select().from(nrFlows).where(eq(nrFlows.id, MAIN)).get()?.flows ?? null;
  const readCreds = (): Record<string, unknown> | null => {
    const row = db.select().from(nrCredentials).where(eq(nrCredentials.id, MAIN)).get();
    return row ? parseObject(row.credentials, 'stored flow credentials') : null;
  };

  type SummaryRow = Pick<typeof flowRevisions.$inferSelect, 'id' | 'ts' | 'user' | 'kind' | 'restored_from' | 'rev' | 'summary'> & {
    nodes: number;
  };
  // The node count comes from SQLite so listing revisions never parses every stored flow.
  const summaryColumns = {
    id: flowRevisions.id,
    ts: flowRevisions.ts,
    user: flowRevisions.user,
    kind: flowRevisions.kind,
    restored_from: flowRevisions.restored_from,
    rev: flowRevisions.rev,
    summary: flowRevisions.summary,
    nodes: sql<number>`CASE WHEN json_valid(${flowRevisions.flows}) AND json_type(${flowRevisions.flows}) = 'array' THEN json_array_length(${flowRevisions.flows}) ELSE 0 END`,
  };
  const toSummary = (row: SummaryRow): RevisionSummary => {
    let summary: FlowDiff;
    try {
      summary = JSON.parse(row.summary) as FlowDiff;
    } catch {
      summary = { added: [], removed: [], changed: [], moved: [], text: '(summary unreadable)' };
    }
    return {
      id: row.id,
      ts: row.ts,
      user: row.user,
      kind: row.kind as RevisionKind,
      restored_from: row.restored_from,
      rev: row.rev,
      summary,
      nodes: Number(row.nodes),
    };
  };

  const latestGoodRevision = (): Revision | null => {
    let before: number | undefined;
    for (;;) {
      const rows = db
        .select({ id: flowRevisions.id })
        .from(flowRevisions)
        .where(before === undefined ? undefined : lt(flowRevisions.id, before))
        .orderBy(desc(flowRevisions.id))
        .limit(20)
        .all();
      if (rows.length === 0) return null;
      for (const row of rows) {
        const rev = storage.getRevision(row.id);
        if (rev) return rev;
      }
      before = rows[rows.length - 1].id;
    }
  };

  const health = (): FlowStorageHealth => {
    const raw = readFlowsRow();
    if (raw === null) return { ok: true, problem: null, fallbackRevision: null };
    let problem: string | null = null;
    try {
      const v = JSON.parse(raw) as unknown;
      if (!isFlowArray(v)) problem = 'the stored flows are not an array of nodes with id and type';
    } catch (err) {
      problem = `the stored flows are not valid JSON (${(err as Error).message})`;
    }
    if (!problem) return { ok: true, problem: null, fallbackRevision: null };
    const good = latestGoodRevision();
    return { ok: false, problem, fallbackRevision: good?.id ?? null };
  };

  const insertRevision = (kind: RevisionKind, user: string, previous: FlowNode[], flows: FlowNode[], restoredFrom: number | null): void => {
    const diff = diffFlows(previous, flows);
    const creds = readCreds();
    db.insert(flowRevisions)
      .values({
        ts: now(),
        user,
        kind,
        restored_from: restoredFrom,
        flows: JSON.stringify(flows),
        credentials: creds ? JSON.stringify(creds) : null,
        summary: JSON.stringify(diff),
        rev: flowsRev(flows),
      })
      .run();
  };

  const currentFlowsOrEmpty = (): FlowNode[] => {
    const raw = readFlowsRow();
    if (raw === null) return [];
    try {
      const v = JSON.parse(raw) as unknown;
      return isFlowArray(v) ? v : [];
    } catch {
      return [];
    }
  };

  const storage: FlowStorage = {
    async init() {
      // The tables come from the butler's migrations; nothing to prepare.
    },

    async getFlows() {
      const raw = readFlowsRow();
      if (raw === null) return [];
      const h = health();
      if (h.ok) return JSON.parse(raw) as FlowNode[];
      // Never hand Node-RED garbage: offer the newest revision that parses (the runtime is in safe mode then).
      if (h.fallbackRevision !== null) return storage.getRevision(h.fallbackRevision)!.flows;
      return [];
    },

    async saveFlows(flows, user) {
      if (!isFlowArray(flows)) throw new StorageError('flows to save must be an array of nodes with id and type', 'invalid');
      const who = typeof user?.username === 'string' && user.username ? user.username : 'unknown';
      const restoredFrom = pendingRestore;
      pendingRestore = null;
      store.sqlite.transaction(() => {
        const previous = currentFlowsOrEmpty();
        const text = JSON.stringify(flows);
        db.insert(nrFlows)
          .values({ id: MAIN, flows: text, updated_ts: now() })
          .onConflictDoUpdate({ target: nrFlows.id, set: { flows: text, updated_ts: now() } })
          .run();
        insertRevision(restoredFrom === null ? 'deploy' : 'restore', who, previous, flows, restoredFrom);
      })();
    },

    async getCredentials() {
      return readCreds() ?? {};
    },

    async saveCredentials(credentials) {
      storage.writeCredentials(credentials);
    },

    async getSettings() {
      const out: Record<string, unknown> = {};
      for (const row of db.select().from(nrSettings).all()) {
        try {
          out[row.key] = JSON.parse(row.value);
        } catch {
          /* an unreadable setting is dropped rather than stopping the editor */
        }
      }
      return out;
    },

    async saveSettings(settings) {
      store.sqlite.transaction(() => {
        db.delete(nrSettings).run();
        for (const [key, value] of Object.entries(settings)) {
          // The butler owns the credential secret (options or its own file); it never lands in this table.
          if (key === '_credentialSecret' || value === undefined) continue;
          db.insert(nrSettings)
            .values({ key, value: JSON.stringify(value) })
            .run();
        }
      })();
    },

    async getSessions() {
      const row = db.select().from(nrSessions).where(eq(nrSessions.id, MAIN)).get();
      try {
        return parseObject(row?.sessions, 'editor sessions');
      } catch {
        return {};
      }
    },

    async saveSessions(sessions) {
      const text = JSON.stringify(sessions ?? {});
      db.insert(nrSessions)
        .values({ id: MAIN, sessions: text })
        .onConflictDoUpdate({ target: nrSessions.id, set: { sessions: text } })
        .run();
    },

    async getLibraryEntry(type, path) {
      const p = normalizePath(path);
      const exact = p
        ? db
            .select()
            .from(nrLibrary)
            .where(and(eq(nrLibrary.type, type), eq(nrLibrary.path, p)))
            .get()
        : undefined;
      if (exact) return exact.body;
      const prefix = p ? `${p}/` : '';
      const dirs = new Set<string>();
      const files: LibraryListing[] = [];
      for (const row of db.select({ path: nrLibrary.path, meta: nrLibrary.meta }).from(nrLibrary).where(eq(nrLibrary.type, type)).all()) {
        if (!row.path.startsWith(prefix)) continue;
        const rest = row.path.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash !== -1) dirs.add(rest.slice(0, slash));
        else {
          let meta: Record<string, unknown> = {};
          try {
            meta = parseObject(row.meta, 'library entry metadata');
          } catch {
            /* listed without metadata */
          }
          files.push({ ...meta, fn: rest });
        }
      }
      if (p && dirs.size === 0 && files.length === 0) throw new StorageError(`no library entry ${type}/${p}`, 'not_found');
      return [...[...dirs].sort(), ...files.sort((a, b) => a.fn.localeCompare(b.fn))];
    },

    async saveLibraryEntry(type, path, meta, body) {
      const p = normalizePath(path);
      if (!p) throw new StorageError('a library entry needs a name', 'invalid');
      const values = { type, path: p, meta: JSON.stringify(meta ?? {}), body: String(body), updated_ts: now() };
      db.insert(nrLibrary)
        .values(values)
        .onConflictDoUpdate({
          target: [nrLibrary.type, nrLibrary.path],
          set: { meta: values.meta, body: values.body, updated_ts: values.updated_ts },
        })
        .run();
    },

    check: health,

    seedIfEmpty(flows, user) {
      return store.sqlite.transaction(() => {
        if (readFlowsRow() !== null) return false;
        if (db.select({ id: flowRevisions.id }).from(flowRevisions).limit(1).get()) return false;
        db.insert(nrFlows)
          .values({ id: MAIN, flows: JSON.stringify(flows), updated_ts: now() })
          .run();
        insertRevision('initial', user, [], flows, null);
        return true;
      })();
    },

    expectRestore(from) {
      pendingRestore = from;
    },

    listRevisions(opts = {}) {
      const limit = Math.min(Math.max(opts.limit ?? 50, 1), 500);
      return db
        .select(summaryColumns)
        .from(flowRevisions)
        .where(opts.before === undefined ? undefined : lt(flowRevisions.id, opts.before))
        .orderBy(desc(flowRevisions.id))
        .limit(limit)
        .all()
        .map(toSummary);
    },

    getRevision(id) {
      const row = db.select().from(flowRevisions).where(eq(flowRevisions.id, id)).get();
      if (!row) return null;
      let flows: unknown;
      try {
        flows = JSON.parse(row.flows);
      } catch {
        return null;
      }
      if (!isFlowArray(flows)) return null;
      let credentials: Record<string, unknown> | null = null;
      try {
        credentials = row.credentials ? parseObject(row.credentials, 'revision credentials') : null;
      } catch {
        credentials = null;
      }
      const { flows: _text, credentials: _creds, ...rest } = row;
      return { ...toSummary({ ...rest, nodes: flows.length }), flows, credentials };
    },

    readCredentials: readCreds,

    writeCredentials(credentials) {
      const text = JSON.stringify(credentials ?? {});
      db.insert(nrCredentials)
        .values({ id: MAIN, credentials: text, updated_ts: now() })
        .onConflictDoUpdate({ target: nrCredentials.id, set: { credentials: text, updated_ts: now() } })
        .run();
    },

    rawFlows: readFlowsRow,
  };
  return storage;
}

function normalizePath(path: string): string {
  return String(path ?? '')
    .replace(/\\/g, '/')
    .replace(/^\/+|\/+$/g, '');
}
