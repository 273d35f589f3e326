// The secret that encrypts flow credentials: from options (credential_secret), or generated once and kept in the
// data folder. A secret that cannot decrypt what is stored stops the start with a message that says what to do,
// because starting anyway would make Node-RED throw the credentials away on the next deploy.
import { StartupError } from '../parts/part';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_FILE = 'flows-credential-secret';

export class CredentialSecretError extends StartupError {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialSecretError';
  }
}

export interface ResolvedSecret {
  secret: string;
  source: 'options' | 'generated';
  /** Set when stored credentials were re-encrypted (moved from the generated secret to the configured one). */
  reencrypted: Record<string, unknown> | null;
}

function keyOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Node-RED's own scheme (aes-256-ctr, key sha256(secret), iv hex prefix). */
export function decryptCredentials(secret: string, blob: Record<string, unknown>): Record<string, unknown> {
  const text = blob.$;
  if (typeof text !== 'string' || text.length < 32) throw new Error('not an encrypted credentials object');
  const decipher = createDecipheriv('aes-256-ctr', keyOf(secret), Buffer.from(text.slice(0, 32), 'hex'));
  const plain = decipher.update(text.slice(32), 'base64', 'utf8') + decipher.final('utf8');
  const v = JSON.parse(plain) as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('decrypted credentials are not an object');
  return v as Record<string, unknown>;
}

export function encryptCredentials(secret: string, credentials: Record<string, unknown>): Record<string, unknown> {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-ctr', keyOf(secret), iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}

function canDecrypt(secret: string, blob: Record<string, unknown>): boolean {
  try {
    decryptCredentials(secret, blob);
    return true;
  } catch {
    return false;
  }
}

function readGenerated(dataDir: string): string | null {
  const path = join(dataDir, SECRET_FILE);
  if (!existsSync(path)) return null;
  const s = readFileSync(path, 'utf8').trim();
  return s.length > 0 ? s : null;
}

/**
 * Picks the secret and proves it opens the stored credentials.
 * `stored` is the encrypted blob as saved ({"$": ...}), or null/{} when nothing is stored yet.
 */
export function resolveCredentialSecret(opts: {
  configured?: string;
  dataDir: string;
  stored: Record<string, unknown> | null;
}): ResolvedSecret {
  const encrypted = opts.stored && typeof opts.stored.$ === 'string' ? opts.stored : null;
  const plainStored = opts.stored && !encrypted && Object.keys(opts.stored).length > 0;
  const generated = readGenerated(opts.dataDir);
  const file = join(opts.dataDir, SECRET_FILE);

  if (opts.configured) {
    const secret = opts.configured;
    if (!encrypted) {
      return { secret, source: 'options', reencrypted: plainStored ? encryptCredentials(secret, opts.stored!) : null };
    }
    if (canDecrypt(secret, encrypted)) return { secret, source: 'options', reencrypted: null };
    if (generated && canDecrypt(generated, encrypted)) {
      // The user set credential_secret after running with a generated one: move the credentials to it.
      return { secret, source: 'options', reencrypted: encryptCredentials(secret, decryptCredentials(generated, encrypted)) };
    }
    throw new CredentialSecretError(
      'the configured credential_secret cannot decrypt the stored flow credentials. Set credential_secret back to the value used ' +
        'when they were saved' +
        (generated ? ` (or remove it to use the generated secret in ${file})` : '') +
        '. To start over instead, delete the flow credentials with `sqlite3 <data dir>/butler.db "DELETE FROM nr_credentials"` ' +
        'and enter them again in the flow editor.',
    );
  }

  if (generated) {
    if (!encrypted)
      return { secret: generated, source: 'generated', reencrypted: plainStored ? encryptCredentials(generated, opts.stored!) : null };
    if (canDecrypt(generated, encrypted)) return { secret: generated, source: 'generated', reencrypted: null };
    throw new CredentialSecretError(
      `the stored flow credentials cannot be decrypted with the generated secret in ${file}. If you set credential_secret ` +
        'before, set it again in the options; otherwise restore that file from a backup, or delete the flow credentials ' +
        '(`DELETE FROM nr_credentials`) and enter them again in the flow editor.',
    );
  }
  if (encrypted) {
    throw new CredentialSecretError(
      `flow credentials are stored but no secret is available: ${file} is missing and credential_secret is not set. ` +
        'Set credential_secret to the value used when they were saved, or restore that file from a backup.',
    );
  }
  const secret = randomBytes(32).toString('hex');
  mkdirSync(opts.dataDir, { recursive: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, source: 'generated', reencrypted: plainStored ? encryptCredentials(secret, opts.stored!) : null };
}
