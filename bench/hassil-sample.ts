// Home Assistant's sentence grammar, sampled: expands the templates of home-assistant/intents (sentences/<lang>/**.yaml
// with _common.yaml's expansion rules and lists) into random concrete sentences, each with the intent and the slots
// Home Assistant would give it, runs them through our recognizer (the same code path as `butler intents` and the
// bench) and prints accuracy per file and per intent, then the failing sentences with what we answered.
//
//   npm run build && node dist/bench/hassil-sample.js --repo PATH [--language en] [--fixtures FILE] [--n 5]
//        [--seed 1] [--file SUBSTRING] [--failures [MAX]]
//
// PATH is a checkout of home-assistant/intents or a bare git dir of it (read through `git show HEAD:...`);
// --fixtures defaults to $INTENTS_DEV or /work/shared/intents-dev, <lang>/_fixtures.yaml: the home whose names, areas
// and floors fill {name}, {area} and {floor}, consistently with each data block's requires_context, excludes_context,
// name_domains, inferred_domain and fixed slots (a name said with an area is an entity of that area). Wildcard lists
// get a few plausible phrases (media titles and timer names from the fixtures where there are some). --n is the number
// of samples per template (duplicates dropped), --seed makes the sample repeatable, --file keeps only the files whose
// path contains SUBSTRING.
// Expected slots: every list slot the sentence says, the block's fixed slots, inferred_domain as domain, and the
// context area when the block takes the area from the speaking device; compared as the bench compares (score.ts).
// Not part of `npm test`: the grammar snapshot is not available there.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { type HomeArea, type HomeEntity, HomeModel } from '../src/brain/intents/home';
import { IntentRecognizer } from '../src/brain/intents/recognizer';
import { slotsMatch } from '../src/brain/intents/score';
import type { Language } from '../src/brain/intents/types';

// ---- the repository: a work tree or a bare git dir --------------------------------------------------------------------

