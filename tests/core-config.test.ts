import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactOptions } from '../src/config/load';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'butler-config-'));
}

test('defaults apply with nothing configured', () => {
  const dir = tempDir();
  const c = loadConfig({ BUTLER_DATA_DIR: dir });
  assert.equal(c.options.port, 8099);
  assert.equal(c.options.mqtt_port, 1883);
  assert.equal(c.options.data_dir, dir);
  assert.deepEqual(c.options.exec_allowlist, []);
  assert.equal(c.addon, false);
});

test('layers: options.json, then YAML, then environment', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'options.json'), JSON.stringify({ language: 'zh-cn', retention_days: 7, mqtt_url: '', llm_model: 'a' }));
  const yamlFile = join(dir, 'butler.yaml');
  writeFileSync(yamlFile, 'retention_days: 9\nexec_allowlist:\n  - uptime -p\n');
  const c = loadConfig({
    BUTLER_DATA_DIR: dir,
    BUTLER_CONFIG: yamlFile,
    BUTLER_LLM_MODEL: 'b',
    BUTLER_MQTT_TRUSTED: 'yes',
    BUTLER_SCRIPT_ALLOWLIST: 'a.sh, b.sh',
  });
  assert.equal(c.options.language, 'zh-cn');
  assert.equal(c.options.retention_days, 9);
  assert.deepEqual(c.options.exec_allowlist, ['uptime -p']);
  assert.equal(c.options.llm_model, 'b');
  assert.equal(c.options.mqtt_trusted, true);
  assert.deepEqual(c.options.script_allowlist, ['a.sh', 'b.sh']);
  assert.equal(c.options.mqtt_url, undefined, 'an empty add-on string means unset');
  assert.deepEqual(c.sources, ['defaults', join(dir, 'options.json'), yamlFile, 'environment']);
});

test('an invalid config lists every bad field with where it came from', () => {
  const dir = tempDir();
  const yamlFile = join(dir, 'bad.yaml');
  writeFileSync(yamlFile, 'language: klingon\nretention_days: -1\nfavourite_colour: blue\n');
  let err: unknown;
  try {
    loadConfig({ BUTLER_DATA_DIR: dir, BUTLER_CONFIG: yamlFile, BUTLER_PORT: 'eighty', BUTLER_LLM_TIMEOUT_S: '0' });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ConfigError);
  const text = err.problems.join('\n');
  assert.match(text, /\/language: must be one of "en", "zh-cn" \(from .*bad\.yaml\)/);
  assert.match(text, /\/retention_days: must be >= 1/);
  assert.match(text, /unknown property "favourite_colour"/);
  assert.match(text, /\/port: must be integer \(from BUTLER_PORT\)/);
  assert.match(text, /\/llm_timeout_s: must be >= 1 \(from BUTLER_LLM_TIMEOUT_S\)/);
  assert.ok(err.problems.length >= 5);
});

test('broken files are named, not thrown as parser stack traces', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'options.json'), '{"language": ');
  const yamlFile = join(dir, 'list.yaml');
  writeFileSync(yamlFile, '- a\n- b\n');
  assert.throws(
    () => loadConfig({ BUTLER_DATA_DIR: dir, BUTLER_CONFIG: yamlFile }),
    (e: unknown) =>
      e instanceof ConfigError &&
      /options\.json: not valid JSON/.test(e.message) &&
      /list\.yaml: must contain an object of options, got a list/.test(e.message),
  );
  assert.throws(
    () => loadConfig({ BUTLER_DATA_DIR: dir, BUTLER_CONFIG: '/nonexistent.yaml' }),
    /BUTLER_CONFIG: file \/nonexistent\.yaml does not exist/,
  );
});

test('add-on mode: SUPERVISOR_TOKEN means /data and secrets are redacted for logs', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'options.json'), JSON.stringify({ llm_api_key: 'sk-secret', mqtt_password: 'pw' }));
  const c = loadConfig({ SUPERVISOR_TOKEN: 'tok', BUTLER_DATA_DIR: dir });
  assert.equal(c.addon, true);
  assert.equal(c.supervisorToken, 'tok');
  const shown = JSON.stringify(redactOptions(c.options));
  assert.doesNotMatch(shown, /sk-secret|"pw"/);
  assert.match(shown, /\[redacted\]/);
});

test('an embeddings endpoint without a model is refused at start-up', () => {
  const dir = tempDir();
  assert.throws(
    () => loadConfig({ BUTLER_DATA_DIR: dir, BUTLER_EMBEDDINGS_URL: 'http://127.0.0.1:11434/v1' }),
    /must have property embeddings_model when property embeddings_url is present/,
  );
  assert.throws(
    () => loadConfig({ BUTLER_DATA_DIR: dir, BUTLER_EMBEDDINGS_URL: 'ftp://x', BUTLER_EMBEDDINGS_MODEL: 'm' }),
    /\/embeddings_url: must match pattern/,
  );
});
