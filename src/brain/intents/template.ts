// A small hassil-style template language and its matcher.
//   (a|b)  alternatives      [a]  optional      {list} or {list:slot}  slot from a list
//   <rule> an expansion rule defined by the language pack
// Matching works on tokens (see tokenize.ts), backtracks, and scores every complete parse so that the
// most specific reading wins (entity names over areas over plain words over wildcards).
import { tokenize, tokenStrings, type Token } from './tokenize';

export type SlotValue = string | number | string[];
export type ListValue = string | number | Record<string, SlotValue>;

export type TNode =
  | { k: 'w'; w: string }
  | { k: 'seq'; items: TNode[] }
  | { k: 'alt'; opts: TNode[]; first?: FirstWords[] }
  | { k: 'slot'; list: string; slot: string };

export class TemplateError extends Error {}

/** Parse a template; `rules` resolves <name> references (already parsed or raw). */
export function parseTemplate(src: string, rule: (name: string) => TNode): TNode {
  let i = 0;
  const n = src.length;
  function alt(close: string | null): TNode {
    const opts: TNode[] = [seq()];
    while (i < n && src[i] === '|') {
      i++;
      opts.push(seq());
    }
    if (close !== null) {
      if (src[i] !== close) throw new TemplateError(`expected "${close}" at ${i} in "${src}"`);
      i++;
    } else if (i < n) {
      throw new TemplateError(`unexpected "${src[i]}" at ${i} in "${src}"`);
    }
    return opts.length === 1 ? opts[0] : { k: 'alt', opts };
  }
  function seq(): TNode {
    const items: TNode[] = [];
    while (i < n) {
      const c = src[i];
      if (c === '|' || c === ')' || c === ']') break;
      if (c === '(') {
        i++;
        items.push(alt(')'));
      } else if (c === '[') {
        i++;
        const inner = alt(']');
        items.push({ k: 'alt', opts: [inner, { k: 'seq', items: [] }] });
      } else if (c === '{') {
        const j = src.indexOf('}', i);
        if (j < 0) throw new TemplateError(`unclosed "{" in "${src}"`);
        const body = src.slice(i + 1, j).trim();
        const [list, slot] = body.split(':');
        items.push({ k: 'slot', list, slot: slot ?? list.split('.')[0] });
        i = j + 1;
      } else if (c === '<') {
        const j = src.indexOf('>', i);
        if (j < 0) throw new TemplateError(`unclosed "<" in "${src}"`);
        items.push(rule(src.slice(i + 1, j).trim()));
        i = j + 1;
      } else {
        let j = i;
        while (j < n && !'()[]{}<>|'.includes(src[j])) j++;
        for (const t of tokenStrings(src.slice(i, j))) items.push({ k: 'w', w: t });
        i = j;
      }
    }
    return items.length === 1 ? items[0] : { k: 'seq', items };
  }
  return alt(null);
}

/** Expand a (small) template into every string it denotes: "Trader Joe[']s" -> ["Trader Joe's", "Trader Joes"]. */
export function expandStrings(src: string, limit = 64): string[] {
  if (!/[()[\]|]/.test(src)) return [src];
  let i = 0;
  const n = src.length;
  function alt(): string[] {
    let out = seq();
    while (i < n && src[i] === '|') {
      i++;
      out = out.concat(seq());
    }
    return out.slice(0, limit);
  }
  function seq(): string[] {
    let acc = [''];
    while (i < n && src[i] !== '|' && src[i] !== ')' && src[i] !== ']') {
      const c = src[i];
      let part: string[];
      if (c === '(' || c === '[') {
        i++;
        part = alt();
        if (c === '[') part = part.concat(['']);
        i++;
      } else {
        let j = i;
        while (j < n && !'()[]|'.includes(src[j])) j++;
        part = [src.slice(i, j)];
        i = j;
      }
      const next: string[] = [];
      for (const a of acc) for (const p of part) if (next.length < limit) next.push(a + p);
      acc = next;
    }
    return acc;
  }
  return [
    ...new Set(
      alt()
        .map((s) => s.replace(/\s+/g, ' ').trim())
        .filter((s) => s.length > 0),
    ),
  ];
}

