// Shared tokenizer for sentences, templates and list values, so all three normalise identically.
// Latin words and numbers are one token each; every Han character is its own token (Chinese has no spaces,
// and character-level matching lets templates like "打开{area}的灯" work without a word segmenter).

export interface Token {
  /** Lower-cased, normalised text. */
  t: string;
  /** Offsets into the NFKC-normalised sentence (for wildcard values). */
  s: number;
  e: number;
}

const HAN = /\p{Script=Han}/u;
const ALNUM = /[\p{L}\p{N}]/u;
const APOS = new Set(["'", '’', '‘', '`']);

export function normalizeText(text: string): string {
  return text.normalize('NFKC');
}

export function tokenize(text: string): { norm: string; tokens: Token[] } {
  const norm = normalizeText(text);
  const tokens: Token[] = [];
  const n = norm.length;
  let i = 0;
  while (i < n) {
    const c = norm[i];
    if (HAN.test(c)) {
      tokens.push({ t: c, s: i, e: i + 1 });
      i++;
      continue;
    }
    if (ALNUM.test(c)) {
      const s = i;
      while (i < n) {
        const d = norm[i];
        if (ALNUM.test(d) && !HAN.test(d)) {
          i++;
          continue;
        }
        // decimal point inside a number: 20.5, pm2.5
        if (d === '.' && i > s && /\d/.test(norm[i - 1]) && i + 1 < n && /\d/.test(norm[i + 1])) {
          i++;
          continue;
        }
        break;
      }
      tokens.push({ t: norm.slice(s, i).toLowerCase(), s, e: i });
      continue;
    }
    if (APOS.has(c)) {
      // "what's" -> what 's ; a stray apostrophe is dropped
      if (i > 0 && ALNUM.test(norm[i - 1]) && i + 1 < n && ALNUM.test(norm[i + 1]) && !HAN.test(norm[i + 1])) {
        const s = i;
        i++;
        while (i < n && ALNUM.test(norm[i]) && !HAN.test(norm[i])) i++;
        tokens.push({ t: "'" + norm.slice(s + 1, i).toLowerCase(), s, e: i });
        continue;
      }
      // a template's "['s]" or "'s" on its own
      const m = /^['’‘`](s|re|ll|d|m|t|ve)(?![\p{L}\p{N}])/u.exec(norm.slice(i, i + 4));
      if (m) {
        tokens.push({ t: "'" + m[1].toLowerCase(), s: i, e: i + m[0].length });
        i += m[0].length;
        continue;
      }
      i++;
      continue;
    }
    if (c === '%' || c === '°' || c === '℃' || c === '℉') {
      tokens.push({ t: c === '℃' || c === '℉' ? '°' : c, s: i, e: i + 1 });
      i++;
      continue;
    }
    i++;
  }
  return { norm, tokens };
}

export function tokenStrings(text: string): string[] {
  return tokenize(text).tokens.map((x) => x.t);
}

export function hasHan(text: string): boolean {
  return HAN.test(text);
}
