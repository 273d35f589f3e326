// IntentRecognizer: a language pack's templates matched against a home's names.
import type { HomeModel } from './home';
import { hasHan, type Token, tokenStrings } from './tokenize';
import {
  expandStrings,
  newTrie,
  parseTemplate,
  canBegin,
  firstWords,
  type FirstWords,
  requiredWords,
  SentenceMatcher,
  trieAdd,
  type Parse,
  type SlotList,
  type SlotValue,
  type TNode,
  type TrieNode,
} from './template';
import type { Draft, IntentGroup, Language, LanguagePack, RecognizeContext, RecognizedIntent } from './types';
import { EN } from './lang/en';
import { ZH } from './lang/zh';

export type { RecognizedIntent, Language, RecognizeContext } from './types';

const PACKS: Record<Language, LanguagePack> = { en: EN, 'zh-cn': ZH };

interface Compiled {
  group: IntentGroup;
  node: TNode;
  /** The words a sentence it reads can begin with. */
  first: FirstWords;
  required: string[];
  slots: Record<string, SlotValue>;
  order: number;
}

// Parsed templates depend only on the language pack, so they are shared by every recognizer.
const compiledCache = new Map<Language, { templates: Compiled[]; valueLists: Map<string, SlotList> }>();

function compilePack(language: Language): { templates: Compiled[]; valueLists: Map<string, SlotList> } {
  const hit = compiledCache.get(language);
  if (hit) return hit;
  const pack = PACKS[language];
  const ruleCache = new Map<string, TNode>();
  const resolving = new Set<string>();
  const rule = (name: string): TNode => {
    const got = ruleCache.get(name);
    if (got) return got;
    const src = pack.rules[name];
    if (src === undefined) throw new Error(`intents(${language}): unknown rule <${name}>`);
    if (resolving.has(name)) throw new Error(`intents(${language}): rule <${name}> refers to itself`);
    resolving.add(name);
    const node = parseTemplate(src, rule);
    resolving.delete(name);
    ruleCache.set(name, node);
    return node;
  };
  const templates: Compiled[] = [];
  let order = 0;
  for (const group of pack.groups) {
    for (const t of group.templates) {
      const src = typeof t === 'string' ? t : t.t;
      const node = parseTemplate(src, rule);
      templates.push({
        group,
        node,
        first: firstWords(node),
        required: [...requiredWords(node)],
        slots: typeof t === 'string' ? {} : (t.slots ?? {}),
        order: order++,
      });
    }
  }
  const valueLists = new Map<string, SlotList>();
  for (const [name, values] of Object.entries(pack.lists)) {
    const trie = newTrie();
    for (const [phrase, value] of Object.entries(values)) {
      for (const p of expandStrings(phrase, 256)) trieAdd(trie, p, { value });
    }
    valueLists.set(name, { kind: 'trie', trie, weight: 1.1 });
  }
  for (const [name, [min, max]] of Object.entries(pack.numbers)) valueLists.set(name, { kind: 'number', min, max });
  for (const name of pack.wildcards) valueLists.set(name, { kind: 'wildcard' });
  const out = { templates, valueLists };
  compiledCache.set(language, out);
  return out;
}

export function detectLanguage(text: string): Language {
  return hasHan(text) ? 'zh-cn' : 'en';
}

/** The language to understand and answer in: the one asked for ("zh-Hans", "en-GB", …), else the text's own. */
export function languageOf(requested: string | null | undefined, text: string): Language {
  if (requested && /^zh/i.test(requested)) return 'zh-cn';
  if (requested && /^en/i.test(requested)) return 'en';
  return detectLanguage(text);
}

const TEMPLATE_SYNTAX = /[()[\]|]/;

/**
 * A plural name said in the singular: "Kitchen cabinets" -> "kitchen cabinet", "Sliding Doors" -> "sliding door"; null
 * when unsure. Never the other way: "the living room lamps" are the room's lights, not the "Living Room Lamp".
 */
