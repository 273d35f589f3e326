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

// Traditional characters people type for home words, folded to simplified ones so "關掉客廳的燈" reads like
// "关掉客厅的灯" (sentences, templates and names all pass through here; wildcard text keeps what was typed).
const TRAD =
  '個們側備內兩劇動區問啟單嗎報塵壓妳將層幫幹幾庫廁廚廣廳後態憶戶捲掃換擋攝時暫書會樂樓樣機檯櫃歡氣沒減準溫滅濕為熱燈現畫當監禮節簾紅給綠繼續聲聽臥臺葉藍處號裏裡見視覺計記設試話認說誰調請謝識變讓購車輕這週還邊鎖鏡鐘鐵長門閉開間閘閥關陰陽隱離電靜響項頭頻題顏顯風鬆麼麽黃點盞劃濾淨網絡鬧鈴錄綫線寫讀標錶燒飯麵倉執腳對著煩運場狀況溼園過來訴傳預颳買餘斷縮進緊於從隻總裝檢與並爐鍋歸簡';
const SIMP =
  '个们侧备内两剧动区问启单吗报尘压你将层帮干几库厕厨广厅后态忆户卷扫换挡摄时暂书会乐楼样机台柜欢气没减准温灭湿为热灯现画当监礼节帘红给绿继续声听卧台叶蓝处号里里见视觉计记设试话认说谁调请谢识变让购车轻这周还边锁镜钟铁长门闭开间闸阀关阴阳隐离电静响项头频题颜显风松么么黄点盏划滤净网络闹铃录线线写读标表烧饭面仓执脚对着烦运场状况湿园过来诉传预刮买余断缩进紧于从只总装检与并炉锅归简';
const T2S = new Map([...TRAD].map((c, i) => [c, SIMP[i]]));

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
      tokens.push({ t: T2S.get(c) ?? c, s: i, e: i + 1 });
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
        // decimal point or fraction inside a number: 20.5, pm2.5, 1/2
        if ((d === '.' || d === '/') && i > s && /\d/.test(norm[i - 1]) && i + 1 < n && /\d/.test(norm[i + 1])) {
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
