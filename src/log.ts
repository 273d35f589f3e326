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

export function createLogger(options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const wanted = options.level ?? process.env.BUTLER_LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info');
  // The add-on's option says "warning" (Home Assistant's word); pino says "warn".
  const level = wanted === 'warning' ? 'warn' : wanted;
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);
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
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** A logger that drops everything (tests and benches that do not care). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