function sourceOf(repo: string): { files: (dir: string) => string[]; read: (path: string) => string } {
  if (existsSync(join(repo, 'sentences'))) {
    const walk = (dir: string): string[] =>
      readdirSync(join(repo, dir), { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
      );
    return { files: (dir) => walk(dir).sort(), read: (path) => readFileSync(join(repo, path), 'utf8') };
  }
  const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return {
    files: (dir) => git('ls-tree', '-r', '--name-only', 'HEAD', dir).split('\n').filter(Boolean).sort(),
    read: (path) => git('show', `HEAD:${path}`),
  };
}

// ---- hassil templates: (a|b) [a] (a;b) <rule> {list} {list:slot} ---------------------------------------------------------

type Node =
  | { k: 'text'; s: string }
  | { k: 'seq'; items: Node[] }
  | { k: 'alt'; opts: Node[] }
  | { k: 'perm'; items: Node[] }
  | { k: 'rule'; name: string }
  | { k: 'list'; list: string; slot: string };

const EMPTY: Node = { k: 'text', s: '' };

function parse(src: string): Node {
  let i = 0;
  // a group's body: alternatives, or ";"-separated parts said in any order
  function group(close: string | null): Node {
    const parts: Node[] = [];
    let opts: Node[] = [seq()];
    for (;;) {
      if (src[i] === '|') {
        i++;
        opts.push(seq());
      } else if (src[i] === ';') {
        i++;
        parts.push(opts.length === 1 ? opts[0] : { k: 'alt', opts });
        opts = [seq()];
      } else break;
    }
    parts.push(opts.length === 1 ? opts[0] : { k: 'alt', opts });
    if (close !== null) {
      if (src[i] !== close) throw new Error(`expected "${close}" at ${i} in "${src}"`);
      i++;
    } else if (i < src.length) throw new Error(`unexpected "${src[i]}" at ${i} in "${src}"`);
    return parts.length === 1 ? parts[0] : { k: 'perm', items: parts };
  }
  function seq(): Node {
    const items: Node[] = [];
    while (i < src.length && !'|;)]'.includes(src[i])) {
      const c = src[i];
      if (c === '(') {
        i++;
        items.push(group(')'));
      } else if (c === '[') {
        i++;
        items.push({ k: 'alt', opts: [group(']'), EMPTY] });
      } else if (c === '<' || c === '{') {
        const j = src.indexOf(c === '<' ? '>' : '}', i);
        if (j < 0) throw new Error(`unclosed "${c}" in "${src}"`);
        const body = src.slice(i + 1, j).trim();
        if (c === '<') items.push({ k: 'rule', name: body });
        else {
          const [list, slot] = body.split(':');
          items.push({ k: 'list', list, slot: slot ?? list });
        }
        i = j + 1;
      } else {
        let j = i;
        while (j < src.length && !'()[]<>{}|;'.includes(src[j])) j++;
        items.push({ k: 'text', s: src.slice(i, j) });
        i = j;
      }
    }
    return items.length === 1 ? items[0] : { k: 'seq', items };
  }
  return group(null);
}

// ---- random choices ----------------------------------------------------------------------------------------------------

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

// ---- lists and rules in scope for one data block ---------------------------------------------------------------------

interface ListDef {
  values?: (string | { in: string; out?: unknown })[];
  range?: { from: number; to: number; step?: number; fractions?: string };
  wildcard?: boolean;
}

interface Block {
  sentences: string[];
  slots?: Record<string, unknown>;
  requires_context?: Record<string, unknown>;
  excludes_context?: Record<string, unknown>;
  name_domains?: string[];
  inferred_domain?: string;
  expansion_rules?: Record<string, string>;
  lists?: Record<string, ListDef>;
}

interface Scope {
  rules: Record<string, string>;
  lists: Record<string, ListDef>;
}

/** What a wildcard list is filled with when the fixtures do not say. */
const WILDCARD_FILL: Record<string, string[]> = {
  search_query: ['jazz', 'the beatles', 'abbey road', 'some relaxing piano music'],
  shopping_list_item: ['apples', 'milk', 'paper towels', 'two pounds of flour'],
  todo_list_item: ['call the plumber', 'pay the rent', 'buy milk'],
  message: ['dinner is ready', 'the car is here', 'time to leave for school'],
  timer_name: ['pizza', 'laundry', 'tea'],
  timer_command: ['turn off the lights', 'open the garage door'],
  zone: ['work', 'school'],
};

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

class Skip extends Error {}

/** One sentence being generated: the home scenario it speaks about, and the slots it has said. */
class Sampler {
  private readonly parsed = new Map<string, Node>();
  warnings = new Set<string>();

  constructor(
    private readonly home: HomeModel,
    private readonly rand: Rand,
  ) {}

  node(src: string): Node {
    let n = this.parsed.get(src);
    if (!n) {
      n = parse(src);
      this.parsed.set(src, n);
    }
    return n;
  }

  /** Entities a {name} in this block may stand for. */
  candidates(b: Block): HomeEntity[] {
    const domains = new Set([
      ...(b.name_domains ?? []),
      ...asList(b.requires_context?.domain),
      ...asList(b.slots?.domain),
      ...asList(b.inferred_domain),
    ]);
    const classes = new Set([...asList(b.requires_context?.device_class), ...asList(b.slots?.device_class)]);
    const noDomains = new Set(asList(b.excludes_context?.domain));
    const noClasses = new Set(asList(b.excludes_context?.device_class));
    return this.home.entities.filter(
      (e) =>
        (!domains.size || domains.has(e.domain)) &&
        (!classes.size || classes.has(e.device_class ?? '')) &&
        !noDomains.has(e.domain) &&
        !noClasses.has(e.device_class ?? ''),
    );
  }

  sample(b: Block, template: string, scope: Scope): { text: string; slots: Record<string, unknown>; context?: { area: string } } {
    const ents = this.candidates(b);
    for (let attempt = 0; attempt < 20; attempt++) {
      const entity = ents.length ? pick(this.rand, ents) : undefined;
      const area: HomeArea | undefined = this.home.area(entity?.area_id ?? '') ?? pick(this.rand, this.home.areas);
      const floor = this.home.floor(area?.floor_id ?? '') ?? pick(this.rand, this.home.floors);
      const used = new Set<string>();
      const slots: Record<string, unknown> = {};
      const text = this.gen(this.node(template), scope, { entity, area, floor, used, slots }).replace(/\s+/g, ' ').trim();
      // a name said with an area or floor must be in it
      if (used.has('name') && entity) {
        const ea = this.home.area(entity.area_id ?? '');
        if (used.has('area') && ea?.name !== area?.name) continue;
        if (used.has('floor') && ea?.floor_id !== this.home.floors.find((f) => f.name === floor?.name)?.id) continue;
      }
      if (used.has('name') && !entity) throw new Skip('no entity in the fixtures fits {name}');
      const out: Record<string, unknown> = { ...(b.slots ?? {}), ...slots };
      if (b.inferred_domain && out.domain === undefined) out.domain = b.inferred_domain;
      let context: { area: string } | undefined;
      const ctxArea = b.requires_context?.area as { slot?: boolean } | undefined;
      if (ctxArea && area) {
        context = { area: area.name };
        if (ctxArea.slot && !used.has('area') && !used.has('floor')) out.area = area.name;
      }
      return { text, slots: out, context };
    }
    throw new Skip('no consistent name and area');
  }

  private gen(
    n: Node,
    scope: Scope,
    s: {
      entity?: HomeEntity;
      area?: HomeArea;
      floor?: { name: string };
      used: Set<string>;
      slots: Record<string, unknown>;
    },
  ): string {
    switch (n.k) {
      case 'text':
        return n.s;
      case 'seq':
        return n.items.map((x) => this.gen(x, scope, s)).join('');
      case 'alt':
        return this.gen(pick(this.rand, n.opts), scope, s);
      case 'perm': {
        const items = [...n.items];
        for (let i = items.length - 1; i > 0; i--) {
          const j = Math.floor(this.rand() * (i + 1));
          [items[i], items[j]] = [items[j], items[i]];
        }
        return items.map((x) => this.gen(x, scope, s)).join(' ');
      }
      case 'rule': {
        const src = scope.rules[n.name];
        if (src === undefined) {
          this.warnings.add(`unknown rule <${n.name}> (said as nothing)`);
          return '';
        }
        return this.gen(this.node(src), scope, s);
      }
      case 'list':
        return this.list(n.list, n.slot, scope, s);
    }
  }

  private list(
    list: string,
    slot: string,
    scope: Scope,
    s: { entity?: HomeEntity; area?: HomeArea; floor?: { name: string }; used: Set<string>; slots: Record<string, unknown> },
  ): string {
    if (list === 'name') {
      s.used.add('name');
      if (!s.entity) return 'nothing';
      const said = this.gen(this.node(s.entity.name), scope, s).replace(/\s+/g, ' ').trim();
      s.slots[slot] = /[()[\]|]/.test(s.entity.name) ? said : s.entity.name;
      return said;
    }
    if (list === 'area' || list === 'floor') {
      s.used.add(list);
      const x = list === 'area' ? s.area : s.floor;
      if (!x) throw new Skip(`no ${list} in the fixtures`);
      s.slots[slot] = x.name;
      return x.name;
    }
    const def = scope.lists[list];
    if (!def) throw new Skip(`unknown list {${list}}`);
    if (def.wildcard) {
      // the places the fixtures' people are in besides home and away
      const zones = this.home.entities
        .filter((e) => e.domain === 'person' && !['home', 'not_home'].includes(e.state))
        .map((e) => e.state.toLowerCase());
      const fill =
        list === 'zone' && zones.length
          ? zones
          : list === 'search_query' && this.home.mediaTitles.length
            ? this.home.mediaTitles
            : list === 'timer_name' && this.home.timers.some((t) => t.name)
              ? this.home.timers.flatMap((t) => (t.name ? [t.name] : []))
              : (WILDCARD_FILL[list] ?? ['something']);
      const v = pick(this.rand, fill);
      s.slots[slot] = v;
      return v;
    }
    if (def.range) {
      const { from, to, step = 1, fractions } = def.range;
      let v = from + step * Math.floor(this.rand() * (Math.floor((to - from) / step) + 1));
      if (fractions && v < to && this.rand() < 0.2) v += 0.5;
      s.slots[slot] = v;
      return String(v);
    }
    if (def.values?.length) {
      const item = pick(this.rand, def.values);
      if (typeof item !== 'object') {
        s.slots[slot] = item;
        return String(item);
      }
      const said = this.gen(this.node(String(item.in)), scope, s);
      s.slots[slot] = item.out ?? said.trim();
      return said;
    }
    throw new Skip(`list {${list}} has no values`);
  }
}

// ---- the run ----------------------------------------------------------------------------------------------------------

interface Result {
  file: string;
  intent: string;
  text: string;
  context?: { area: string };
  want: Record<string, unknown>;
  got: { name: string; slots: Record<string, unknown> } | null;
  ok: boolean;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const repo = opt('--repo');
  if (!repo) {
    console.error(
      'usage: node dist/bench/hassil-sample.js --repo PATH [--language en] [--fixtures FILE] [--n 5] [--seed 1] [--file S] [--failures [MAX]]',
    );
    process.exit(2);
  }
  const lang = (opt('--language') ?? 'en') as Language;
  const fixtures = opt('--fixtures') ?? join(process.env.INTENTS_DEV ?? '/work/shared/intents-dev', lang, '_fixtures.yaml');
  const perTemplate = Number(opt('--n') ?? 5);
  const seed = Number(opt('--seed') ?? 1);
  const only = opt('--file');
  const fi = args.indexOf('--failures');
  const maxFailures = fi < 0 ? 0 : /^\d+$/.test(args[fi + 1] ?? '') ? Number(args[fi + 1]) : Number.POSITIVE_INFINITY;

  const src = sourceOf(repo);
  const dir = `sentences/${lang}`;
  const common = YAML.parse(src.read(`${dir}/_common.yaml`)) as {
    expansion_rules?: Record<string, string>;
    lists?: Record<string, ListDef>;
  };
  const home = HomeModel.fromFixtures(readFileSync(fixtures, 'utf8'));
  const rec = new IntentRecognizer(home, lang);
  const sampler = new Sampler(home, mulberry32(seed));
  const results: Result[] = [];
  const skipped = new Map<string, number>();

  for (const path of src.files(dir)) {
    if (!path.endsWith('.yaml') || path.endsWith('/_common.yaml')) continue;
    const file = relative(dir, path);
    if (only && !file.includes(only)) continue;
    const doc = YAML.parse(src.read(path)) as {
      intents?: Record<string, { data?: Block[] }>;
      data?: Block[];
      expansion_rules?: Record<string, string>;
      lists?: Record<string, ListDef>;
    };
    // "HassTurnOn/name_only.yaml" holds data for the intent its folder is named after
    const intents: [string, Block[]][] = doc.intents
      ? Object.entries(doc.intents).map(([k, v]) => [k, v.data ?? []])
      : [[file.split('/')[0], doc.data ?? []]];
    for (const [intent, blocks] of intents) {
      for (const b of blocks) {
        const scope: Scope = {
          rules: { ...common.expansion_rules, ...doc.expansion_rules, ...b.expansion_rules },
          lists: { ...common.lists, ...doc.lists, ...b.lists },
        };
        for (const t of b.sentences ?? []) {
          const seen = new Set<string>();
          for (let k = 0; k < perTemplate * 3 && seen.size < perTemplate; k++) {
            let s: ReturnType<Sampler['sample']>;
            try {
              s = sampler.sample(b, t, scope);
            } catch (err) {
              if (!(err instanceof Skip)) throw err;
              const why = `${file}: ${err.message}`;
              skipped.set(why, (skipped.get(why) ?? 0) + 1);
              break;
            }
            if (seen.has(s.text)) continue;
            seen.add(s.text);
            const got = rec.recognize(s.text, s.context);
            const ok = got !== null && got.name === intent && slotsMatch(s.slots, got.slots);
            results.push({ file, intent, text: s.text, context: s.context, want: s.slots, got, ok });
          }
        }
      }
    }
  }

  const table = (title: string, key: (r: Result) => string): void => {
    const per = new Map<string, { ok: number; n: number }>();
    for (const r of results) {
      const p = per.get(key(r)) ?? { ok: 0, n: 0 };
      p.n++;
      if (r.ok) p.ok++;
      per.set(key(r), p);
    }
    console.log(`\n== per ${title}`);
    for (const [k, p] of [...per].sort(([a], [b]) => a.localeCompare(b)))
      console.log(`  ${k.padEnd(52)} ${`${p.ok}/${p.n}`.padStart(9)} ${((100 * p.ok) / p.n).toFixed(1).padStart(6)}%`);
  };
  table('file', (r) => r.file);
  table('intent', (r) => r.intent);
  for (const w of sampler.warnings) console.log(`  note: ${w}`);
  for (const [why, n] of skipped) console.log(`  skipped ${n} template(s): ${why}`);
  const failures = results.filter((r) => !r.ok);
  if (maxFailures > 0) {
    console.log(`\n== failures (${Math.min(failures.length, maxFailures)} of ${failures.length})`);
    for (const r of failures.slice(0, maxFailures))
      console.log(
        `  [${r.file}] ${JSON.stringify(r.text)}${r.context ? ` ctx=${r.context.area}` : ''}\n    want ${r.intent} ${JSON.stringify(r.want)}\n    got  ${r.got ? `${r.got.name} ${JSON.stringify(r.got.slots)}` : 'null'}`,
      );
  }
  const ok = results.length - failures.length;
  console.log(
    `\n== ${lang} sampled ${results.length} sentences (${perTemplate} per template, seed ${seed}): ${ok}/${results.length} ${((100 * ok) / Math.max(1, results.length)).toFixed(1)}%`,
  );
}

main();
