// Helpers shared by the language packs.
import type { HomeEntity, HomeModel } from '../home';
import type { Draft } from '../types';

/** Binary-sensor questions: the state word names candidate device classes; the entity must have one of them. */
export function binarySensorCheck(d: Draft, home: HomeModel): boolean {
  let classes = Array.isArray(d.slots._classes) ? d.slots._classes : null;
  const dev = Array.isArray(d.slots._dev) ? d.slots._dev : null;
  if (dev) {
    // the thing named ("batteries") and the state word ("charging") must agree on a device class
    classes = classes ? classes.filter((c) => dev.includes(c)) : dev;
    if (!classes.length) return false;
  }
  const dc = typeof d.slots.device_class === 'string' ? d.slots.device_class : null;
  // a state word's plain meaning for a thing ("present": presence), when it has one
  const plain = typeof d.slots._anyClass === 'string' && classes?.includes(d.slots._anyClass) ? d.slots._anyClass : null;
  d.slots.domain = 'binary_sensor';
  if (typeof d.slots.name === 'string' && d.slots.name !== 'all' && d.entities) {
    let ents = d.entities
      .map((id) => home.entity(id))
      .filter((e) => e !== undefined && e.domain === 'binary_sensor')
      .filter((e) => !classes || classes.includes(e!.device_class ?? ''))
      .filter((e) => !dc || e!.device_class === dc)
      // "the light in the bedroom" is no sensor named "Light" that is somewhere else
      .filter((e) => typeof d.slots.area !== 'string' || home.area(e!.area_id ?? '')?.name === d.slots.area);
    if (!ents.length) return false;
    // a name shared by several sensors ("Phone") is the one the state word plainly means ("is the phone present")
    const meant = ents.filter((e) => e!.device_class === plain);
    if (meant.length) ents = meant;
    d.entities = ents.map((e) => e!.entity_id);
    d.slots.device_class = ents[0]!.device_class ?? '';
    return true;
  }
  if (dc && classes && !classes.includes(dc)) return false;
  // "is anything open": a generic thing word keeps every device class the state word fits (doors, windows, openings)
  // unless the state word has a plain meaning ("is anything present": presence)
  if (!dc && classes) d.slots.device_class = d.slots._any && classes.length > 1 ? (plain ?? classes) : classes[0];
  return true;
}

/** Only entities of these domains may be the target. */
export function domainCheck(...domains: string[]): (d: Draft, home: HomeModel) => boolean {
  return (d, home) => {
    if (!d.entities || typeof d.slots.name !== 'string' || d.slots.name === 'all') return true;
    const ok = d.entities.filter((id) => domains.includes(home.entity(id)?.domain ?? ''));
    if (!ok.length) return false;
    d.entities = ok;
    return true;
  };
}

/** Turn on/off by name: anything switchable, but not sensors, people or weather. */
export const SWITCHABLE = [
  'light',
  'switch',
  'fan',
  'scene',
  'script',
  'cover',
  'valve',
  'lock',
  'media_player',
  'input_boolean',
  'climate',
  'automation',
  'siren',
  'humidifier',
  'vacuum',
  'camera',
  'remote',
  'water_heater',
  'button',
];

export const NUMBERS: Record<string, [number, number]> = {
  brightness: [0, 100],
  position: [0, 100],
  volume_level: [0, 100],
  temperature: [-100, 1000],
  hours: [0, 1000],
  minutes: [0, 10000],
  seconds: [0, 100000],
  start_hours: [0, 1000],
  start_minutes: [0, 10000],
  start_seconds: [0, 100000],
};

