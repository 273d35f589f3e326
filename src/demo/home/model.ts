// The demo home's state machine: states, registries, events and service calls, independent of any transport.
// The WebSocket and REST front ends in server.ts are thin layers over this.
import { randomUUID } from 'node:crypto';
import type { HassContext, HassState } from '../../ha/types';
import { demoHomeSeed, type DemoHomeSeed, type SeedEntity } from './seed';
import { DOMAIN_SERVICES, type ServiceDef } from './services';
import { HomeError } from './errors';

export { HomeError };

export interface HomeEvent {
  event_type: string;
  data: Record<string, unknown>;
  origin: 'LOCAL';
  time_fired: string;
  context: HassContext;
}

export interface ServiceCallRecord {
  domain: string;
  service: string;
  service_data: Record<string, unknown>;
  target: Record<string, unknown> | null;
  return_response: boolean;
  /** Entities the call acted on. */
  entity_ids: string[];
  /** null when accepted, else the error code returned. */
  error: string | null;
  ts: string;
}

export interface NotificationRecord {
  service: string;
  message: string;
  title: string | null;
  target: unknown;
  data: unknown;
  ts: string;
}

export interface ServiceTargetInput {
  entity_id?: unknown;
  device_id?: unknown;
  area_id?: unknown;
  floor_id?: unknown;
  label_id?: unknown;
}

export const DEMO_USER_ID = 'demo-user-paulus';

export function newContext(userId: string | null = null, parentId: string | null = null): HassContext {
  return { id: randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase(), parent_id: parentId, user_id: userId };
}

function isoNow(): string {
  return new Date().toISOString();
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function toList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new HomeError('invalid_format', `expected a string or a list of strings for dictionary value @ data['${field}']`);
}

export interface HomeModelOptions {
  seed?: DemoHomeSeed;
}

export class HomeModel {
  readonly seed: DemoHomeSeed;
  readonly serviceCalls: ServiceCallRecord[] = [];
  readonly notifications: NotificationRecord[] = [];
  private readonly stateMap = new Map<string, HassState>();
  private readonly entries = new Map<string, SeedEntity & { id: string; created_at: number }>();
  private readonly listeners = new Set<(ev: HomeEvent) => void>();
  /** Last "on" attributes of lights, restored by a bare turn_on. */
  readonly memory = new Map<string, Record<string, unknown>>();
  private readonly created = Date.now() / 1000;
  private lastMs = 0;

  constructor(opts: HomeModelOptions = {}) {
    this.seed = opts.seed ?? demoHomeSeed();
    const now = isoNow();
    const ctx = newContext();
    for (const e of this.seed.entities) {
      this.entries.set(e.entity_id, { ...e, id: randomUUID().replace(/-/g, ''), created_at: this.created });
      const attributes = { ...e.attributes };
      if (e.name) attributes.friendly_name = e.name;
      this.stateMap.set(e.entity_id, {
        entity_id: e.entity_id,
        state: e.state,
        attributes,
        last_changed: now,
        last_updated: now,
        last_reported: now,
        context: ctx,
      });
    }
  }

  // ---- states and events ----

  /** Strictly increasing timestamps, so two writes in one millisecond still order (HA has microseconds). */
  private tick(): string {
    let t = Date.now();
    if (t <= this.lastMs) t = this.lastMs + 1;
    this.lastMs = t;
    return new Date(t).toISOString();
  }

  states(): HassState[] {
    return [...this.stateMap.values()];
  }

  getState(entityId: string): HassState | undefined {
    return this.stateMap.get(entityId);
  }