function singular(toks: string[]): string | null {
  const last = toks[toks.length - 1] ?? '';
  if (last.length < 4 || !/^[a-z]+s$/.test(last) || /(ss|us|is)$/.test(last)) return null;
  const one = last.endsWith('ies') ? `${last.slice(0, -3)}y` : last.endsWith('lves') ? `${last.slice(0, -3)}f` : last.slice(0, -1);
  return [...toks.slice(0, -1), one].join(' ');
}

const DETERMINERS = new Set(['the', 'my', 'our', 'your', 'this', 'these', 'those']);

/** English: of two determiners in a row ("my the lights", "the the weather") only the second counts. */
function stutter(toks: readonly Token[], i: number): boolean {
  return DETERMINERS.has(toks[i].t) && DETERMINERS.has(toks[i + 1]?.t ?? '');
}

export class IntentRecognizer {
  private readonly templates: Compiled[];
  private readonly valueLists: Map<string, SlotList>;
  private readonly homeLists = new Map<string, SlotList>();
  /** Lower-cased names of the places people can be: home, zones, and the states people are in. */
  private readonly zones = new Set<string>(['home']);

  constructor(
    private readonly home: HomeModel,
    readonly language: Language,
  ) {
    if (!(language in PACKS)) throw new Error(`intents: unsupported language "${String(language)}" (use en or zh-cn)`);
    const compiled = compilePack(language);
    this.templates = compiled.templates;
    this.valueLists = compiled.valueLists;
    const place = newTrie();
    const area = newTrie();
    const floor = newTrie();
    for (const a of home.areas) {
      for (const n of [a.name, ...a.aliases]) {
        for (const x of expandStrings(n)) {
          trieAdd(area, x, { value: a.name });
          trieAdd(place, x, { value: { area: a.name } });
        }
      }
    }
    for (const f of home.floors) {
      // "Upstairs" is also "the upstairs floor" (and, as Home Assistant's grammar has it, "the first floor floor")
      const also = language === 'en' ? [f.name, ...f.aliases].map((n) => `${n} floor`) : [];
      for (const n of [f.name, ...f.aliases, ...also]) {
        for (const x of expandStrings(n)) {
          trieAdd(floor, x, { value: f.name });
          trieAdd(place, x, { value: { floor: f.name } });
        }
      }
    }
    // the places people can be besides home and away ("Work"): the states the home's people are in, and its zones
    const zone = newTrie();
    for (const e of home.entities) {
      const z = e.domain === 'person' ? e.state : e.domain === 'zone' ? e.name : '';
      if (z && !['home', 'not_home', 'unknown', 'unavailable'].includes(z.toLowerCase())) {
        for (const x of expandStrings(z)) trieAdd(zone, x, { value: z });
        this.zones.add(z.toLowerCase());
      }
    }
    this.homeLists.set('zone', { kind: 'trie', trie: zone, weight: 1.2 });
    this.homeLists.set('area', { kind: 'trie', trie: area, weight: 1.2 });
    this.homeLists.set('floor', { kind: 'trie', trie: floor, weight: 1.2 });
    this.homeLists.set('place', { kind: 'trie', trie: place, weight: 1.2 });
  }

