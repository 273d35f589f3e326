// The layers, checked on the sources (not dist): the store, the bus and the config depend on no service above them;
// no core service loads Node-RED; production code reaches the demo backends only through the one wiring place.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';

/**
 * The only production files that may import src/demo/: the place that picks the demo backends when no Home
 * Assistant (or LLM, or Supervisor) is configured. It is src/service.ts, the composition root.
 */
const DEMO_WIRING = ['src/service.ts'];

/** Lower layers, and what they must not import. */
const FOUNDATION = ['src/store', 'src/bus', 'src/config'];
const ABOVE_FOUNDATION = ['src/actions', 'src/brain', 'src/conversation', 'src/core', 'src/flows', 'src/server'];

/** Core services: they run with Node-RED off (it is loaded lazily by src/flows/), so they must never import it. */
const CORE = [
  'src/store',
  'src/bus',
  'src/config',
  'src/actions',
  'src/brain',
  'src/ha',
  'src/server',
  'src/conversation',
  'src/core',
  'src/parts',
  'src/util',
  'src/errors.ts',
  'src/types.ts',
];

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'tsconfig.json')) || !existsSync(join(dir, 'src'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root (tsconfig.json + src/) above ${__dirname}`);
    dir = up;
  }
  return dir;
}
const root = repoRoot();

/** Repository-relative paths (with /) of every .ts file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Every module a source names: static imports and re-exports (type-only too), import(), require(), require.resolve(). */
export function specifiers(code: string): string[] {
  const text = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require(?:\.resolve)?)\s*\(\s*['"`]([^'"`$]+)['"`]/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) found.push(m[1]);
  return found;
}

interface Import {
  file: string;
  spec: string;
  /** Repository-relative target for relative specifiers; null for packages. */
  target: string | null;
}

function importsOf(file: string): Import[] {
  const code = readFileSync(join(root, file), 'utf8');
  return specifiers(code).map((spec) => ({
    file,
    spec,
    target: spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file), spec)) : null,
  }));
}

/** Whether a file (src/bus/bus.ts) or an import target (src/bus/bus, src/types) lies in a folder or is a named file. */
function within(path: string, area: string): boolean {
  if (area.endsWith('.ts')) return path === area || path === area.slice(0, -3);
  return path === area || path.startsWith(`${area}/`);
}
const inAny = (path: string, areas: string[]) => areas.some((a) => within(path, a));
const isNodeRed = (spec: string) => spec === 'node-red' || spec.startsWith('node-red/') || spec.startsWith('@node-red/');
const show = (list: Import[]) => list.map((i) => `${i.file} imports '${i.spec}'`).join('\n');

const production = [...sources('src'), ...sources('nodes')].filter((f) => !within(f, 'src/demo'));
const all = production.flatMap(importsOf);

describe('layers', () => {
  test('the import scanner sees every form of import', () => {
    const code = [
      "import type { A } from '../actions/types';",
      "import {\n  b,\n  c,\n} from '../brain/x';",
      "export { d } from '../flows/y';",
      "export * from './z';",
      "import './side-effect';",
      "const RED = require('node-red');",
      "const lib = require('@node-red/registry/lib/library');",
      "const p = require.resolve('node-red/package.json');",
      "const m = await import('../server/api');",
      "// import { e } from '../commented/out';",
      "/* require('also-commented') */",
    ].join('\n');
    assert.deepEqual(specifiers(code).sort(), [
      '../actions/types',
      '../brain/x',
      '../flows/y',
      '../server/api',
      './side-effect',
      './z',
      '@node-red/registry/lib/library',
      'node-red',
      'node-red/package.json',
    ]);
    assert.ok(production.length > 100, `only ${production.length} source files found under ${root}`);
    assert.ok(
      all.some((i) => i.target === 'src/types'),
      'relative imports resolve to repository paths',
    );
  });

  test('src/store, src/bus and src/config import nothing from actions, brain, flows or server', () => {
    const bad = all.filter((i) => inAny(i.file, FOUNDATION) && i.target !== null && inAny(i.target, ABOVE_FOUNDATION));
    assert.equal(bad.length, 0, `lower layers reaching up:\n${show(bad)}`);
  });

  test('the brain and the conversation import no device driver (drivers listen to them on the bus)', () => {
    const bad = all.filter((i) => inAny(i.file, ['src/brain', 'src/conversation']) && i.target !== null && within(i.target, 'src/drivers'));
    assert.equal(bad.length, 0, `a device driver imported by the brain or the conversation:\n${show(bad)}`);
  });

  test('no core service imports node-red or @node-red/*', () => {
    const bad = all.filter((i) => inAny(i.file, CORE) && isNodeRed(i.spec));
    assert.equal(bad.length, 0, `Node-RED imported by a core service (only src/flows/ and nodes/ may):\n${show(bad)}`);
  });

  test(`production code imports src/demo/ only from ${DEMO_WIRING.join(', ')}`, () => {
    for (const f of DEMO_WIRING) assert.ok(existsSync(join(root, f)), `DEMO_WIRING names ${f}, which does not exist: update it`);
    const bad = all.filter((i) => i.target !== null && within(i.target, 'src/demo') && !DEMO_WIRING.includes(i.file));
    assert.equal(bad.length, 0, `demo backends imported outside the wiring place:\n${show(bad)}`);
  });
});