/** Sensor readings: when one name covers several sensors, the quantity words pick the device class. */
export function sensorCheck(d: Draft, home: HomeModel): boolean {
  if (!domainCheck('sensor')(d, home)) return false;
  if (d.entities?.length === 1 && typeof d.slots._q === 'string' && typeof d.slots.name === 'string') {
    // "the signal strength of my phone": not "My Phone" (its battery) when "My phone GSM signal" fits the quantity
    const q = quantityWords(d.slots._q);
    const fits = (e: HomeEntity) => [...q].some((w) => ownWords(e, '').has(w));
    const me = home.entity(d.entities[0]);
    const prefix = `${d.slots.name.toLowerCase()} `;
    if (me && !fits(me) && home.entities.some((e) => e.domain === 'sensor' && e.name.toLowerCase().startsWith(prefix) && fits(e)))
      return false;
  }
  if (!d.entities || d.entities.length < 2 || typeof d.slots._q !== 'string') return true;
  const words = new Set(
    d.slots._q
      .toLowerCase()
      .split(/\s+/)
      .map((w) => CLASS_WORD[w] ?? w),
  );
  let best: string[] = [];
  let bestScore = -1;
  for (const id of d.entities) {
    // the class that shares most words with the quantity; of equals, the one with fewest words left over
    // ("precipitation quantity" is precipitation, not precipitation_intensity)
    const dc = (home.entity(id)?.device_class ?? '').split('_');
    const hit = dc.filter((w) => words.has(w)).length;
    const score = hit ? 10 * hit - (dc.length - hit) : 0;
    if (score > bestScore) {
      best = [id];
      bestScore = score;
    } else if (score === bestScore) best.push(id);
  }
  d.entities = best;
  const dc = home.entity(best[0])?.device_class;
  if (best.length === 1 && dc) d.slots.device_class = dc;
  return true;
}

/** Everyday words for the words of sensor device classes: "the rain rate" is precipitation_intensity. */
const CLASS_WORD: Record<string, string> = {
  rain: 'precipitation',
  rainfall: 'precipitation',
  snow: 'precipitation',
  snowfall: 'precipitation',
  rate: 'intensity',
};

function quantityWords(q: string): Set<string> {
  return new Set(
    q
      .toLowerCase()
      .split(/[^a-z0-9.]+/)
      .filter((w) => w.length > 1),
  );
}

/** The words of a sensor's device class and of its name after the device part. */
function ownWords(e: HomeEntity, part: string): Set<string> {
  const name = e.name.toLowerCase();
  const rest = part && name.startsWith(part) ? name.slice(part.length) : name;
  return new Set([...(e.device_class ?? '').split('_'), ...rest.split(/[^a-z0-9.]+/)].filter((w) => w.length > 1));
}

/**
 * A reading asked for by the device it belongs to and the quantity ("the power of the air conditioning"): of the sensors
 * whose names start with that device, the one whose device class or remaining name words share most words with the
 * quantity; none that fits, or a tie between several, is not this reading. The name slot becomes the sensor's whole name.
 */
export function sensorPartCheck(d: Draft, home: HomeModel): boolean {
  if (!d.entities?.length) return false;
  const part = typeof d.slots.name === 'string' ? d.slots.name.toLowerCase() : '';
  const words = quantityWords(String(d.slots._q ?? ''));
  let best: string[] = [];
  let bestScore = -1;
  for (const id of d.entities) {
    const e = home.entity(id);
    if (e?.domain !== 'sensor') continue;
    const own = ownWords(e, part);
    const score = [...words].filter((w) => own.has(w)).length;
    if (score > bestScore) {
      best = [id];
      bestScore = score;
    } else if (score === bestScore) best.push(id);
  }
  // the quantity must fit the sensor: "how many lights are on in the house" is no reading of "House current draw"
  if (best.length !== 1 || bestScore < 1) return false;
  const e = home.entity(best[0])!;
  d.entities = best;
  d.slots.name = e.name;
  d.slots.domain = 'sensor';
  if (e.device_class) d.slots.device_class = e.device_class;
  return true;
}

/**
 * A reading asked for by what it measures ("what's the humidity in the living room"): the sensors of that device class
 * in the place; when none is assigned to it, the ones named after it ("Living room humidity"); else every one of them.
 * No sensor of that class at all: not this intent.
 */
export function sensorClassCheck(d: Draft, home: HomeModel): boolean {
  const dc = typeof d.slots.device_class === 'string' ? d.slots.device_class : null;
  if (!dc) return false;
  const all = home.entitiesIn({ domain: 'sensor', device_class: dc });
  if (!all.length) return false;
  let ents = all;
  const places = ([] as unknown[]).concat(d.slots.area ?? [], d.slots.floor ?? []).filter((x): x is string => typeof x === 'string');
  if (places.length) {
    const inside = home.entitiesInPlaces({ domain: 'sensor', device_class: dc, area: d.slots.area, floor: d.slots.floor });
    const lower = places.map((p) => p.toLowerCase());
    const named = all.filter((e) => [e.name, ...e.aliases].some((n) => lower.some((p) => n.toLowerCase().includes(p))));
    ents = inside.length ? inside : named.length ? named : all;
  }
  d.slots.domain = 'sensor';
  d.entities = ents.map((e) => e.entity_id);
  return true;
}
