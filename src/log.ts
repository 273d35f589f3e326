// One structured logger for the whole butler. Secrets are redacted by key wherever they appear.
import pino, { type Logger } from 'pino';
import { redactUrl } from './util/redact';

export type { Logger };

export const REDACTED_KEYS = [
  'token',
  'access_token',
  'api_key',
  'apiKey',
  'password',
  'secret',
  'authorization',
  'Authorization',
  'credentialSecret',
  'llm_api_key',
  'embeddings_api_key',
  'mqtt_password',
  'openclaw_token',
  'supervisor_token',
];

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line already shows in its own place. */
const SHOWN = new Set(['level', 'time', 'msg', 'part', 'name', 'pid', 'hostname']);
const MAX_FIELD = 200;

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value && typeof (value as { message: unknown }).message === 'string') {
    // An error: its message (and type), not its stack, on the line.
    const e = value as { type?: string; message: string };
    return JSON.stringify(e.type && e.type !== 'Error' ? `${e.type}: ${e.message}` : e.message);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_FIELD ? `${text.slice(0, MAX_FIELD)}…` : text;
}

/**
 * One pino JSON line (already redacted) as a line people read:
 * `2026-11-30 12:00:00.123 INFO  [mqtt] connected url=mqtt://core-mosquitto:1883`.
 * Anything that is not a JSON object passes through unchanged.
 */
export function readableLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json);
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  if (!o || typeof o !== 'object') return `${json.trimEnd()}\n`;
  const time = typeof o.time === 'string' ? o.time.replace('T', ' ').replace('Z', '') : '';
  const level = (LEVEL_NAMES[o.level as number] ?? String(o.level)).padEnd(5);
  const part = typeof o.part === 'string' ? `[${o.part}] ` : '';
  const fields = Object.entries(o)
    .filter(([k, v]) => !SHOWN.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${fieldText(v)}`);
  const msg = typeof o.msg === 'string' ? o.msg : '';
  return `${[time, level, `${part}${msg}`, ...fields].filter((x) => x !== '').join(' ')}\n`;
}

/** A pino destination that writes each line through `readableLine` to `out`. */
function readableDestination(out: pino.DestinationStream & { flush?: (cb?: (err?: Error) => void) => void }) {
  return {
    write(line: string): void {
      out.write(readableLine(line.trimEnd()));
    },
    flush(cb?: (err?: Error) => void): void {
      if (out.flush) out.flush(cb);
      else cb?.();
    },
  };
}

export function createLogger(
  options: { level?: string; name?: string; destination?: NodeJS.WritableStream; format?: 'text' | 'json' } = {},
): Logger {
  const wanted = options.level ?? process.env.BUTLER_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  // The add-on's option says "warning" (Home Assistant's word); pino says "warn".
  const level = wanted === 'warning' ? 'warn' : wanted;
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
  const out = (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: false });
  const format = options.format ?? (process.env.BUTLER_LOG_FORMAT === 'json' ? 'json' : 'text');
  return pino(
    {
      name: options.name ?? 'butler',
      level,
      redact: { paths, censor: '[redacted]' },
      // Credentials inside any URL, whatever field or message carries it.
      hooks: { streamWrite: redactUrl },
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    format === 'json' ? out : (readableDestination(out) as unknown as pino.DestinationStream),
  );
}

/** A logger that drops everything (tests and benches that do not care). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
