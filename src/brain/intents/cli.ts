// `butler intents --language en|zh-cn --fixtures FILE < in.jsonl > out.jsonl`: one answer per input line, streamed.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HomeModel } from './home';
import { IntentRecognizer } from './recognizer';
import type { Language } from './types';

const USAGE = 'usage: butler intents --language en|zh-cn --fixtures FILE < in.jsonl > out.jsonl\n';

export async function runIntentsCli(
  args: string[],
  stdin: NodeJS.ReadableStream,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): Promise<number> {
  let language: string | undefined;
  let fixtures: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const [flag, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (flag === '--language' || flag === '--fixtures') {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') {
        stderr.write(`intents: ${flag} needs a value\n${USAGE}`);
        return 2;
      }
      if (flag === '--language') language = v;
      else fixtures = v;
    } else {
      stderr.write(`intents: unknown argument "${a}"\n${USAGE}`);
      return 2;
    }
  }
  if (language !== 'en' && language !== 'zh-cn') {
    stderr.write(`intents: --language must be en or zh-cn${language === undefined ? ' (missing)' : `, not "${language}"`}\n${USAGE}`);
    return 2;
  }
  if (!fixtures) {
    stderr.write(`intents: --fixtures FILE is missing\n${USAGE}`);
    return 2;
  }
  let home: HomeModel;
  try {
    home = HomeModel.fromFixtures(readFileSync(fixtures, 'utf8'));
  } catch (err) {
    stderr.write(`intents: cannot load fixtures ${fixtures}: ${(err as Error).message}\n`);
    return 2;
  }
  const rec = new IntentRecognizer(home, language as Language);
  const rl = createInterface({ input: stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    if (line.trim() === '') {
      stdout.write(JSON.stringify({ error: `line ${n}: empty line` }) + '\n');
      continue;
    }
    let out: unknown;
    try {
      const v: unknown = JSON.parse(line);
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
      const o = v as Record<string, unknown>;
      if (typeof o.text !== 'string') throw new Error('"text" must be a string');
      let area: string | undefined;
      if (o.context !== undefined && o.context !== null) {
        if (typeof o.context !== 'object' || Array.isArray(o.context)) throw new Error('"context" must be an object');
        const a = (o.context as Record<string, unknown>).area;
        if (a !== undefined && typeof a !== 'string') throw new Error('"context.area" must be a string');
        area = a;
      }
      const got = rec.recognize(o.text, area ? { area } : undefined);
      out = { text: o.text, intent: got ? { name: got.name, slots: got.slots } : null };
    } catch (err) {
      out = { error: `line ${n}: ${(err as Error).message}` };
    }
    // one write per line, so a reader sees each answer as soon as its question arrived
    stdout.write(JSON.stringify(out) + '\n');
  }
  return 0;
}
