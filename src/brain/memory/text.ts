// Text folding for the FTS5 index and turning free text into a safe FTS5 query.
// unicode61 keeps a run of CJK characters as one token, so CJK is indexed per character and searched by bigram
// phrases; everything the user types is reduced to quoted terms, so FTS5 syntax ("*", "(", OR, NEAR, ":") is inert.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_G = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Longest query text considered; the rest is ignored. */
export const MAX_QUERY_CHARS = 500;
const MAX_TERMS = 32;

const STOP = new Set(
  'a an the of to in on at is are was were be been i me my we our you your he she it its they them their what who whom which do does did know about that this these those and or for with from by as any anything something tell please remember recall'.split(
    ' ',
  ),
);

/** What goes into `memories.search_text`: NFKC, lower case, CJK characters spaced apart. */
export function foldForIndex(text: string, subject?: string | null): string {
  const all = subject ? `${subject} ${text}` : text;
  return all.normalize('NFKC').toLowerCase().replace(CJK_G, ' $& ').replace(/\s+/g, ' ').trim();
}

/** An FTS5 MATCH expression (terms OR-ed, BM25 ranks them), or null when the text has nothing searchable. */
export function ftsQuery(text: string): string | null {
  const runs =
    text
      .slice(0, MAX_QUERY_CHARS)
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const words: string[] = [];
  const cjk: string[] = [];
  for (const run of runs) {
    // A run can mix scripts ("wifi密码"): split it into CJK and non-CJK pieces.
    for (const piece of run.match(
      /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[^\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu,
    ) ?? []) {
      if (CJK.test(piece)) {
        const chars = [...piece];
        if (chars.length === 1) cjk.push(`"${chars[0]}"`);
        for (let i = 0; i + 1 < chars.length; i++) cjk.push(`"${chars[i]} ${chars[i + 1]}"`);
      } else {
        words.push(piece);
      }
    }
  }
  const content = words.filter((w) => !STOP.has(w));
  const chosen = [...new Set([...(content.length || cjk.length ? content : words).map((w) => `"${w}"`), ...cjk])].slice(0, MAX_TERMS);
  return chosen.length ? chosen.join(' OR ') : null;
}
