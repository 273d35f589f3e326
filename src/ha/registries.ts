// Home Assistant's registries (areas, floors, devices, entities): fetched in full at every (re)sync, and one at a
// time again when Home Assistant says it changed (*_registry_updated), each row reduced to what the butler uses.
import type { Logger } from '../log';
import type { HawsConnection } from './haws';
import type { HassArea, HassDevice, HassEntityEntry, HassFloor, HassRegistries } from './types';

export type RegistryKind = keyof HassRegistries;

/** The events that say a registry changed, and which registry. */
export const REGISTRY_EVENTS = {
  area_registry_updated: 'areas',
  floor_registry_updated: 'floors',
  device_registry_updated: 'devices',
  entity_registry_updated: 'entities',
} as const satisfies Record<string, RegistryKind>;

const LIST_COMMANDS: Record<RegistryKind, string> = {
  areas: 'config/area_registry/list',
  floors: 'config/floor_registry/list',
  devices: 'config/device_registry/list',
  entities: 'config/entity_registry/list',
};

interface HaErrorPayload {
  code?: unknown;
  message?: unknown;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Subscribes to the registry update events; `updated` gets the registry to fetch again. */
export async function subscribeRegistryUpdates(conn: HawsConnection, updated: (kind: RegistryKind) => void): Promise<void> {
  for (const [event, kind] of Object.entries(REGISTRY_EVENTS)) {
    await conn.subscribeEvents(() => updated(kind), event);
  }
}

export async function fetchRegistries(conn: HawsConnection, log: Logger): Promise<HassRegistries> {
  const [areas, floors, devices, entities] = await Promise.all([
    fetchRegistry(conn, 'areas', log),
    fetchRegistry(conn, 'floors', log),
    fetchRegistry(conn, 'devices', log),
    fetchRegistry(conn, 'entities', log),
  ]);
  return { areas, floors, devices, entities } as HassRegistries;
}

/** One registry; an HA too old to have it (floors: 2024.4) gives an empty list. */
export async function fetchRegistry(conn: HawsConnection, kind: RegistryKind, log: Logger): Promise<HassRegistries[RegistryKind]> {
  let rows: Record<string, unknown>[];
  try {
    rows = await conn.sendMessagePromise<Record<string, unknown>[]>({ type: LIST_COMMANDS[kind] });
  } catch (err) {
    // floor_registry only exists since 2024.4; an older HA just has no floors.
    if ((err as HaErrorPayload)?.code === 'unknown_command') return [];
    throw err;
  }
  if (!Array.isArray(rows)) return [];
  switch (kind) {
    case 'areas':
      return rows.map(
        (r): HassArea => ({
          area_id: String(r.area_id),
          name: String(r.name ?? r.area_id),
          floor_id: str(r.floor_id),
          aliases: strList(r.aliases),
        }),
      );
    case 'floors':
      return rows.map(
        (r): HassFloor => ({
          floor_id: String(r.floor_id),
          name: String(r.name ?? r.floor_id),
          level: typeof r.level === 'number' ? r.level : null,
          aliases: strList(r.aliases),
        }),
      );
    case 'devices':
      return rows.map(
        (r): HassDevice => ({
          id: String(r.id),
          name: str(r.name),
          name_by_user: str(r.name_by_user),
          area_id: str(r.area_id),
          manufacturer: str(r.manufacturer),
          model: str(r.model),
        }),
      );
    case 'entities':
      return fetchEntities(conn, rows, log);
  }
}

async function fetchEntities(conn: HawsConnection, rows: Record<string, unknown>[], log: Logger): Promise<HassEntityEntry[]> {
  const entries = rows.map(
    (r): HassEntityEntry => ({
      entity_id: String(r.entity_id),
      name: str(r.name),
      original_name: str(r.original_name),
      area_id: str(r.area_id),
      device_id: str(r.device_id),
      aliases: [],
      platform: str(r.platform) ?? undefined,
      disabled_by: str(r.disabled_by),
      hidden_by: str(r.hidden_by),
    }),
  );
  // The list leaves aliases out; get_entries has them (one round trip for all).
  try {
    const extended = await conn.sendMessagePromise<Record<string, { aliases?: unknown } | null>>({
      type: 'config/entity_registry/get_entries',
      entity_ids: entries.map((e) => e.entity_id),
    });
    for (const e of entries) {
      const x = extended?.[e.entity_id];
      if (x) e.aliases = strList(x.aliases);
    }
  } catch (err) {
    log.debug({ err: (err as HaErrorPayload)?.message }, 'entity aliases unavailable');
  }
  return entries;
}

/** Fetches one registry again; null (and a warning) when that fails: the next resync fetches them all anyway. */
export async function refetchRegistry(conn: HawsConnection, kind: RegistryKind, log: Logger): Promise<HassRegistries[RegistryKind] | null> {
  try {
    return await fetchRegistry(conn, kind, log);
  } catch (err) {
    log.warn({ kind, err: (err as HaErrorPayload)?.message ?? String(err) }, 'registry refresh failed; next resync will retry');
    return null;
  }
}
