import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runIntentsCli } from '../src/brain/intents/cli';
import { EN_HOME } from './intents-fixture';

let dir = '';
let fixtures = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'intents-cli-'));
  fixtures = join(dir, '_fixtures.yaml');
  writeFileSync(fixtures, EN_HOME);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function collect(s: PassThrough): () => string {
  let buf = '';
  s.on('data', (c: Buffer) => (buf += c.toString()));
  return () => buf;
}

test('answers each line in order, reports malformed lines and keeps going', async () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const done = runIntentsCli(['--language', 'en', '--fixtures', fixtures], stdin, stdout, stderr);
  stdin.end(
    [
      JSON.stringify({ text: 'turn on the lights', context: { area: 'Kitchen' } }),
      'not json',
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: 'blah blah blah' }),
      JSON.stringify({ text: 'turn off the bedroom lamp' }),
    ].join('\n') + '\n',
  );
  assert.equal(await done, 0);
  const lines = out()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[0], { text: 'turn on the lights', intent: { name: 'HassTurnOn', slots: { domain: 'light', area: 'Kitchen' } } });
  assert.match(String(lines[1].error), /^line 2: /);
  assert.match(String(lines[2].error), /^line 3: "text" must be a string/);
  assert.deepEqual(lines[3], { text: 'blah blah blah', intent: null });
  assert.equal((lines[4].intent as { name: string }).name, 'HassTurnOff');
});

test('streams: an answer arrives before stdin ends', async () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const done = runIntentsCli(['--language=en', `--fixtures=${fixtures}`], stdin, stdout, new PassThrough());
  stdin.write(JSON.stringify({ text: 'turn on the kitchen lights' }) + '\n');
  const [chunk] = (await once(stdout, 'data')) as [Buffer];
  assert.match(chunk.toString(), /HassTurnOn/);
  stdin.end();
  assert.equal(await done, 0);
});

test('bad arguments exit 2 naming the problem', async () => {
  const cases: [string[], RegExp][] = [
    [['--language', 'fr', '--fixtures', fixtures], /--language must be en or zh-cn, not "fr"/],
    [['--language', 'en'], /--fixtures FILE is missing/],
    [['--fixtures', fixtures], /--language must be en or zh-cn \(missing\)/],
    [['--language', 'en', '--fixtures', join(dir, 'nope.yaml')], /cannot load fixtures/],
    [['--bogus'], /unknown argument "--bogus"/],
    [['--language'], /--language needs a value/],
  ];
  for (const [args, re] of cases) {
    const stderr = new PassThrough();
    const err = collect(stderr);
    const stdin = new PassThrough();
    stdin.end();
    assert.equal(await runIntentsCli(args, stdin, new PassThrough(), stderr), 2, args.join(' '));
    assert.match(err(), re);
  }
});
