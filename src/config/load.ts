// Loads the options: defaults <- /data/options.json (add-on) <- a YAML file (BUTLER_CONFIG) <- BUTLER_* environment.
// An invalid configuration refuses to start with every bad field listed (where it came from, path and reason).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import YAML from 'yaml';
import { redactUrl } from '../util/redact';
import { createAjv, describeAjvErrors } from '../util/schema';

export { redactUrl };
import { optionsSchema, SECRET_OPTIONS, type ButlerOptions, type OptionName } from './schema';

export interface LoadedConfig {
  options: ButlerOptions;
  /** Where values came from, in the order applied (for the start-up log). */
  sources: string[];
  /** Options set by a file or the environment rather than left at their defaults. */
  explicit: Set<string>;
  /** Running as a Home Assistant add-on (SUPERVISOR_TOKEN present). */
  addon: boolean;
  supervisorToken?: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Props = typeof optionsSchema.properties;
const props = optionsSchema.properties as Record<string, Props[OptionName] & { type: string }>;

export function envName(option: string): string {
  return `BUTLER_${option.toUpperCase()}`;
}

function coerceEnv(option: string, raw: string): unknown {
  const type = props[option].type;
  if (type === 'integer') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    return raw;
  }
  if (type === 'array') {
    const t = raw.trim();
    if (t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch {
        return raw;
      }
    }
    return t === ''
      ? []
      : t
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }
  return raw;
}

/** Drops empty strings (the add-on UI saves unset optional strings as "") so they mean "unset". */
function dropEmpty(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== '' && v !== null));
}

function readObjectFile(path: string, kind: 'json' | 'yaml', problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${path}: cannot read: ${(err as Error).message}`);
    return {};
  }
  try {
    const parsed: unknown = kind === 'json' ? JSON.parse(text) : YAML.parse(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      problems.push(`${path}: must contain an object of options, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}`);
      return {};
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    problems.push(`${path}: not valid ${kind.toUpperCase()}: ${(err as Error).message.split('\n')[0]}`);
    return {};
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const problems: string[] = [];
  const sources: string[] = ['defaults'];
  const supervisorToken = env.SUPERVISOR_TOKEN || undefined;
  const addon = Boolean(supervisorToken);
  const dataDir = resolve(env.BUTLER_DATA_DIR || (addon ? '/data' : './data'));

  const layers: { name: string; values: Record<string, unknown> }[] = [];
  const optionsFile = env.BUTLER_OPTIONS_FILE || resolve(dataDir, 'options.json');
  if (existsSync(optionsFile)) layers.push({ name: optionsFile, values: dropEmpty(readObjectFile(optionsFile, 'json', problems)) });
  if (env.BUTLER_CONFIG) {
    if (!existsSync(env.BUTLER_CONFIG)) problems.push(`BUTLER_CONFIG: file ${env.BUTLER_CONFIG} does not exist`);
    else layers.push({ name: env.BUTLER_CONFIG, values: dropEmpty(readObjectFile(env.BUTLER_CONFIG, 'yaml', problems)) });
  }
  const fromEnv: Record<string, unknown> = {};
  for (const option of Object.keys(props)) {
    const raw = env[envName(option)];
    if (raw !== undefined && raw !== '') fromEnv[option] = coerceEnv(option, raw);
  }
  if (Object.keys(fromEnv).length > 0) layers.push({ name: 'environment', values: fromEnv });

  const merged: Record<string, unknown> = { data_dir: dataDir };
  const origin: Record<string, string> = {};
  for (const layer of layers) {
    sources.push(layer.name);
    for (const [k, v] of Object.entries(layer.values)) {
      merged[k] = v;
      origin[k] = layer.name === 'environment' ? envName(k) : layer.name;
    }
  }
  if (merged.data_dir !== dataDir && typeof merged.data_dir === 'string') merged.data_dir = resolve(merged.data_dir);

  const validate = createAjv().compile(optionsSchema);
  if (!validate(merged)) {
    for (const e of describeAjvErrors(validate.errors)) {
      const key = /^\/([^/:]+)/.exec(e)?.[1] ?? /unknown property "([^"]+)"/.exec(e)?.[1] ?? '';
      problems.push(origin[key] ? `${e} (from ${origin[key]})` : e);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { options: merged as unknown as ButlerOptions, sources, explicit: new Set(Object.keys(origin)), addon, supervisorToken };
}

/** Keys whose values are secrets wherever they sit (nested device lists included). */
const SECRET_KEY = /pass(word)?$|token$|secret$|api_?key$|^key$|^authorization$/i;

/** A value with every secret-named key replaced and the credentials in every URL string removed, at any depth. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    out[k] = v !== undefined && v !== null && v !== '' && SECRET_KEY.test(k) ? '[redacted]' : redactValue(v, depth + 1);
  return out;
}

/** The options with every secret replaced and every URL option without its credentials, safe for logs and API output. */
export function redactOptions(options: ButlerOptions): Record<string, unknown> {
  const out = redactValue(options) as Record<string, unknown>;
  for (const k of SECRET_OPTIONS) if (out[k] !== undefined) out[k] = '[redacted]';
  return out;
}
