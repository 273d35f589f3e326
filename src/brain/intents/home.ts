// What the recognizer knows about the home: areas, floors, entities with their names and aliases.
// Built from a fixtures file (development, tests) or from live Home Assistant data; rebuilding is a
// linear pass, so callers simply rebuild it when the registries or states change.
import YAML from 'yaml';
import type { HassRegistries, HassState } from '../../ha/types';

export interface HomeArea {
  id: string;
  name: string;
  aliases: string[];
  floor_id: string | null;
}

export interface HomeFloor {
  id: string;
  name: string;
  aliases: string[];
}

export interface HomeEntity {
  entity_id: string;
  domain: string;
  /** Canonical name (may contain template syntax such as "Trader Joe[']s"). */
  name: string;
  aliases: string[];
  area_id: string | null;
  device_class: string | null;
  /** Home Assistant state ("on", "locked", "21.5"). */
  state: string;
  attributes: Record<string, unknown>;
}

export interface HomeTimer {
  name?: string;
  area?: string;
  start_hours?: number;
  start_minutes?: number;
  start_seconds?: number;
  total_seconds_left?: number;
  is_active?: boolean;
}

export class HomeModelError extends Error {}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(str).filter((s): s is string => s !== null && s.trim() !== '') : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class HomeModel {
  readonly areas: HomeArea[];
  readonly floors: HomeFloor[];
  readonly entities: HomeEntity[];
  readonly timers: HomeTimer[];
  readonly mediaTitles: string[];
  private readonly byId = new Map<string, HomeEntity>();

  constructor(init: {
    areas?: HomeArea[];
    floors?: HomeFloor[];
    entities?: HomeEntity[];
    timers?: HomeTimer[];
    mediaTitles?: string[];
  }) {
    this.areas = init.areas ?? [];
    this.floors = init.floors ?? [];
    this.entities = [];
    for (const e of init.entities ?? []) {
      const prev = this.byId.get(e.entity_id);
      if (prev) {
        // the same entity listed twice under two names: the second name is an alias
        for (const n of [e.name, ...e.aliases]) if (n !== prev.name && !prev.aliases.includes(n)) prev.aliases.push(n);
        continue;
      }
      const copy = { ...e, aliases: [...e.aliases] };
      this.byId.set(e.entity_id, copy);
      this.entities.push(copy);
    }
    this.timers = init.timers ?? [];
    this.mediaTitles = init.mediaTitles ?? [];
  }

  entity(id: string): HomeEntity | undefined {
    return this.byId.get(id);
  }

  area(id: string | null | undefined): HomeArea | undefined {
    return id ? this.areas.find((a) => a.id === id) : undefined;
  }

  floor(id: string | null | undefined): HomeFloor | undefined {
    return id ? this.floors.find((f) => f.id === id) : undefined;
  }

  /** Find an area by id, name or alias (case-insensitive). */
  findArea(text: string): HomeArea | undefined {
    const t = text.trim().toLowerCase();
    return this.areas.find((a) => a.id.toLowerCase() === t || a.name.toLowerCase() === t || a.aliases.some((x) => x.toLowerCase() === t));
  }

  findFloor(text: string): HomeFloor | undefined {
    const t = text.trim().toLowerCase();
    return this.floors.find((f) => f.id.toLowerCase() === t || f.name.toLowerCase() === t || f.aliases.some((x) => x.toLowerCase() === t));
  }

  /** The fixtures format of home-assistant/intents tests (`_fixtures.yaml`). */
  static fromFixtures(yamlText: string): HomeModel {
    let doc: unknown;
    try {
      doc = YAML.parse(yamlText);
    } catch (err) {
      throw new HomeModelError(`fixtures: not valid YAML: ${(err as Error).message}`);
    }
    if (!isRecord(doc)) throw new HomeModelError('fixtures: expected a mapping with areas, floors, entities');
    for (const key of ['areas', 'floors', 'entities', 'timers', 'media']) {
      if (doc[key] !== undefined && doc[key] !== null && !Array.isArray(doc[key])) {
        throw new HomeModelError(`fixtures: "${key}" must be a list`);
      }
    }
    const list = (key: string): Record<string, unknown>[] =>
      (((doc as Record<string, unknown>)[key] as unknown[] | undefined) ?? []).map((x, i) => {
        if (!isRecord(x)) throw new HomeModelError(`fixtures: ${key}[${i}] must be a mapping`);
        return x;
      });
    const floors: HomeFloor[] = list('floors').map((f, i) => {
      const name = str(f.name);
      if (!name) throw new HomeModelError(`fixtures: floors[${i}].name is missing`);
      return { id: str(f.id) ?? name, name, aliases: strList(f.aliases) };
    });
    const areas: HomeArea[] = list('areas').map((a, i) => {
      const name = str(a.name);
      if (!name) throw new HomeModelError(`fixtures: areas[${i}].name is missing`);
      return { id: str(a.id) ?? name, name, aliases: strList(a.aliases), floor_id: str(a.floor) };
    });
    const entities: HomeEntity[] = list('entities').map((e, i) => {
      const name = str(e.name);
      const id = str(e.id);
      if (!name) throw new HomeModelError(`fixtures: entities[${i}].name is missing`);
      if (!id?.includes('.')) throw new HomeModelError(`fixtures: entities[${i}].id must be an entity id like light.kitchen`);
      const attributes = isRecord(e.attributes) ? { ...e.attributes } : {};
      let state = '';
      if (isRecord(e.state)) {
        state = str(e.state.out) ?? str(e.state.in) ?? '';
        if (str(e.state.in)) attributes.state_text = str(e.state.in);
      } else state = str(e.state) ?? '';
      return {
        entity_id: id,
        domain: id.split('.')[0],
        name,
        aliases: strList(e.aliases),
        area_id: str(e.area),
        device_class: str(attributes.device_class),
        state,
        attributes,
      };
    });
    const timers: HomeTimer[] = list('timers').map((t) => {
      const num = (k: string): number | undefined => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
      return {
        name: str(t.name) ?? undefined,
        area: str(t.area) ?? undefined,
        start_hours: num('start_hours'),
        start_minutes: num('start_minutes'),
        start_seconds: num('start_seconds'),
        total_seconds_left: num('total_seconds_left'),
        is_active: typeof t.is_active === 'boolean' ? t.is_active : true,
      };
    });
    const mediaTitles = list('media')
      .map((m) => str(m.title))
      .filter((s): s is string => !!s);
    return new HomeModel({ areas, floors, entities, timers, mediaTitles });
  }