/**
 * The words a match of a node can begin with: `open` when it may begin with anything (a slot), `empty` when it may
 * match nothing at all. The matcher skips the alternatives (and the recognizer the templates) that cannot begin with
 * the word at hand, which is most of them.
 */
export interface FirstWords {
  words: Set<string>;
  open: boolean;
  empty: boolean;
}

const firstMemo = new WeakMap<TNode, FirstWords>();

export function firstWords(node: TNode): FirstWords {
  const known = firstMemo.get(node);
  if (known) return known;
  let f: FirstWords;
  switch (node.k) {
    case 'w':
      f = { words: new Set([node.w]), open: false, empty: false };
      break;
    case 'slot':
      f = { words: new Set(), open: true, empty: false };
      break;
    case 'alt': {
      f = { words: new Set(), open: false, empty: false };
      for (const o of node.opts) {
        const g = firstWords(o);
        for (const w of g.words) f.words.add(w);
        f.open ||= g.open;
        f.empty ||= g.empty;
      }
      break;
    }
    case 'seq': {
      f = { words: new Set(), open: false, empty: true };
      for (const it of node.items) {
        const g = firstWords(it);
        for (const w of g.words) f.words.add(w);
        f.open ||= g.open;
        if (!g.empty) {
          f.empty = false;
          break;
        }
      }
      break;
    }
  }
  firstMemo.set(node, f);
  return f;
}

/** Can a match of a node with these first words begin at a token `t` (null: the sentence has ended)? */
export function canBegin(f: FirstWords, t: string | null): boolean {
  return f.open || f.empty || (t !== null && f.words.has(t));
}

/** Tokens that every match of the node must contain: a cheap pre-filter. */
export function requiredWords(node: TNode): Set<string> {
  switch (node.k) {
    case 'w':
      return new Set([node.w]);
    case 'slot':
      return new Set();
    case 'seq': {
      const s = new Set<string>();
      for (const it of node.items) for (const w of requiredWords(it)) s.add(w);
      return s;
    }
    case 'alt': {
      let acc: Set<string> | null = null;
      for (const o of node.opts) {
        const r = requiredWords(o);
        if (acc === null) acc = r;
        else {
          const prev: Set<string> = acc;
          acc = new Set([...prev].filter((w) => r.has(w)));
        }
        if (acc.size === 0) break;
      }
      return acc ?? new Set();
    }
  }
}

// ---- lists ----------------------------------------------------------------------------------------

export interface ListEntry {
  value: ListValue;
  /** Entity ids this value stands for (entity names). */
  entities?: string[];
}

export interface TrieNode {
  next: Map<string, TrieNode>;
  vals: ListEntry[];
}

export function newTrie(): TrieNode {
  return { next: new Map(), vals: [] };
}

export function trieAdd(trie: TrieNode, phrase: string, entry: ListEntry): void {
  const toks = tokenStrings(phrase);
  if (toks.length === 0) return;
  let node = trie;
  for (const t of toks) {
    let nx = node.next.get(t);
    if (!nx) {
      nx = newTrie();
      node.next.set(t, nx);
    }
    node = nx;
  }
  // merge entity names that are shared by several entities ("Phone")
  const same = node.vals.find((v) => typeof v.value === 'string' && v.value === entry.value);
  if (same && entry.entities) same.entities = [...new Set([...(same.entities ?? []), ...entry.entities])];
  else if (!same) node.vals.push(entry);
}

export type SlotList =
  | { kind: 'trie'; trie: TrieNode; weight: number }
  | { kind: 'number'; min: number; max: number }
  | { kind: 'wildcard' };

// ---- numbers ---------------------------------------------------------------------------------------

const EN_NUM: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ZH_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