  /** Entity-name lists, built on first use: "name" (all) or "name.light+switch" (by domain). */
  private nameList(list: string): SlotList {
    const got = this.homeLists.get(list);
    if (got) return got;
    const domains = list === 'name' ? null : list.slice(5).split('+');
    const trie: TrieNode = newTrie();
    const said = new Set<string>();
    for (const x of [...this.home.areas, ...this.home.floors, ...this.home.entities])
      for (const n of [x.name, ...x.aliases]) for (const v of expandStrings(n)) said.add(tokenStrings(v).join(' '));
    // a name that starts with its area's name may be said without it in English ("the countertop lights" for "Kitchen
    // countertop"), when what is left is no word of the grammar's own lists ("lamp", "switch") and belongs to one entity
    const short = new Map<string, string[]>();
    if (this.language === 'en') {
      for (const e of this.home.entities) {
        if (domains && !domains.includes(e.domain)) continue;
        const area = this.home.area(e.area_id ?? '');
        if (!area) continue;
        const pre = tokenStrings(area.name).join(' ');
        const toks = tokenStrings(e.name).join(' ');
        if (!toks.startsWith(`${pre} `)) continue;
        const rest = toks.slice(pre.length + 1);
        if (said.has(rest) || this.isListPhrase(rest)) continue;
        short.set(rest, [...(short.get(rest) ?? []), e.entity_id]);
      }
    }
    for (const [rest, ids] of short) {
      if (ids.length !== 1) continue;
      const e = this.home.entity(ids[0])!;
      trieAdd(trie, rest, { value: e.name, entities: ids });
      const one = singular(rest.split(' '));
      if (one && !said.has(one) && !short.has(one) && !this.isListPhrase(one)) trieAdd(trie, one, { value: e.name, entities: ids });
    }
    for (const e of this.home.entities) {
      if (domains && !domains.includes(e.domain)) continue;
      const names = [e.name, ...e.aliases];
      names.forEach((n, i) => {
        const templated = TEMPLATE_SYNTAX.test(n);
        for (const x of expandStrings(n)) {
          const entry = { value: templated || i > 0 ? x : n, entities: [e.entity_id] };
          trieAdd(trie, x, entry);
          // English: a plural name in the singular ("the kitchen cabinet lights" for "Kitchen cabinets"), when that is
          // not itself the name of something else
          if (this.language !== 'en') continue;
          const other = singular(tokenStrings(x));
          if (other && !said.has(other)) trieAdd(trie, other, entry);
        }
      });
    }
    const sl: SlotList = { kind: 'trie', trie, weight: 1.4 };
    this.homeLists.set(list, sl);
    return sl;
  }

  /**
   * The device a reading belongs to, said without the quantity at the end of the sensor's name: "Air conditioning power"
   * is also "the air conditioning" ("how much power is the air conditioning using"). "part.sensor": the leading words of
   * those names, except words that are already an area, a floor or another kind of thing. Weighs less than a whole name.
   */
  private partList(list: string): SlotList {
    const got = this.homeLists.get(list);
    if (got) return got;
    const domains = list.slice(5).split('+');
    const taken = new Set<string>();
    const others = this.home.entities.filter((e) => !domains.includes(e.domain));
    for (const x of [...this.home.areas, ...this.home.floors, ...others])
      for (const n of [x.name, ...x.aliases]) for (const v of expandStrings(n)) taken.add(tokenStrings(v).join(' '));
    const trie: TrieNode = newTrie();
    for (const e of this.home.entities) {
      if (!domains.includes(e.domain)) continue;
      for (const n of [e.name, ...e.aliases]) {
        for (const x of expandStrings(n)) {
          const toks = tokenStrings(x);
          for (let k = toks.length - 1; k >= 1; k--) {
            const part = toks.slice(0, k).join(' ');
            if (!taken.has(part)) trieAdd(trie, part, { value: part, entities: [e.entity_id] });
          }
        }
      }
    }
    const sl: SlotList = { kind: 'trie', trie, weight: 1.25 };
    this.homeLists.set(list, sl);
    return sl;
  }

  /** Whether a phrase is one of the language pack's own list phrases ("lamp", "garage door"). */
  private isListPhrase(phrase: string): boolean {
    const toks = phrase.split(' ');
    for (const sl of this.valueLists.values()) {
      if (sl.kind !== 'trie') continue;
      let node: TrieNode | undefined = sl.trie;
      for (const t of toks) node = node?.next.get(t);
      if (node?.vals.length) return true;
    }
    return false;
  }

  private list = (name: string): SlotList | undefined => {
    if (name === 'name' || name.startsWith('name.')) return this.nameList(name);
    if (name.startsWith('part.')) return this.partList(name);
    return this.homeLists.get(name) ?? this.valueLists.get(name);
  };