  /** Live Home Assistant data: registries plus the state mirror. Disabled and hidden entities are left out. */
  static fromHomeAssistant(registries: HassRegistries, states: ReadonlyMap<string, HassState>): HomeModel {
    const floors: HomeFloor[] = registries.floors.map((f) => ({ id: f.floor_id, name: f.name, aliases: [...(f.aliases ?? [])] }));
    const areas: HomeArea[] = registries.areas.map((a) => ({
      id: a.area_id,
      name: a.name,
      aliases: [...(a.aliases ?? [])],
      floor_id: a.floor_id,
    }));
    const devices = new Map(registries.devices.map((d) => [d.id, d]));
    const entries = new Map(registries.entities.map((e) => [e.entity_id, e]));
    const entities: HomeEntity[] = [];
    for (const st of states.values()) {
      const entry = entries.get(st.entity_id);
      if (entry?.disabled_by || entry?.hidden_by) continue;
      const friendly = typeof st.attributes.friendly_name === 'string' ? st.attributes.friendly_name : null;
      const name = entry?.name ?? friendly ?? entry?.original_name ?? st.entity_id.split('.')[1].replace(/_/g, ' ');
      const aliases = [...(entry?.aliases ?? [])];
      for (const extra of [friendly, entry?.original_name]) {
        if (extra && extra !== name && !aliases.includes(extra)) aliases.push(extra);
      }
      const device = entry?.device_id ? devices.get(entry.device_id) : undefined;
      entities.push({
        entity_id: st.entity_id,
        domain: st.entity_id.split('.')[0],
        name,
        aliases,
        area_id: entry?.area_id ?? device?.area_id ?? null,
        device_class: typeof st.attributes.device_class === 'string' ? st.attributes.device_class : null,
        state: st.state,
        attributes: st.attributes,
      });
    }
    return new HomeModel({ areas, floors, entities });
  }

  /** Entities in an area, directly or through their floor. */
  /** The entities a sentence's slots point at; an area or floor list ("the kitchen and the bedroom") is their union. */
  entitiesInPlaces(slots: Record<string, unknown>): HomeEntity[] {
    const list = (v: unknown): string[] | undefined =>
      typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
    const domain = typeof slots.domain === 'string' || Array.isArray(slots.domain) ? (slots.domain as string | string[]) : undefined;
    const device_class =
      typeof slots.device_class === 'string' || Array.isArray(slots.device_class) ? (slots.device_class as string | string[]) : undefined;
    const areas = list(slots.area);
    const floors = list(slots.floor);
    if (!areas && !floors) return this.entitiesIn({ domain, device_class });
    const seen = new Set<string>();
    const out: HomeEntity[] = [];
    const add = (es: HomeEntity[]) => {
      for (const e of es) if (!seen.has(e.entity_id)) seen.add(e.entity_id), out.push(e);
    };
    for (const area of areas ?? []) add(this.entitiesIn({ area, domain, device_class }));
    for (const floor of floors ?? []) add(this.entitiesIn({ floor, domain, device_class }));
    return out;
  }

  entitiesIn(filter: { area?: string; floor?: string; domain?: string | string[]; device_class?: string | string[] }): HomeEntity[] {
    const area = filter.area ? this.findArea(filter.area) : undefined;
    const floor = filter.floor ? this.findFloor(filter.floor) : undefined;
    const domains = filter.domain === undefined ? null : ([] as string[]).concat(filter.domain);
    const classes = filter.device_class === undefined ? null : ([] as string[]).concat(filter.device_class);
    return this.entities.filter((e) => {
      if (domains && !domains.includes(e.domain)) return false;
      if (classes && !classes.includes(e.device_class ?? '')) return false;
      if (filter.area && (!area || e.area_id !== area.id)) return false;
      if (filter.floor) {
        if (!floor) return false;
        const a = this.area(e.area_id);
        if (!a || a.floor_id !== floor.id) return false;
      }
      return true;
    });
  }
}
