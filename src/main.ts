// `npm start`: load the options, start the butler, print where to open it, and stop cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig, redactOptions } from './config/load';
import { createLogger } from './log';
import { type RunningButler, startButler } from './service';

const LOG_LEVELS: Record<string, string> = { trace: 'trace', debug: 'debug', info: 'info', warning: 'warn', error: 'error' };

export async function runMain(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Smart Butler cannot start: ${err.message}\n`);
      process.exitCode = 78; // EX_CONFIG
      return;
    }
    throw err;
  }
  const log = createLogger({ level: LOG_LEVELS[config.options.log_level], format: config.options.log_format });
  log.info({ sources: config.sources, options: redactOptions(config.options) }, 'configuration loaded');

  let butler: RunningButler;
  try {
    butler = await startButler(config, { log });
  } catch (err) {
    log.fatal({ err: (err as Error).message }, 'start-up failed');
    process.stderr.write(`Smart Butler cannot start: ${(err as Error).message}\n`);
    // Whatever a half-started library left open must not keep a failed process alive.
    log.flush(() => process.exit(1));
    return;
  }

  const base = `http://127.0.0.1:${butler.port}/`;
  const lines = [
    '',
    '  Smart Butler is running.',
    config.addon ? '  Open it from the Home Assistant sidebar (Butler).' : `  Open:      ${base}login?token=${butler.apiToken}`,
    `  Flows:     ${base}flows/`,
    `  API:       ${base}api/  (Authorization: Bearer <token in ${config.options.data_dir}/api-token>)`,
    `  MQTT:      ${butler.mqttUrl}`,
    `  Assist:    Wyoming on port ${butler.wyomingPort || 'off'} (add it in Home Assistant: Settings → Devices → Add → Wyoming Protocol)`,
    `  Home:      ${butler.demoHomeUrl ? `demo home (${butler.demoHomeUrl})` : butler.haDetail()}`,
    ...butler.notices.map((n) => `  Note:      ${n}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    butler
      .stop()
      .then(() => {
        log.info('stopped');
        // Everything is closed and flushed; a library's stray keep-alive timer must not hold the process.
        log.flush(() => process.exit(0));
      })
      .catch((err) => {
        log.error({ err }, 'stop failed');
        log.flush(() => process.exit(1));
      });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  process.on('uncaughtException', (err) => log.error({ err }, 'uncaught exception'));
}

if (require.main === module) {
  runMain().catch((err) => {
    process.stderr.write(`Smart Butler crashed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
