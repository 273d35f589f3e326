// Accuracy and speed of offline understanding on Home Assistant's test sentences.
//   node --import tsx bench/intents.ts [--data DIR] [--language en|zh-cn] [--failures]
// DIR defaults to $INTENTS_DEV or /work/shared/intents-dev (one folder per language with _fixtures.yaml).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { HomeModel } from '../src/brain/intents/home';
import { IntentRecognizer } from '../src/brain/intents/recognizer';
import { slotsMatch } from '../src/brain/intents/score';
import type { Language } from '../src/brain/intents/types';

interface Case {
  text: string;
  intent: string;
  slots: Record<string, unknown>;
  context?: { area?: string };
}

function loadCases(dir: string): Case[] {
  const cases: Case[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.yaml') || f.startsWith('_')) continue;
    const doc = YAML.parse(readFileSync(join(dir, f), 'utf8')) as {
      tests?: { sentences: string[]; intent: { name: string; slots?: Record<string, unknown>; context?: { area?: string } } }[];
    };
    for (const t of doc.tests ?? []) {
      for (const s of t.sentences) cases.push({ text: s, intent: t.intent.name, slots: t.intent.slots ?? {}, context: t.intent.context });
    }
  }
  return cases;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const data = opt('--data') ?? process.env.INTENTS_DEV ?? '/work/shared/intents-dev';
  const showFailures = args.includes('--failures');
  const languages: Language[] = opt('--language') ? [opt('--language') as Language] : ['en', 'zh-cn'];
  for (const lang of languages) {
    const dir = join(data, lang);
    if (!existsSync(join(dir, '_fixtures.yaml'))) {
      console.log(`${lang}: no data at ${dir}`);
      continue;
    }
    const t0 = process.hrtime.bigint();
    const home = HomeModel.fromFixtures(readFileSync(join(dir, '_fixtures.yaml'), 'utf8'));
    const rec = new IntentRecognizer(home, lang);
    rec.recognize('warm up');
    const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cases = loadCases(dir);
    const per = new Map<string, { ok: number; n: number }>();
    const times: number[] = [];
    let ok = 0;
    const failures: string[] = [];
    for (const c of cases) {
      const s = process.hrtime.bigint();
      const got = rec.recognize(c.text, c.context);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
      const pass = got !== null && got.name === c.intent && slotsMatch(c.slots, got.slots);
      const p = per.get(c.intent) ?? { ok: 0, n: 0 };
      p.n++;
      if (pass) {
        p.ok++;
        ok++;
      } else
        failures.push(
          `  ${JSON.stringify(c.text)} ctx=${JSON.stringify(c.context ?? {})}\n    want ${c.intent} ${JSON.stringify(c.slots)}\n    got  ${got ? `${got.name} ${JSON.stringify(got.slots)}` : 'null'}`,
        );
      per.set(c.intent, p);
    }
    times.sort((a, b) => a - b);
    const q = (f: number): string => times[Math.min(times.length - 1, Math.floor(f * times.length))].toFixed(3);
    console.log(
      `\n== ${lang}: ${ok}/${cases.length} = ${((100 * ok) / cases.length).toFixed(1)}%   median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(0.999)} ms, home+templates build ${buildMs.toFixed(1)} ms`,
    );
    const rows = [...per.entries()].sort((a, b) => a[1].ok / a[1].n - b[1].ok / b[1].n);
    for (const [name, p] of rows)
      console.log(`  ${name.padEnd(30)} ${String(p.ok).padStart(4)}/${String(p.n).padEnd(4)} ${((100 * p.ok) / p.n).toFixed(0)}%`);
    if (showFailures) console.log(failures.join('\n'));
  }
}

main();