function parseZh(chars: string[]): number | null {
  let total = 0;
  let cur = -1;
  for (const c of chars) {
    if (c in ZH_DIGIT) {
      if (cur >= 0) return null;
      cur = ZH_DIGIT[c];
    } else if (c in ZH_UNIT) {
      total += (cur < 0 ? 1 : cur) * ZH_UNIT[c];
      cur = -1;
    } else return null;
  }
  return total + Math.max(cur, 0);
}

/** Every way a number can start at `pos`: digits, English number words, Chinese numerals, and their spoken decimals. */
export function numbersAt(toks: readonly Token[], pos: number): { end: number; value: number }[] {
  const whole = wholeNumbersAt(toks, pos);
  const out: { end: number; value: number }[] = [];
  for (const w of whole) {
    // "twenty one point five", "二十一点五": the digits after the point are said one by one
    const point = toks[w.end]?.t;
    if ((point === 'point' || point === '点') && Number.isInteger(w.value)) {
      const digits = point === 'point' ? EN_NUM : ZH_DIGIT;
      let j = w.end + 1;
      let frac = '';
      for (; j < toks.length; j++) {
        const d = toks[j].t;
        if (/^\d+$/.test(d)) frac += d;
        else if (d in digits && digits[d] < 10) frac += String(digits[d]);
        else break;
      }
      if (frac) out.push({ end: j, value: Number(`${w.value}.${frac}`) });
    }
    out.push(w);
  }
  return out;
}

function wholeNumbersAt(toks: readonly Token[], pos: number): { end: number; value: number }[] {
  const out: { end: number; value: number }[] = [];
  const t = toks[pos]?.t;
  if (t === undefined) return out;
  if (/^-?\d+(\.\d+)?$/.test(t)) {
    out.push({ end: pos + 1, value: Number(t) });
    return out;
  }
  if (t in EN_NUM) {
    const v = EN_NUM[t];
    const nx = toks[pos + 1]?.t;
    if (v > 0 && v < 10 && nx === 'hundred') out.push({ end: pos + 2, value: v * 100 });
    if (v >= 20 && v % 10 === 0 && nx !== undefined && nx in EN_NUM && EN_NUM[nx] < 10 && EN_NUM[nx] > 0) {
      out.push({ end: pos + 2, value: v + EN_NUM[nx] });
    }
    out.push({ end: pos + 1, value: v });
    return out;
  }
  if (t === 'hundred' || (t === 'a' && toks[pos + 1]?.t === 'hundred')) {
    out.push({ end: t === 'a' ? pos + 2 : pos + 1, value: 100 });
    return out;
  }
  if (t in ZH_DIGIT || t in ZH_UNIT) {
    let j = pos;
    while (j < toks.length && (toks[j].t in ZH_DIGIT || toks[j].t in ZH_UNIT)) j++;
    for (let end = j; end > pos; end--) {
      const v = parseZh(toks.slice(pos, end).map((x) => x.t));
      if (v !== null) out.push({ end, value: v });
    }
  }
  return out;
}

// ---- matching -------------------------------------------------------------------------------------

export interface Capture {
  slot: string;
  list: string;
  value: ListValue;
  entities?: string[];
  /** The matched text (normalised sentence), for names whose canonical form is a template. */
  text: string;
}

export interface Parse {
  captures: Capture[];
  score: number;
}

const W_WORD = 1;
const W_WILD = 0.3;
const W_PHRASE = 0.15;
const MAX_PARSES = 64;

/** Matches one tokenised sentence against templates; holds the per-sentence state. */
export class SentenceMatcher {
  private caps: Capture[] = [];
  private score = 0;
  private parses: Parse[] = [];
  readonly words: Set<string>;

  constructor(
    readonly norm: string,
    readonly toks: readonly Token[],
    private readonly lists: (name: string) => SlotList | undefined,
    /** What each token after the first of a phrase read whole from one list adds (0 where tokens are characters). */
    private readonly phraseWeight = W_PHRASE,
  ) {
    this.words = new Set(toks.map((t) => t.t));
  }

