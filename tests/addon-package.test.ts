// The add-on package: config.yaml agrees with the options schema option by option, the translations cover every
// option, the Dockerfile has what the Supervisor and the runtime need, and the files beside the manifest exist.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import YAML from 'yaml';
import { optionsSchema } from '../src/config/schema';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'config.yaml')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root (config.yaml + package.json) above ${__dirname}`);
    dir = up;
  }
  return dir;
}
const root = repoRoot();
const read = (p: string) => readFileSync(join(root, p), 'utf8');

interface Prop {
  type: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  default?: unknown;
  items?: { type: string; minLength?: number; required?: string[]; properties?: Record<string, Prop & { maxLength?: number }> };
  'x-secret'?: boolean;
  'x-addon'?: boolean;
}
const props = optionsSchema.properties as unknown as Record<string, Prop>;
const addonOptions = Object.keys(props).filter((k) => props[k]['x-addon'] !== false);

interface AddonType {
  kind: 'bool' | 'int' | 'str' | 'password' | 'list' | 'match' | 'url' | 'email' | 'port' | 'float';
  optional: boolean;
  min?: number;
  max?: number;
  values?: string[];
  regex?: string;
}

/** The Supervisor's schema element grammar (supervisor/addons/validate.py RE_SCHEMA_ELEMENT). */
export function parseAddonType(spec: string): AddonType {
  const m = /^(?:(bool|email|url|port)|(str|password|int|float)(?:\((\d+)?,(\d+)?\))?|match\((.*)\)|list\((.+)\))(\?)?$/.exec(spec);
  if (!m) throw new Error(`"${spec}" is not a Supervisor schema type`);
  const optional = m[7] === '?';
  if (m[1]) return { kind: m[1] as AddonType['kind'], optional };
  if (m[2])
    return {
      kind: m[2] as AddonType['kind'],
      optional,
      min: m[3] === undefined ? undefined : Number(m[3]),
      max: m[4] === undefined ? undefined : Number(m[4]),
    };
  if (m[5] !== undefined) return { kind: 'match', optional, regex: m[5] };
  return { kind: 'list', optional, values: m[6].split('|') };
}

const manifest = YAML.parse(read('config.yaml')) as Record<string, unknown> & {
  options: Record<string, unknown>;
  schema: Record<string, unknown>;
};
const pkg = JSON.parse(read('package.json')) as { version: string };

describe('config.yaml', () => {
  test('the manifest essentials', () => {
    assert.equal(manifest.name, 'Smart Butler');
    assert.equal(manifest.version, pkg.version);
    assert.equal(manifest.slug, 'smart_butler');
    assert.equal(typeof manifest.description, 'string');
    assert.match(String(manifest.url), /^https:\/\//);
    assert.deepEqual(manifest.arch, ['aarch64', 'amd64']);
    assert.equal(manifest.init, false);
    assert.equal(manifest.ingress, true);
    assert.equal(manifest.ingress_port, 8099);
    assert.equal(manifest.panel_icon, 'mdi:robot-happy-outline');
    assert.equal(manifest.panel_title, 'Butler');
    assert.equal(manifest.panel_admin, true);
    assert.equal(manifest.homeassistant_api, true);
    assert.deepEqual(manifest.services, ['mqtt:want']);
    assert.deepEqual(manifest.discovery, ['wyoming']);
    assert.deepEqual(manifest.ports, { '10700/tcp': null }, 'Wyoming is not mapped onto the host by default');
    assert.equal(props.wyoming_port.default, 10700, 'the published port is the default Wyoming port');
    for (const port of Object.keys(manifest.ports as object))
      assert.ok((manifest.ports_description as Record<string, string>)[port], `ports_description for ${port}`);
    assert.equal(manifest.watchdog, 'http://[HOST]:[PORT:8099]/api/health');
    assert.equal(props.port.default, manifest.ingress_port);
    assert.ok(!existsSync(join(root, 'build.yaml')), 'build.yaml is retired upstream');
  });

  test('backups hold a consistent copy of the database and skip only caches and the live files that copy replaces', () => {
    const excluded = (manifest.backup_exclude as string[] | undefined) ?? [];
    const live = ['butler.db', 'butler.db-wal', 'butler.db-shm'];
    // The live files may be left out only because the pre-backup command writes a checked copy into backup/ first.
    assert.equal(manifest.backup, 'hot');
    assert.match(String(manifest.backup_pre), /^node \/app\/bin\/butler\.js backup$/, 'backup_pre copies the database');
    for (const pattern of excluded.filter((p) => !live.includes(p))) {
      assert.doesNotMatch(pattern, /\.db|wal|shm|backup|api-token|options\.json|^\*$|^\*\*$/, `backup_exclude ${pattern} would drop data`);
    }
    // What the Supervisor matches (PurePath.match: from the right) never reaches the copies in backup/.
    for (const pattern of excluded) assert.ok(!/^butler-\d/.test(pattern) && !pattern.includes('backup'), `${pattern} spares backup/`);
  });

  test('every add-on option is in options/schema exactly as in src/config/schema.ts', () => {
    const schemaKeys = Object.keys(manifest.schema).sort();
    assert.deepEqual(schemaKeys, [...addonOptions].sort(), 'schema keys = the schema properties without x-addon: false');
    const withDefault = addonOptions.filter((k) => props[k].default !== undefined).sort();
    assert.deepEqual(Object.keys(manifest.options).sort(), withDefault, 'options = the add-on options that have a default');

    for (const name of addonOptions) {
      const p = props[name];
      const spec = manifest.schema[name];
      const where = `option ${name}`;
      if (p.default !== undefined) assert.deepEqual(manifest.options[name], p.default, `${where}: default`);

      if (p.type === 'array' && p.items?.type === 'object') {
        // A list of dicts (cameras): each field's Supervisor type agrees with the item schema.
        assert.ok(Array.isArray(spec) && spec.length === 1 && typeof spec[0] === 'object', `${where}: a list of dicts`);
        const fields = (spec as Record<string, string>[])[0];
        const itemProps = p.items.properties ?? {};
        assert.deepEqual(Object.keys(fields).sort(), Object.keys(itemProps).sort(), `${where}: the same fields`);
        for (const [field, fp] of Object.entries(itemProps)) {
          const t = parseAddonType(fields[field]);
          const w = `${where}.${field}`;
          assert.equal(t.optional, !(p.items.required ?? []).includes(field), `${w}: optional exactly when not required`);
          if (fp.type === 'integer') assert.deepEqual([t.kind, t.min, t.max], ['int', fp.minimum, fp.maximum], w);
          else if (fp['x-secret']) assert.equal(t.kind, 'password', w);
          else if (fp.pattern) assert.deepEqual([t.kind, t.regex], ['match', fp.pattern], w);
          else assert.deepEqual([t.kind, t.min, t.max], ['str', fp.minLength, fp.maxLength], w);
        }
        continue;
      }
      if (p.type === 'array') {
        assert.ok(Array.isArray(spec) && spec.length === 1, `${where}: a list schema ([type])`);
        const item = parseAddonType(String((spec as unknown[])[0]));
        assert.equal(p.items?.type, 'string', `${where}: items are strings`);
        assert.equal(item.kind, 'str', `${where}: list of str`);
        assert.equal(item.min, p.items?.minLength, `${where}: item minLength`);
        continue;
      }
      assert.equal(typeof spec, 'string', `${where}: a type string`);
      const t = parseAddonType(String(spec));
      assert.equal(t.optional, p.default === undefined, `${where}: optional (?) exactly when there is no default`);
      switch (p.type) {
        case 'boolean':
          assert.equal(t.kind, 'bool', where);
          break;
        case 'integer':
          assert.equal(t.kind, 'int', where);
          assert.equal(t.min, p.minimum, `${where}: minimum`);
          assert.equal(t.max, p.maximum, `${where}: maximum`);
          break;
        case 'string':
          if (p.enum) {
            assert.equal(t.kind, 'list', where);
            assert.deepEqual(t.values, [...p.enum], `${where}: enum values`);
          } else if (p['x-secret']) {
            assert.equal(t.kind, 'password', `${where}: secrets are password fields`);
            assert.equal(t.min, p.minLength, `${where}: minLength`);
          } else if (p.pattern) {
            assert.equal(t.kind, 'match', where);
            // The Supervisor matches the whole value; the schema's pattern is anchored at the start only, or both ends.
            const expected = p.pattern.endsWith('$') ? p.pattern : `${p.pattern}.+`;
            assert.equal(t.regex, expected, `${where}: regex agrees with the schema pattern`);
            assert.doesNotThrow(() => new RegExp(t.regex!));
          } else {
            assert.equal(t.kind, 'str', where);
            assert.equal(t.min, p.minLength, `${where}: minLength`);
          }
          break;
        default:
          assert.fail(`${where}: schema type ${p.type} has no add-on mapping`);
      }
    }
  });

  test('the type parser refuses what the Supervisor refuses', () => {
    assert.throws(() => parseAddonType('string'), /not a Supervisor schema type/);
    assert.throws(() => parseAddonType('int(-1,5)'), /not a Supervisor schema type/);
    assert.deepEqual(parseAddonType('int(0,)?'), { kind: 'int', optional: true, min: 0, max: undefined });
  });

  test('the match regexes accept what the schema accepts', () => {
    const samples: Record<string, [string[], string[]]> = {
      mqtt_url: [
        ['mqtt://core-mosquitto:1883', 'mqtts://broker.lan:8883', 'ws://x:9001'],
        ['core-mosquitto', 'http://x'],
      ],
      llm_base_url: [['https://api.anthropic.com'], ['ftp://x']],
      notify_service: [
        ['notify.mobile_app_pixel', 'persistent_notification.create'],
        ['notify', 'Notify.x', 'notify.a b'],
      ],
      openclaw_url: [['ws://127.0.0.1:18789'], ['http://x']],
    };
    for (const [name, [good, bad]] of Object.entries(samples)) {
      const re = new RegExp(`^(?:${parseAddonType(String(manifest.schema[name])).regex})$`);
      const schemaRe = new RegExp(props[name].pattern!);
      for (const v of good) assert.ok(re.test(v) && schemaRe.test(v), `${name} accepts ${v}`);
      for (const v of bad) assert.ok(!re.test(v) && !schemaRe.test(v), `${name} refuses ${v}`);
    }
  });
});

describe('translations', () => {
  for (const file of ['translations/en.yaml', 'translations/zh-Hans.yaml']) {
    test(`${file} names and describes every add-on option, and nothing else`, () => {
      const t = YAML.parse(read(file)) as {
        configuration: Record<string, { name?: unknown; description?: unknown }>;
        network?: Record<string, string>;
      };
      assert.deepEqual(Object.keys(t.configuration).sort(), [...addonOptions].sort());
      for (const name of addonOptions) {
        const entry = t.configuration[name];
        assert.ok(typeof entry.name === 'string' && entry.name.trim().length > 0, `${file}: ${name}.name`);
        assert.ok(typeof entry.description === 'string' && entry.description.trim().length > 0, `${file}: ${name}.description`);
      }
      for (const port of Object.keys(manifest.ports as object)) assert.ok(t.network?.[port], `${file}: network.${port}`);
    });
  }
  test('zh-Hans is a translation, not a copy', () => {
    const en = YAML.parse(read('translations/en.yaml')) as { configuration: Record<string, { name: string }> };
    const zh = YAML.parse(read('translations/zh-Hans.yaml')) as { configuration: Record<string, { name: string }> };
    for (const name of addonOptions) assert.notEqual(zh.configuration[name].name, en.configuration[name].name, name);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  // Continuation lines joined, so a LABEL or RUN spanning lines is one instruction.
  const instructions = lines.join('\n').replace(/\\\n/g, ' ').split('\n');
  const froms = instructions.filter((l) => /^FROM /i.test(l));
  const stages: string[][] = [];
  for (const l of instructions) {
    if (/^FROM /i.test(l)) stages.push([]);
    stages.at(-1)?.push(l);
  }

  test('base image argument and two stages from it', () => {
    assert.ok(instructions.includes('ARG BUILD_FROM=ghcr.io/home-assistant/amd64-base:3.21'));
    assert.equal(froms.length, 2);
    assert.match(froms[0], /^FROM \$BUILD_FROM AS build$/i);
    assert.match(froms[1], /^FROM \$BUILD_FROM$/i);
  });

  test('build stage: Node from Alpine, compilers, npm ci, npm run build, production dependencies', () => {
    const build = stages[0].join('\n');
    assert.match(build, /apk add [^\n]*\bnodejs\b[^\n]*\bnpm\b/);
    for (const tool of ['python3', 'make', 'g\\+\\+']) assert.match(build, new RegExp(`apk add [^\\n]*\\b${tool}`), tool);
    assert.match(build, /RUN npm ci(\s|$)/m);
    assert.match(build, /RUN npm run build/);
    assert.match(build, /npm ci --omit=dev/);
  });

  test('runtime stage: no compilers, built output copied, labels, CMD', () => {
    const runtime = stages[1].join('\n');
    assert.doesNotMatch(runtime, /python3|g\+\+|\bmake\b/, 'no build tools in the runtime image');
    assert.match(runtime, /apk add --no-cache nodejs/);
    assert.match(runtime, /COPY --from=build \S*node_modules/);
    assert.match(runtime, /COPY --from=build \/app\/dist/);
    for (const label of ['io.hass.type="addon"', 'io.hass.version=', 'io.hass.arch=', 'io.hass.name=', 'io.hass.description=']) {
      assert.ok(runtime.includes(label), `label ${label}`);
    }
    assert.ok(runtime.includes('WORKDIR /app'));
    const cmd = instructions.filter((l) => /^CMD /.test(l));
    assert.equal(cmd.length, 1);
    assert.deepEqual(JSON.parse(cmd[0].slice(4)), ['/addon/run.sh'], 'the entry script starts the butler');
    assert.ok(instructions.includes('COPY addon/run.sh /addon/run.sh'), 'the entry script is in the image where CMD runs it');
  });

  test('addon/run.sh: a POSIX shell script, executable, that execs Node on the built butler with the flags npm start uses', () => {
    const script = read('addon/run.sh');
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.ok((statSync(join(root, 'addon/run.sh')).mode & 0o111) !== 0, 'executable');
    assert.match(script, /^set -eu$/m, 'stops at the first error or unset variable');
    const exec = script.split('\n').filter((l) => /^exec /.test(l));
    assert.equal(exec.length, 1, "one exec: Node replaces the shell and gets the Supervisor's SIGTERM");
    const argv = exec[0].split(/\s+/).slice(1);
    assert.equal(argv[0], 'node');
    assert.equal(argv.at(-1), '"$APP_DIR/dist/src/main.js"');
    assert.match(script, /^APP_DIR="\$\{BUTLER_APP_DIR:-\/app\}"$/m, "the image's /app unless told otherwise");
    // The same Node flags as `npm start`, so the add-on runs as measured.
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
    assert.deepEqual(argv.slice(1, -1), start.slice(1, -1));
    const code = script
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
    assert.doesNotMatch(code, /options\.json|jq|bashio/, 'the butler reads its options itself (src/config/load.ts)');
  });

  test('the CMD path exists after npm run build, and every COPY source exists and is in the build context', () => {
    assert.ok(existsSync(join(root, 'dist/src/main.js')), 'dist/src/main.js (run npm run build first)');
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const copies = instructions.filter((l) => /^COPY /.test(l) && !/--from=/.test(l));
    assert.ok(copies.length >= 5);
    for (const c of copies) {
      const parts = c
        .split(/\s+/)
        .slice(1)
        .filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        assert.ok(existsSync(join(root, src)), `COPY source ${src} exists`);
        const top = src.replace(/\/$/, '').split('/')[0];
        assert.ok(!ignore.includes(top) && !ignore.includes(`${top}/`), `COPY source ${src} is not in .dockerignore`);
      }
    }
    // What the build stage compiles must be there: tsconfig includes src and nodes.
    for (const needed of ['package-lock.json', 'tsconfig.json', 'scripts/copy-assets.mjs', 'migrations', 'flows/default-pipeline.json']) {
      assert.ok(existsSync(join(root, needed)), needed);
    }
    for (const never of ['node_modules', 'dist', '.git', 'data'])
      assert.ok(
        ignore.some((i) => i.replace(/^\*\*\//, '') === never),
        `${never} is kept out of the context`,
      );
  });
});

describe('files beside the manifest', () => {
  test('apparmor.txt beside config.yaml (the Supervisor reads it only there): a profile named after the slug, confined to /data and /tmp', () => {
    const profile = read('apparmor.txt');
    assert.ok(!existsSync(join(root, 'addon/apparmor.txt')), 'no profile in addon/: the Supervisor would not load it');
    assert.match(profile, /^#include <tunables\/global>$/m);
    const name = /^profile (\S+) flags=\(attach_disconnected,mediate_deleted\) \{$/m.exec(profile)?.[1];
    assert.equal(name, manifest.slug, 'the profile is named after the slug');
    assert.notEqual(manifest.apparmor, false, 'the manifest does not turn AppArmor off');
    const rules = profile
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const needed of [
      '/data/** rwkl,',
      '/tmp/** rwkl,',
      '/addon/run.sh rix,',
      '/app/** r,',
      'network inet stream,',
      'network inet dgram,',
    ])
      assert.ok(rules.includes(needed), `rule ${needed}`);
    // Every path the image holds the butler in is readable; nothing outside /data and /tmp is writable.
    for (const r of rules.filter((l) => /^\//.test(l) && /\bw/.test(l.split(/\s+/)[1] ?? '')))
      assert.match(r, /^\/(data|tmp)\/|^\/dev\/(null|tty) /, `only /data and /tmp are writable: ${r}`);
    for (const r of rules.filter((l) => l.startsWith('deny '))) assert.match(r, /^deny \/(config|share|ssl)\//, r);
    assert.equal((profile.match(/\{/g) ?? []).length, (profile.match(/\}/g) ?? []).length, 'balanced braces');
  });

  test('the store layout: DOCS.md, CHANGELOG.md, icon.png and logo.png beside config.yaml; repository.yaml names the repository', () => {
    // The Supervisor shows these only when they sit next to config.yaml.
    for (const f of ['config.yaml', 'DOCS.md', 'CHANGELOG.md', 'icon.png', 'logo.png', 'repository.yaml'])
      assert.ok(existsSync(join(root, f)), `${f} at the repository root`);
    for (const f of ['DOCS.md', 'CHANGELOG.md', 'icon.png', 'logo.png'])
      assert.ok(!existsSync(join(root, 'addon', f)), `no stale addon/${f}`);
    const repo = YAML.parse(read('repository.yaml')) as { name?: unknown; url?: unknown; maintainer?: unknown };
    assert.equal(typeof repo.name, 'string');
    assert.match(String(repo.url), /^https:\/\//);
    assert.equal(repo.url, manifest.url, 'the repository and the add-on point to the same place');
    assert.equal(typeof repo.maintainer, 'string');
  });

  function pngSize(path: string): { width: number; height: number } {
    const buf = readFileSync(join(root, path));
    assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${path} is a PNG`);
    assert.equal(buf.subarray(12, 16).toString('ascii'), 'IHDR');
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  test('icon.png is 128x128; logo.png is a PNG', () => {
    assert.deepEqual(pngSize('icon.png'), { width: 128, height: 128 });
    const logo = pngSize('logo.png');
    assert.ok(logo.width >= 100 && logo.height >= 50);
    assert.ok(statSync(join(root, 'logo.png')).size < 100_000);
  });

  test('DOCS.md covers install, first conversation, Assist, flows, security, troubleshooting; CHANGELOG has this version', () => {
    const docs = read('DOCS.md');
    for (const heading of [
      '## Installation',
      '## Your first conversation',
      '## Assist',
      '## Flows',
      '## Security model',
      '## Troubleshooting',
    ]) {
      assert.ok(docs.includes(heading), heading);
    }
    for (const topic of ['Wyoming', 'confirmation', 'exec_allowlist', 'mqtt_trusted', 'privacy']) assert.ok(docs.includes(topic), topic);
    assert.match(read('CHANGELOG.md'), new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}$`, 'm'));
  });
});