  onEvent(fn: (ev: HomeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  fireEvent(event_type: string, data: Record<string, unknown>, context: HassContext = newContext()): void {
    const ev: HomeEvent = { event_type, data, origin: 'LOCAL', time_fired: isoNow(), context };
    for (const fn of [...this.listeners]) fn(ev);
  }

  /**
   * Write a state like HA's `async_set`: attributes are replaced when given (merge=false) or merged, last_changed
   * moves only when the state string changes, and an unchanged write fires no state_changed.
   */
  setState(
    entityId: string,
    state: string,
    attributes?: Record<string, unknown>,
    opts: { context?: HassContext; merge?: boolean } = {},
  ): HassState {
    if (!/^[a-z0-9_]+\.[a-z0-9_]+$/.test(entityId)) throw new HomeError('invalid_format', `Invalid entity ID: ${entityId}`);
    const old = this.stateMap.get(entityId) ?? null;
    const merge = opts.merge ?? true;
    const attrs =
      attributes === undefined ? { ...(old?.attributes ?? {}) } : merge ? { ...(old?.attributes ?? {}), ...attributes } : { ...attributes };
    const now = this.tick();
    const context = opts.context ?? newContext();
    if (old && old.state === state && sameJson(old.attributes, attrs)) {
      this.stateMap.set(entityId, { ...old, last_reported: now });
      return this.stateMap.get(entityId)!;
    }
    const next: HassState = {
      entity_id: entityId,
      state,
      attributes: attrs,
      last_changed: old && old.state === state ? old.last_changed : now,
      last_updated: now,
      last_reported: now,
      context,
    };
    this.stateMap.set(entityId, next);
    this.fireEvent('state_changed', { entity_id: entityId, old_state: old, new_state: next }, context);
    return next;
  }

  removeState(entityId: string): boolean {
    const old = this.stateMap.get(entityId);
    if (!old) return false;
    this.stateMap.delete(entityId);
    this.fireEvent('state_changed', { entity_id: entityId, old_state: old, new_state: null });
    return true;
  }

  // ---- registries (shapes of HA's config/*_registry/list) ----

  floorList(): Record<string, unknown>[] {
    return this.seed.floors.map((f) => ({ ...f, created_at: this.created, modified_at: this.created }));
  }

  areaList(): Record<string, unknown>[] {
    return this.seed.areas.map((a) => ({
      area_id: a.area_id,
      name: a.name,
      floor_id: a.floor_id,
      aliases: a.aliases,
      icon: a.icon,
      labels: [],
      picture: null,
      humidity_entity_id: null,
      temperature_entity_id: null,
      created_at: this.created,
      modified_at: this.created,
    }));
  }

  deviceList(): Record<string, unknown>[] {
    return this.seed.devices.map((d) => ({
      id: d.id,
      name: d.name,
      name_by_user: null,
      area_id: d.area_id,
      manufacturer: d.manufacturer,
      model: d.model,
      model_id: null,
      sw_version: null,
      hw_version: null,
      serial_number: null,
      identifiers: [['demo', d.id]],
      connections: [],
      config_entries: ['demo_config_entry'],
      config_entries_subentries: { demo_config_entry: [null] },
      primary_config_entry: 'demo_config_entry',
      configuration_url: null,
      disabled_by: null,
      entry_type: null,
      labels: [],
      via_device_id: null,
      created_at: this.created,
      modified_at: this.created,
    }));
  }

  private entryDict(e: SeedEntity & { id: string; created_at: number }): Record<string, unknown> {
    return {
      area_id: e.area_id,
      categories: {},
      config_entry_id: 'demo_config_entry',
      config_subentry_id: null,
      created_at: e.created_at,
      device_id: e.device_id,
      disabled_by: null,
      entity_category: null,
      entity_id: e.entity_id,
      has_entity_name: false,
      hidden_by: null,
      icon: null,
      id: e.id,
      labels: [],
      modified_at: e.created_at,
      name: e.name,
      options: {},
      original_name: (e.attributes.friendly_name as string | undefined) ?? null,
      platform: 'demo',
      translation_key: null,
      unique_id: e.entity_id.replace('.', '_'),
    };
  }

  entityList(): Record<string, unknown>[] {
    return [...this.entries.values()].map((e) => this.entryDict(e));
  }

  /** `config/entity_registry/get_entries`: the extended entries (with aliases), keyed by entity_id; unknown ids map to null. */
  entityEntries(ids: string[]): Record<string, Record<string, unknown> | null> {
    const out: Record<string, Record<string, unknown> | null> = {};
    for (const id of ids) {
      const e = this.entries.get(id);
      out[id] = e
        ? {
            ...this.entryDict(e),
            aliases: e.aliases,
            capabilities: null,
            device_class: null,
            original_device_class: null,
            original_icon: null,
          }
        : null;
    }
    return out;
  }

  /** Rename an area or change its aliases/floor, firing area_registry_updated like HA. */
  updateArea(areaId: string, patch: { name?: string; aliases?: string[]; floor_id?: string | null }): void {
    const area = this.seed.areas.find((a) => a.area_id === areaId);
    if (!area) throw new HomeError('not_found', `Area ${areaId} not found.`);
    Object.assign(area, patch);
    this.fireEvent('area_registry_updated', { action: 'update', area_id: areaId });
  }

  /** Set an entity's registry aliases/name/area, firing entity_registry_updated like HA. */
  updateEntityEntry(entityId: string, patch: { aliases?: string[]; name?: string | null; area_id?: string | null }): void {
    const e = this.entries.get(entityId);
    if (!e) throw new HomeError('not_found', `Entity not found: ${entityId}`);
    Object.assign(e, patch);
    this.fireEvent('entity_registry_updated', { action: 'update', entity_id: entityId, changes: Object.keys(patch) });
  }

  /**
   * Rename an entity as Home Assistant's `config/entity_registry/update` with `new_entity_id` does: the registry entry
   * moves to the new id, the old state is removed and the same state appears under the new id.
   */
  renameEntity(oldId: string, newId: string): Record<string, unknown> {
    const e = this.entries.get(oldId);
    if (!e) throw new HomeError('not_found', 'Entity not found');
    if (!/^[a-z0-9_]+\.[a-z0-9_]+$/.test(newId)) throw new HomeError('invalid_format', `Invalid entity ID: ${newId}`);
    if (newId.split('.')[0] !== oldId.split('.')[0]) throw new HomeError('invalid_info', 'New entity ID should be same domain');
    if (this.entries.has(newId) || this.stateMap.has(newId)) throw new HomeError('invalid_info', `Entity ${newId} is already registered`);
    const state = this.stateMap.get(oldId);
    this.entries.delete(oldId);
    this.entries.set(newId, { ...e, entity_id: newId });
    this.removeState(oldId);
    if (state) this.setState(newId, state.state, state.attributes, { merge: false });
    this.fireEvent('entity_registry_updated', { action: 'update', entity_id: newId, old_entity_id: oldId, changes: ['entity_id'] });
    return this.entryDict(this.entries.get(newId)!);
  }

  /** Remove an entity as `config/entity_registry/remove` does: the registry entry and its state go. */
  removeEntity(entityId: string): void {
    if (!this.entries.delete(entityId)) throw new HomeError('not_found', 'Entity not found');
    this.removeState(entityId);
    this.fireEvent('entity_registry_updated', { action: 'remove', entity_id: entityId });
  }

  config(): Record<string, unknown> {
    const s = this.seed;
    return {
      latitude: s.latitude,
      longitude: s.longitude,
      elevation: s.elevation,
      radius: 100,
      unit_system: {
        length: 'km',
        accumulated_precipitation: 'mm',
        area: 'm²',
        mass: 'g',
        pressure: 'Pa',
        temperature: '°C',
        volume: 'L',
        wind_speed: 'm/s',
      },
      location_name: s.location_name,
      time_zone: s.time_zone,
      components: ['api', 'websocket_api', 'demo', ...Object.keys(DOMAIN_SERVICES)].filter((v, i, a) => a.indexOf(v) === i),
      config_dir: '/config',
      allowlist_external_dirs: ['/config/www', '/media'],
      allowlist_external_urls: [],
      version: s.ha_version,
      config_source: 'storage',
      recovery_mode: false,
      safe_mode: false,
      state: 'RUNNING',
      external_url: null,
      internal_url: null,
      currency: 'EUR',
      country: 'NL',
      language: 'en',
    };
  }

  // ---- services ----

  private serviceTable(): Record<string, Record<string, ServiceDef>> {
    const table: Record<string, Record<string, ServiceDef>> = { ...DOMAIN_SERVICES };
    // notify.<name> and script.<name> are registered per instance, as in HA.
    const notify: Record<string, ServiceDef> = {};
    for (const n of this.seed.notifiers) {
      notify[n] = {
        name: `Send a notification via ${n}`,
        description: 'Sends a notification message.',
        entity: false,
        fields: {
          message: { type: 'string', required: true, description: 'Message body of the notification.' },
          title: { type: 'string', description: 'Title for your notification.' },
          target: { type: 'any', description: 'Some integrations allow you to specify the targets.' },
          data: { type: 'any', description: 'Some integrations provide extended functionality.' },
        },
        run: ({ model, data }) => {
          model.notifications.push({
            service: `notify.${n}`,
            message: String(data.message),
            title: typeof data.title === 'string' ? data.title : null,
            target: data.target ?? null,
            data: data.data ?? null,
            ts: isoNow(),
          });
        },
      };
    }
    table.notify = notify;
    // Always present in Home Assistant: the notifications bell in the sidebar.
    table.persistent_notification = {
      create: {
        name: 'Create',
        description: 'Shows a notification on the notifications panel.',
        entity: false,
        fields: {
          message: { type: 'string', required: true, description: 'Message body of the notification.' },
          title: { type: 'string', description: 'Optional title of the notification.' },
          notification_id: { type: 'string', description: 'ID of the notification.' },
        },
        run: ({ model, data }) => {
          model.notifications.push({
            service: 'persistent_notification.create',
            message: String(data.message),
            title: typeof data.title === 'string' ? data.title : null,
            target: null,
            data: null,
            ts: isoNow(),
          });
        },
      },
    };
    const script: Record<string, ServiceDef> = { ...(DOMAIN_SERVICES.script ?? {}) };
    for (const sc of this.seed.scripts) {
      const objectId = sc.entity_id.split('.')[1];
      script[objectId] = {
        name: String(this.stateMap.get(sc.entity_id)?.attributes.friendly_name ?? objectId),
        description: '',
        entity: false,
        fields: {},
        response: { optional: true },
        run: ({ model, context }) => model.runScript(sc.entity_id, context),
      };
    }
    table.script = script;
    return table;
  }

  /** `get_services`: {domain: {service: {name, description, fields, target?, response?}}}. */
  services(): Record<string, Record<string, Record<string, unknown>>> {
    const out: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [domain, services] of Object.entries(this.serviceTable())) {
      out[domain] = {};
      for (const [name, def] of Object.entries(services)) {
        const fields: Record<string, unknown> = {};
        for (const [f, fd] of Object.entries(def.fields)) {
          fields[f] = {
            required: fd.required ?? false,
            description: fd.description ?? '',
            example: fd.example,
            selector:
              fd.type === 'int' || fd.type === 'float'
                ? { number: { min: fd.min ?? 0, max: fd.max ?? 100 } }
                : fd.type === 'boolean'
                  ? { boolean: {} }
                  : fd.options
                    ? { select: { options: fd.options } }
                    : { text: {} },
          };
        }
        const desc: Record<string, unknown> = { name: def.name, description: def.description, fields };
        if (def.entity) desc.target = { entity: [{ domain: [def.entityDomain ?? domain] }] };
        if (def.response) desc.response = { optional: def.response.optional };
        out[domain][name] = desc;
      }
    }
    return out;
  }

  hasService(domain: string, service: string): boolean {
    return Boolean(this.serviceTable()[domain]?.[service]);
  }

  private areaOf(entityId: string): string | null {
    const e = this.entries.get(entityId);
    if (!e) return null;
    if (e.area_id) return e.area_id;
    return this.seed.devices.find((d) => d.id === e.device_id)?.area_id ?? null;
  }

  /** Resolve a target like HA's async_extract_referenced_entity_ids (unknown ids are skipped, as HA only logs them). */
  resolveTarget(target: ServiceTargetInput): string[] {
    const ids = new Set<string>();
    const entityIds = toList(target.entity_id, 'entity_id');
    if (entityIds.includes('all')) for (const id of this.stateMap.keys()) ids.add(id);
    for (const id of entityIds) if (this.stateMap.has(id)) ids.add(id);
    const devices = new Set(toList(target.device_id, 'device_id'));
    const areas = new Set(toList(target.area_id, 'area_id'));
    for (const floor of toList(target.floor_id, 'floor_id')) {
      for (const a of this.seed.areas) if (a.floor_id === floor) areas.add(a.area_id);
    }
    toList(target.label_id, 'label_id');
    if (devices.size || areas.size) {
      for (const e of this.entries.values()) {
        if (!this.stateMap.has(e.entity_id)) continue;
        if (e.device_id && devices.has(e.device_id)) ids.add(e.entity_id);
        const area = this.areaOf(e.entity_id);
        if (area && areas.has(area)) ids.add(e.entity_id);
      }
    }
    return [...ids];
  }

  /**
   * Call a service as HA's ServiceRegistry does: look it up, validate the data, act on every targeted entity.
   * Throws HomeError with HA's error code. Returns the service response when `returnResponse` is true.
   */
  callService(
    domain: string,
    service: string,
    serviceData: Record<string, unknown> = {},
    target: ServiceTargetInput | null = null,
    returnResponse = false,
    context: HassContext = newContext(DEMO_USER_ID),
  ): { response?: unknown; entity_ids: string[] } {
    const record: ServiceCallRecord = {
      domain,
      service,
      service_data: serviceData,
      target: target ? { ...target } : null,
      return_response: returnResponse,
      entity_ids: [],
      error: null,
      ts: isoNow(),
    };
    this.serviceCalls.push(record);
    try {
      const result = this.doCall(domain, service, serviceData, target, returnResponse, context);
      record.entity_ids = result.entity_ids;
      return result;
    } catch (err) {
      record.error = err instanceof HomeError ? err.code : 'unknown_error';
      throw err;
    }
  }

  private doCall(
    domain: string,
    service: string,
    serviceData: Record<string, unknown>,
    target: ServiceTargetInput | null,
    returnResponse: boolean,
    context: HassContext,
  ): { response?: unknown; entity_ids: string[] } {
    const def = this.serviceTable()[domain]?.[service];
    if (!def) throw new HomeError('not_found', `Service ${domain}.${service} not found.`);
    if (def.response && !def.response.optional && !returnResponse) {
      throw new HomeError(
        'service_validation_error',
        `Validation error: The action ${domain}.${service} requires responses and must be called with return_response=True`,
      );
    }
    if (!def.response && returnResponse) {
      throw new HomeError(
        'service_validation_error',
        `Validation error: An action which does not return responses can't be called with return_response=True`,
      );
    }
    // Target keys may also arrive inside service_data (REST, old-style calls).
    const data: Record<string, unknown> = {};
    const tgt: ServiceTargetInput = { ...(target ?? {}) };
    for (const [k, v] of Object.entries(serviceData)) {
      if (k === 'entity_id' || k === 'device_id' || k === 'area_id' || k === 'floor_id' || k === 'label_id') {
        const prev = toList(tgt[k], k);
        tgt[k] = [...prev, ...toList(v, k)];
      } else data[k] = v;
    }
    validateData(domain, service, def, data);
    this.fireEvent('call_service', { domain, service, service_data: serviceData }, context);
    if (!def.entity) {
      const response = def.run({ model: this, data, context, entityId: null, state: null });
      return returnResponse ? { response: response ?? null, entity_ids: [] } : { entity_ids: [] };
    }
    const wantDomain = def.entityDomain ?? domain;
    const entityIds = this.resolveTarget(tgt).filter((id) =>
      wantDomain === '*' ? Boolean(DOMAIN_SERVICES[id.split('.')[0]]?.[service]) : id.startsWith(`${wantDomain}.`),
    );
    const explicit = new Set(toList(tgt.entity_id, 'entity_id'));
    const responses: Record<string, unknown> = {};
    for (const entityId of entityIds) {
      const state = this.stateMap.get(entityId)!;
      if (def.requiredFeature !== undefined && (Number(state.attributes.supported_features ?? 0) & def.requiredFeature) === 0) {
        if (explicit.has(entityId)) {
          throw new HomeError(
            'service_validation_error',
            `Validation error: Entity ${entityId} does not support action ${domain}.${service}`,
          );
        }
        continue;
      }
      const r = def.run({ model: this, data, context, entityId, state });
      if (r !== undefined) responses[entityId] = r;
    }
    return returnResponse ? { response: responses, entity_ids: entityIds } : { entity_ids: entityIds };
  }

  runScript(entityId: string, context: HassContext): undefined {
    const script = this.seed.scripts.find((s) => s.entity_id === entityId);
    if (!script) throw new HomeError('service_validation_error', `Validation error: Script ${entityId} does not exist`);
    const child = newContext(context.user_id, context.id);
    this.setState(entityId, 'on', { last_triggered: isoNow(), current: 1 }, { context: child });
    try {
      for (const step of script.sequence) this.callService(step.domain, step.service, step.data ?? {}, step.target ?? null, false, child);
    } finally {
      this.setState(entityId, 'off', { current: 0 }, { context: child });
    }
    return undefined;
  }
}

function validateData(domain: string, service: string, def: ServiceDef, data: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(data)) {
    const fd = def.fields[key];
    if (!fd) throw new HomeError('invalid_format', `extra keys not allowed @ data['${key}']`);
    const where = `for dictionary value @ data['${key}']`;
    switch (fd.type) {
      case 'int':
      case 'float': {
        const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n)) throw new HomeError('invalid_format', `expected ${fd.type} ${where}`);
        if ((fd.min !== undefined && n < fd.min) || (fd.max !== undefined && n > fd.max)) {
          throw new HomeError(
            'service_validation_error',
            `Validation error: ${key} must be between ${fd.min ?? '-∞'} and ${fd.max ?? '∞'} for ${domain}.${service} (got ${n})`,
          );
        }
        data[key] = fd.type === 'int' ? Math.round(n) : n;
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') throw new HomeError('invalid_format', `expected boolean ${where}`);
        break;
      case 'string':
        if (typeof value !== 'string') throw new HomeError('invalid_format', `expected str ${where}`);
        if (fd.options && !fd.options.includes(value)) {
          throw new HomeError(
            'service_validation_error',
            `Validation error: ${key} must be one of ${fd.options.join(', ')} for ${domain}.${service} (got ${value})`,
          );
        }
        break;
      case 'rgb': {
        const len = fd.length ?? 3;
        if (!Array.isArray(value) || value.length !== len || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          throw new HomeError('invalid_format', `expected a list of ${len} numbers ${where}`);
        }
        if (value.some((x: number) => x < (fd.min ?? 0) || x > (fd.max ?? 255))) {
          throw new HomeError(
            'service_validation_error',
            `Validation error: every value of ${key} must be between ${fd.min ?? 0} and ${fd.max ?? 255} for ${domain}.${service}`,
          );
        }
        break;
      }
      case 'any':
        break;
    }
  }
  for (const [key, fd] of Object.entries(def.fields)) {
    if (fd.required && data[key] === undefined) throw new HomeError('invalid_format', `required key not provided @ data['${key}']`);
  }
}