  /** `drop` removes tokens before matching (a wildcard still captures the text as typed). */
  static of(
    text: string,
    lists: (name: string) => SlotList | undefined,
    drop?: (toks: readonly Token[], i: number) => boolean,
    phraseWeight = W_PHRASE,
  ): SentenceMatcher {
    const { norm, tokens } = tokenize(text);
    return new SentenceMatcher(norm, drop ? tokens.filter((_, i) => !drop(tokens, i)) : tokens, lists, phraseWeight);
  }

  /** All complete parses of the sentence by this template (bounded). */
  matchAll(node: TNode): Parse[] {
    this.parses = [];
    this.caps = [];
    this.score = 0;
    this.m(node, 0, (pos) => {
      if (pos !== this.toks.length) return false;
      this.parses.push({ captures: this.caps.slice(), score: this.score });
      return this.parses.length >= MAX_PARSES;
    });
    return this.parses;
  }

  private text(s: number, e: number): string {
    return this.norm.slice(this.toks[s].s, this.toks[e - 1].e);
  }

  private m(node: TNode, pos: number, k: (pos: number) => boolean): boolean {
    switch (node.k) {
      case 'w': {
        if (pos >= this.toks.length || this.toks[pos].t !== node.w) return false;
        this.score += W_WORD;
        const r = k(pos + 1);
        this.score -= W_WORD;
        return r;
      }
      case 'seq':
        return this.seq(node.items, 0, pos, k);
      case 'alt': {
        node.first ??= node.opts.map(firstWords);
        const t = pos < this.toks.length ? this.toks[pos].t : null;
        for (let i = 0; i < node.opts.length; i++) if (canBegin(node.first[i], t) && this.m(node.opts[i], pos, k)) return true;
        return false;
      }
      case 'slot':
        return this.slot(node, pos, k);
    }
  }

  private seq(items: TNode[], i: number, pos: number, k: (pos: number) => boolean): boolean {
    if (i === items.length) return k(pos);
    return this.m(items[i], pos, (p) => this.seq(items, i + 1, p, k));
  }

  private slot(node: { list: string; slot: string }, pos: number, k: (pos: number) => boolean): boolean {
    const list = this.lists(node.list);
    if (!list || pos >= this.toks.length) return false;
    if (list.kind === 'number') {
      for (const { end, value } of numbersAt(this.toks, pos)) {
        if (value < list.min || value > list.max) continue;
        if (this.push(node, { value }, pos, end, end - pos, k)) return true;
      }
      return false;
    }
    if (list.kind === 'wildcard') {
      for (let end = pos + 1; end <= this.toks.length; end++) {
        if (this.push(node, { value: '' }, pos, end, W_WILD * (end - pos), k, true)) return true;
      }
      return false;
    }
    const hits: { end: number; vals: ListEntry[] }[] = [];
    let tn: TrieNode | undefined = list.trie;
    for (let j = pos; j < this.toks.length; j++) {
      tn = tn.next.get(this.toks[j].t);
      if (!tn) break;
      if (tn.vals.length) hits.push({ end: j + 1, vals: tn.vals });
    }
    for (let h = hits.length - 1; h >= 0; h--) {
      // a phrase read whole from one list beats the same words split over two ("garage door" is a kind of cover, not
      // the Garage and a door)
      const n = hits[h].end - pos;
      for (const v of hits[h].vals) {
        if (this.push(node, v, pos, hits[h].end, list.weight * n + this.phraseWeight * (n - 1), k)) return true;
      }
    }
    return false;
  }

  private push(
    node: { list: string; slot: string },
    v: ListEntry,
    s: number,
    e: number,
    w: number,
    k: (pos: number) => boolean,
    wildcard = false,
  ): boolean {
    const text = this.text(s, e);
    this.caps.push({ slot: node.slot, list: node.list, value: wildcard ? text : v.value, entities: v.entities, text });
    this.score += w;
    const r = k(e);
    this.score -= w;
    this.caps.pop();
    return r;
  }
}
