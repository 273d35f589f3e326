// Before Node-RED starts: the credential secret must open what is stored (or the start stops with what to do), the
// default pipeline is the first revision on a first start, and a corrupt flows row is kept aside while the newest
// readable revision loads in safe mode (nothing runs until a deploy).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import { resolveCredentialSecret } from './credentials';
import type { FlowNode } from './diff';
import type { FlowStorage } from './storage';

export interface Prepared {
  credentialSecret: string;
  safeMode: boolean;
  problems: string[];
}

export function prepareFlows(opts: {
  storage: FlowStorage;
  dataDir: string;
  configuredSecret: string | undefined;
  shipped: () => FlowNode[];
  log: Logger;
}): Prepared {
  const { storage, dataDir, log } = opts;
  const problems: string[] = [];
  let safeMode = false;

  const secret = resolveCredentialSecret({ configured: opts.configuredSecret, dataDir, stored: storage.readCredentials() });
  if (secret.reencrypted) {
    storage.writeCredentials(secret.reencrypted);
    log.info({ source: secret.source }, 'flow credentials re-encrypted with the configured credential_secret');
  }

  try {
    if (storage.seedIfEmpty(opts.shipped(), 'butler')) log.info('deployed the default butler pipeline (first start)');
  } catch (err) {
    problems.push(`the default pipeline could not be deployed: ${messageText(err)}`);
  }

  const check = storage.check();
  if (!check.ok) {
    safeMode = true;
    const backup = join(dataDir, `flows-corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    try {
      writeFileSync(backup, storage.rawFlows() ?? '', { mode: 0o600 });
    } catch {
      /* the message below still says what happened */
    }
    const msg =
      `${check.problem}; a copy is in ${backup}. ` +
      (check.fallbackRevision !== null
        ? `The editor shows revision ${check.fallbackRevision} (the newest readable one), stopped: `
        : 'The editor starts empty, stopped: ') +
      'review it in the flow editor and deploy to run flows again';
    problems.push(msg);
    log.error({ problem: check.problem, backup, revision: check.fallbackRevision }, 'flows are corrupt: Node-RED starts in safe mode');
  }
  return { credentialSecret: secret.secret, safeMode, problems };
}

export function messageText(m: unknown): string {
  if (m instanceof Error) return m.message;
  if (typeof m === 'string') return m;
  try {
    return JSON.stringify(m);
  } catch {
    return String(m);
  }
}
