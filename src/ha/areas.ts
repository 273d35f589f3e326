// Which area an entity is in, as Home Assistant decides it: the entity's own area, else its device's.
import type { HassRegistries } from './types';

/** entity_id → area name (null when it has none). */
export function areaNamesByEntity(reg: HassRegistries): Map<string, string | null> {
  const areaName = new Map(reg.areas.map((a) => [a.area_id, a.name]));
  const deviceArea = new Map(reg.devices.map((d) => [d.id, d.area_id]));
  const out = new Map<string, string | null>();
  for (const e of reg.entities) {
    const areaId = e.area_id ?? (e.device_id ? (deviceArea.get(e.device_id) ?? null) : null);
    out.set(e.entity_id, areaId ? (areaName.get(areaId) ?? areaId) : null);
  }
  return out;
}