  recognize(text: string, context?: RecognizeContext): RecognizedIntent | null {
    // Chinese is matched character by character: every phrase is several tokens, so a whole phrase earns nothing extra.
    const en = this.language === 'en';
    const sm = SentenceMatcher.of(text, this.list, en ? stutter : undefined, en ? undefined : 0);
    if (sm.toks.length === 0) return null;
    let best: { draft: Draft; score: number; order: number } | null = null;
    const t0 = sm.toks[0].t;
    for (const c of this.templates) {
      if (!canBegin(c.first, t0)) continue;
      let ok = true;
      for (const w of c.required) {
        if (!sm.words.has(w)) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const parses = sm.matchAll(c.node);
      for (const p of parses) {
        const score = p.score + (c.group.bonus ?? 0);
        if (best && score <= best.score) continue;
        const draft = this.build(c, p, context);
        if (!draft) continue;
        best = { draft, score, order: c.order };
      }
    }
    if (!best) return null;
    const { draft } = best;
    const slots: Record<string, SlotValue> = {};
    for (const [k, v] of Object.entries(draft.slots)) if (!k.startsWith('_')) slots[k] = v;
    const out: RecognizedIntent = { name: draft.name, slots };
    if (draft.entities?.length) out.entities = draft.entities;
    return out;
  }

  private build(c: Compiled, p: Parse, context?: RecognizeContext): Draft | null {
    const slots: Record<string, SlotValue> = { ...(c.group.slots ?? {}), ...c.slots };
    // "who is at work": a place people are in (a zone) makes it a question about people, not about a picture.
    if (c.group.intent === 'ButlerDescribeCamera' && slots.by !== 'camera') {
      const place = p.captures.find((cap) => cap.slot === 'name')?.value;
      if (typeof place === 'string' && this.zones.has(place.trim().toLowerCase())) return null;
    }
    let named: string[] | null = null;
    // A second area or floor in one sentence ("the kitchen and the bedroom") adds to the first: the slot becomes a list.
    const captured = new Set<string>();
    const put = (k: string, v: SlotValue): void => {
      if ((k === 'area' || k === 'floor') && captured.has(k) && typeof v === 'string') {
        const all = [...new Set([...([] as string[]).concat(slots[k] as string | string[]), v])];
        slots[k] = all.length === 1 ? all[0] : all;
      } else slots[k] = v;
      captured.add(k);
    };
    for (const cap of p.captures) {
      if (typeof cap.value === 'object' && !Array.isArray(cap.value)) {
        for (const [k, v] of Object.entries(cap.value)) put(k, v);
      } else {
        put(cap.slot, typeof cap.value === 'string' ? cap.value.trim() : cap.value);
      }
      if (cap.entities) named = [...cap.entities];
    }
    if (
      c.group.context &&
      context?.area &&
      slots.area === undefined &&
      slots.floor === undefined &&
      (slots.name === undefined || slots.name === 'all')
    ) {
      slots.area = this.home.findArea(context.area)?.name ?? context.area;
    }
    let entities: string[] | null = null;
    if (named) {
      // narrow a shared name ("Phone") by the domain / device class the sentence implies
      let ents = named.map((id) => this.home.entity(id)).filter((e) => e !== undefined);
      if (typeof slots.domain === 'string') {
        const d = slots.domain;
        const f = ents.filter((e) => e.domain === d);
        if (f.length) ents = f;
      }
      if (typeof slots.device_class === 'string') {
        const d = slots.device_class;
        const f = ents.filter((e) => e.device_class === d);
        if (f.length) ents = f;
      }
      entities = ents.map((e) => e.entity_id);
      const domains = [...new Set(ents.map((e) => e.domain))];
      if (slots.domain === undefined && domains.length === 1) slots.domain = domains[0];
      const classes = [...new Set(ents.map((e) => e.device_class))];
      if (slots.device_class === undefined && classes.length === 1 && classes[0]) slots.device_class = classes[0];
    } else if (slots.domain !== undefined || slots.device_class !== undefined) {
      entities = this.home.entitiesInPlaces(slots).map((e) => e.entity_id);
    }
    const draft: Draft = { name: c.group.intent, slots, entities };
    if (c.group.check && !c.group.check(draft, this.home)) return null;
    return draft;
  }
}