// ---- the compressed state format of subscribe_entities (HA's websocket_api/messages.py) ----

export interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  c: string | HassContext;
  lc: number;
  lu?: number;
}

function ts(iso: string): number {
  return Date.parse(iso) / 1000;
}

function compressContext(ctx: HassContext | undefined): string | HassContext {
  if (!ctx) return '';
  return ctx.parent_id === null && ctx.user_id === null ? ctx.id : ctx;
}

export function compressState(st: HassState): CompressedState {
  const out: CompressedState = { s: st.state, a: st.attributes, c: compressContext(st.context), lc: ts(st.last_changed) };
  if (st.last_updated !== st.last_changed) out.lu = ts(st.last_updated);
  return out;
}

/** The `c` entry for one entity: {"+": additions, "-": {a: removed attribute keys}}. */
export function stateDiff(old: HassState, next: HassState): Record<string, unknown> {
  const add: Record<string, unknown> = {};
  if (old.state !== next.state) add.s = next.state;
  if (old.last_changed !== next.last_changed) add.lc = ts(next.last_changed);
  else if (old.last_updated !== next.last_updated) add.lu = ts(next.last_updated);
  const oc = old.context,
    nc = next.context;
  if (nc) {
    const ctx: Record<string, unknown> = {};
    if (oc?.parent_id !== nc.parent_id) ctx.parent_id = nc.parent_id;
    if (oc?.user_id !== nc.user_id) ctx.user_id = nc.user_id;
    if (oc?.id !== nc.id) {
      if (Object.keys(ctx).length) ctx.id = nc.id;
      else add.c = nc.id;
    }
    if (Object.keys(ctx).length) add.c = ctx;
  }
  const diff: Record<string, unknown> = { '+': add };
  const changed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(next.attributes)) {
    if (!(k in old.attributes) || !sameJson(old.attributes[k], v)) changed[k] = v;
  }
  if (Object.keys(changed).length) add.a = changed;
  const removed = Object.keys(old.attributes).filter((k) => !(k in next.attributes));
  if (removed.length) diff['-'] = { a: removed };
  return diff;
}
